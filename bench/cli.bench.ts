/**
 * The `cite` CLI's start-up (issue 18, "Speed"): the bundle `npm run build` makes (dist/apps/cli/cite.mjs) run as a
 * user runs it, from process start to exit — `cite --help` (no network), and `cite services` against a running api
 * (etcd, Redis, local-cluster, api and deployer as processes) holding 50 services. 30 runs each after 3 warm-ups;
 * median and p90. Aim: < 300 ms each.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beside } from './support/aims';
import { root } from './support/app-process';
import { startStack, TOKEN } from './support/stack';
import { percentile } from './support/stats';

const CLI = path.join(root, 'dist/apps/cli/cite.mjs');
const RUNS = 30;
const AIM_MS = 300;

function time(args: string[], env: Record<string, string>): number[] {
  const times: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const started = performance.now();
    const run = spawnSync(process.execPath, [CLI, ...args], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      encoding: 'utf8',
    });
    const ms = performance.now() - started;
    if (run.status !== 0) throw new Error(`cite ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
    if (i >= 3) times.push(ms);
  }
  return times.sort((a, b) => a - b);
}

const stack = await startStack({ name: 'cli' });
try {
  for (let i = 0; i < 50; i++) {
    await stack.call('POST', '/api/v1/services', {
      name: `svc-${i}`,
      team: 'bench',
      image: 'registry.local:5000/bench/app',
      port: 8080,
    });
  }
  const env = { CITE_URL: stack.base, CITE_TOKEN: TOKEN, HOME: '/nonexistent' };
  for (const [label, args] of [
    ['cite --help', ['--help']],
    ['cite services (50 services)', ['services']],
  ] as const) {
    const times = time([...args], env);
    process.stdout.write(
      `${label}: median ${percentile(times, 50).toFixed(0)} ms, p90 ${percentile(times, 90).toFixed(0)} ms\n  ${beside(`${label} p90`, percentile(times, 90), AIM_MS, 'ms', 0)}\n`,
    );
  }
} finally {
  await stack.stop();
}
