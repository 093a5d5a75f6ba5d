// The whole suite: lint (module boundaries included), typecheck, the web UI's component tests (Vitest), then every
// Jest project (the browser tests of the UI among them, in apps/e2e).
// Jest's global setup starts one throwaway etcd and Redis on free ports for all projects and stops them.
// Prints one closing line "N passed, N failed" and exits non-zero on any failure.
// Extra arguments go to Jest (e.g. `npm test -- --selectProjects store`); lint and typecheck then still run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const node = process.execPath;
const resultsFile = path.join(root, '.local', 'test-results.json');
fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
fs.rmSync(resultsFile, { force: true });

let passed = 0;
let failed = 0;
const failures = [];

function check(name, args, env = {}) {
  const started = Date.now();
  process.stdout.write(`\n== ${name}\n`);
  const result = spawnSync(node, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = result.status === 0;
  process.stdout.write(
    `== ${name}: ${ok ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
  );
  return ok;
}

// ESLint's module-boundary rule reads Nx's project graph; compute it first (no daemon, no cloud).
spawnSync(node, [path.join(root, 'node_modules/nx/dist/bin/nx.js'), 'show', 'projects'], {
  cwd: root,
  stdio: 'ignore',
  env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
});

for (const [name, args] of [
  ['lint', [path.join(root, 'node_modules/eslint/bin/eslint.js'), '--max-warnings=0', '.']],
  ['typecheck', [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']],
  // The web UI has its own compiler settings (DOM, JSX).
  ['typecheck web', [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'apps/web/tsconfig.json']],
]) {
  if (check(name, args)) passed += 1;
  else {
    failed += 1;
    failures.push(name);
  }
}

// The web UI's component tests (Vitest + Testing Library on jsdom), counted test by test.
const vitestFile = path.join(root, '.local', 'vitest-results.json');
fs.rmSync(vitestFile, { force: true });
const vitestOk = check('vitest (web components)', [
  path.join(root, 'node_modules/vitest/vitest.mjs'),
  'run',
  '--root',
  path.join(root, 'apps/web'),
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestFile}`,
]);
if (fs.existsSync(vitestFile)) {
  const results = JSON.parse(fs.readFileSync(vitestFile, 'utf8'));
  passed += results.numPassedTests;
  failed += results.numFailedTests;
  for (const suite of results.testResults) {
    if (suite.status === 'failed' && suite.assertionResults.every((a) => a.status !== 'failed')) {
      failed += 1;
      failures.push(path.relative(root, suite.name));
    }
    for (const a of suite.assertionResults)
      if (a.status === 'failed') failures.push(`${path.relative(root, suite.name)} › ${a.fullName}`);
  }
  const skipped = results.numPendingTests + results.numTodoTests;
  if (skipped > 0) {
    failed += skipped;
    failures.push(`${skipped} skipped or todo web test(s): the suite allows none`);
  }
}
if (!vitestOk && !fs.existsSync(vitestFile)) {
  failed += 1;
  failures.push('vitest did not run');
}

const jestOk = check(
  'jest',
  [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    // On two cores Jest runs every file in this one process, and in ESM mode each file's module graph stays
    // reachable for a while: the default ~4 GB heap ran out near the end of the suite (issue 14's session).
    '--max-old-space-size=12288',
    path.join(root, 'node_modules/jest/bin/jest.js'),
    '--json',
    `--outputFile=${resultsFile}`,
    ...process.argv.slice(2),
  ],
  { FORCE_COLOR: process.env.CI ? '0' : (process.env.FORCE_COLOR ?? '1') },
);

if (fs.existsSync(resultsFile)) {
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  passed += results.numPassedTests;
  failed += results.numFailedTests;
  for (const suite of results.testResults) {
    // A suite that failed to load or run reports no tests of its own; count it once.
    if (suite.status === 'failed' && suite.assertionResults.every((a) => a.status !== 'failed')) {
      failed += 1;
      failures.push(path.relative(root, suite.name));
    }
    for (const a of suite.assertionResults)
      if (a.status === 'failed') failures.push(`${path.relative(root, suite.name)} › ${a.fullName}`);
  }
  const skipped = results.numPendingTests + results.numTodoTests;
  // Against a real cluster (CITE_TEST_KUBECONFIG) emulator-only tests are skipped with a printed reason;
  // everywhere else the suite allows no skipped test.
  if (skipped > 0 && !process.env.CITE_TEST_KUBECONFIG) {
    failed += skipped;
    failures.push(`${skipped} skipped or todo test(s): the suite allows none`);
  }
} else if (!jestOk) {
  failed += 1;
  failures.push('jest did not run');
}
if (!jestOk && failed === 0) {
  failed += 1;
  failures.push('jest exited non-zero');
}

if (failures.length) process.stdout.write(`\nFailures:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
