// npm run chart: writes charts/cite from libs/chart (the generator), removing template files it no longer makes.
// A test in libs/chart fails when the committed chart differs from the generator's output.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
// Inside the repository, so the bundle's imports of npm packages resolve from node_modules.
const outfile = path.join(root, '.local', 'chart', 'generate.mjs');
await build({
  entryPoints: [path.join(root, 'libs/chart/src/index.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  tsconfig: path.join(root, 'tsconfig.base.json'),
  logLevel: 'error',
});
const { generateChart } = await import(outfile);
const dir = path.join(root, 'charts', 'cite');
const files = generateChart();
fs.rmSync(path.join(dir, 'templates'), { recursive: true, force: true });
for (const [file, text] of files) {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
}
process.stdout.write(`wrote ${files.size} files into charts/cite\n`);
