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

/**
 * Adds a Jest-format JSON report (Jest's `--json`, Vitest's `json` reporter) to the totals: each test, a suite
 * that failed to load or run once, and skipped or todo tests as failures unless allowed.
 */
function countResults(file, ok, runner, { allowSkipped }) {
  const failedBefore = failed;
  if (!fs.existsSync(file)) {
    if (!ok) {
      failed += 1;
      failures.push(`${runner} did not run`);
    }
    return;
  }
  const results = JSON.parse(fs.readFileSync(file, 'utf8'));
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
  if (skipped > 0 && !allowSkipped) {
    failed += skipped;
    failures.push(`${skipped} skipped or todo ${runner} test(s): the suite allows none`);
  }
  // A run that failed without a failing test (an error outside the tests) still fails the suite.
  if (!ok && failed === failedBefore) {
    failed += 1;
    failures.push(`${runner} exited non-zero`);
  }
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
countResults(vitestFile, vitestOk, 'vitest', { allowSkipped: false });

const jestOk = check(
  'jest',
  [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    // On two cores Jest runs every file in this one process, and in ESM mode each file's module graph stays
    // reachable for a while: the default ~4 GB heap ran out near the end of the suite (issue 14's session).
    '--max-old-space-size=12288',
    path.join(root, 'node_modules/jest/bin/jest.js'),
    // Jest's default on two cores is one worker, which leaves a core idle while a file waits on a server,
    // a child process or a browser: two workers took the suite from 753–851 s to 678 s on this machine.
    '--maxWorkers=2',
    '--json',
    `--outputFile=${resultsFile}`,
    ...process.argv.slice(2),
  ],
  { FORCE_COLOR: process.env.CI ? '0' : (process.env.FORCE_COLOR ?? '1') },
);

// Against a real cluster (CITE_TEST_KUBECONFIG) emulator-only tests are skipped with a printed reason;
// everywhere else the suite allows no skipped test.
countResults(resultsFile, jestOk, 'jest', { allowSkipped: Boolean(process.env.CITE_TEST_KUBECONFIG) });

if (failures.length) process.stdout.write(`\nFailures:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
