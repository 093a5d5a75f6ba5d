// Bundles each app's src/main.ts into dist/apps/<app>/main.mjs (ESM, Node 22). npm packages stay external and
// load from node_modules; @cite/* libs are inlined through tsconfig paths.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const only = process.argv.slice(2);
const apps = fs
  .readdirSync(path.join(root, 'apps'))
  .filter((name) => fs.existsSync(path.join(root, 'apps', name, 'src', 'main.ts')))
  .filter((name) => only.length === 0 || only.includes(name));

const started = Date.now();
await Promise.all(
  apps.map((name) =>
    build({
      entryPoints: [path.join(root, 'apps', name, 'src', 'main.ts')],
      outfile: path.join(root, 'dist', 'apps', name, 'main.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      packages: 'external',
      sourcemap: 'linked',
      tsconfig: path.join(root, 'tsconfig.base.json'),
      logLevel: 'warning',
      legalComments: 'none',
    }),
  ),
);
process.stdout.write(`built ${apps.join(', ')} in ${Date.now() - started} ms\n`);
