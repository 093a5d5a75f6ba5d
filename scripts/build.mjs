// Bundles each app's src/main.ts into dist/apps/<app>/main.mjs, and its src/bin/<name>.ts commands into
// dist/apps/<app>/<name>.mjs (ESM, Node 22). npm packages stay external and
// load from node_modules; @cite/* libs are inlined through tsconfig paths.
// The web UI (apps/web, React) is built by Vite into dist/apps/web, which the api serves at `/`.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';

const root = path.resolve(import.meta.dirname, '..');
const only = process.argv.slice(2);
const apps = fs
  .readdirSync(path.join(root, 'apps'))
  .filter((name) => fs.existsSync(path.join(root, 'apps', name, 'src', 'main.ts')))
  .filter((name) => only.length === 0 || only.includes(name));

const web = only.length === 0 || only.includes('web');
// The `cite` CLI (apps/cli/src/cite.ts): one self-contained bundle with its npm packages inlined, so it starts
// without resolving node_modules (< 300 ms) and installs alone: npm i -g ./dist/apps/cli.
const cli = only.length === 0 || only.includes('cli');
// React's production build whatever NODE_ENV the caller has (Jest's `test` would give its development build).
if (web) process.env.NODE_ENV = 'production';
const started = Date.now();
const binsOf = (name) => {
  const dir = path.join(root, 'apps', name, 'src', 'bin');
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
        .map((file) => ({ entry: path.join(dir, file), out: `${file.slice(0, -3)}.mjs` }))
    : [];
};
const cliDir = path.join(root, 'dist', 'apps', 'cli');
await Promise.all([
  ...(cli
    ? [
        build({
          entryPoints: { cite: path.join(root, 'apps', 'cli', 'src', 'cite.ts') },
          outdir: cliDir,
          outExtension: { '.js': '.mjs' },
          bundle: true,
          splitting: true,
          chunkNames: 'chunks/[name]-[hash]',
          platform: 'node',
          format: 'esm',
          target: 'node22',
          minify: true,
          tsconfig: path.join(root, 'tsconfig.base.json'),
          logLevel: 'warning',
          legalComments: 'none',
          // CommonJS packages inside an ESM bundle still call require() for Node's modules.
          banner: {
            js: "import { createRequire as __citeRequire } from 'node:module'; const require = __citeRequire(import.meta.url);",
          },
        }).then(() => {
          const { version, license } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
          // The bundle needs only fetch and AbortSignal.any: Node 20.3 or later runs it (the platform itself wants 22).
          const manifest = {
            name: 'cite-cli',
            version,
            description: "cite's command line",
            type: 'module',
            bin: { cite: 'cite.mjs' },
            engines: { node: '>=20.3' },
            license,
          };
          fs.writeFileSync(path.join(cliDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
          fs.chmodSync(path.join(cliDir, 'cite.mjs'), 0o755);
        }),
      ]
    : []),
  ...(web
    ? [
        viteBuild({
          configFile: path.join(root, 'apps', 'web', 'vite.config.ts'),
          logLevel: 'warn',
          mode: 'production',
        }),
      ]
    : []),
  ...apps.flatMap((name) =>
    [{ entry: path.join(root, 'apps', name, 'src', 'main.ts'), out: 'main.mjs' }, ...binsOf(name)].map(
      ({ entry, out }) =>
        build({
          entryPoints: [entry],
          outfile: path.join(root, 'dist', 'apps', name, out),
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
  ),
]);
process.stdout.write(
  `built ${[...apps, ...(cli ? ['cli'] : []), ...(web ? ['web'] : [])].join(', ')} in ${Date.now() - started} ms\n`,
);
