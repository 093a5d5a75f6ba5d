// Prints the configuration reference table (from libs/config's key table) for README.md.
// A test in libs/config fails when the README's copy differs.
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const outfile = path.join(root, '.local', 'tools', 'config-reference.mjs');
await build({
  entryPoints: [path.join(root, 'libs/config/src/index.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  tsconfig: path.join(root, 'tsconfig.base.json'),
  logLevel: 'error',
});
const { configReference } = await import(outfile);
process.stdout.write(`${configReference()}\n`);
