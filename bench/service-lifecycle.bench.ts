/**
 * The control plane at work (issues 4 and 11, "Speed" and "Speed and memory"): etcd, Redis, local-cluster (zero
 * simulated delays), api and deployer run as their own processes from the bundles `npm start` uses; traffic is
 * loopback only. Nothing is measured before the deployer has brought a warm-up release (a service of another
 * team, so the measured first deploys still create their team's namespace) to its verdict.
 * - deploy overhead: from the API's 202 to the new pod template (the new image) being on the Deployment in the
 *   cluster, seen on a raw watch of `/apis/apps/v1/deployments`. 50 services, 50 in flight, 6 rounds: each
 *   in-flight slot owns one service and deploys it again when the last release has its verdict (on the
 *   release's event stream, as the CLI waits), so no deploy is superseded and none waits for another's rollout
 *   of the same service. Round 0 is each service's first deploy, which creates its Deployment (all 50 sent in
 *   the same instant, so their rollouts and verdicts arrive together); round 1, sent as those verdicts arrive,
 *   lets the closed loop out of that lockstep and runs the update path once in each process. Every round is
 *   printed with its split at the release's `startedAt` (the deployer took the job, read etcd, holds the service
 *   lock and marked the release in_progress); the aims are for all rounds (first deploys included), the first
 *   deploys alone, and the steady state after the two ramp-up rounds (the last 4 rounds, 200 deploys).
 * - 202 → verdict at 50 in flight, with the CPU per deploy across processes: the closed loop keeps the cores
 *   saturated, so by Little's law the verdict is about in-flight × CPU per deploy / cores; and 202 → verdict
 *   one deploy at a time (20 deploys of one warm service, one after another), which is the path's own latency.
 * - `GET /api/v1/services` with 5,000 services: default page size and limit=1000
 * - resident memory of the api and deployer processes at 5,000 services
 * Knobs: `CITE_BENCH_DEPLOYS_ONLY=1` stops after the deploy figures; `CITE_BENCH_WARM_UP=<n>` counts n rounds as
 * ramp-up instead of 2 (at least 1); `CITE_BENCH_IN_FLIGHT=<n>` deploys n services at once instead of 50;
 * `CITE_BENCH_CPU_PROFILE_DIR=<dir>` writes a V8 CPU profile of each app there (open it in Chrome DevTools);
 * `CITE_BENCH_ETCD_OPS=1` prints the etcd operations the 50-in-flight rounds caused, per deploy.
 */
import os from 'node:os';
import { beside } from './support/aims';
import { etcdCounters, etcdOpsLines, type EtcdCounters } from './support/etcd-ops';
import { deployRounds, type DeploySample } from './support/deploy-rounds';
import { rssOf } from './support/proc-stats';
import { createServices } from './support/services';
import { cpuBetween, cpuUse, startStack, type CpuUse, type Stack } from './support/stack';
import { percentile, summary } from './support/stats';

const SERVICES = 5_000;
/** Services deployed at once, one in-flight deploy each (`CITE_BENCH_IN_FLIGHT` overrides, for comparison). */
const IN_FLIGHT = Number(process.env['CITE_BENCH_IN_FLIGHT'] ?? 50);
/** Rounds after the ramp-up: 200 steady-state deploys at 50 in flight. */
const STEADY_ROUNDS = 4;
/** Ramp-up rounds, round 0 (the first deploys) included (`CITE_BENCH_WARM_UP` overrides); at least 1. */
const WARM_UP_ROUNDS = Math.max(1, Number(process.env['CITE_BENCH_WARM_UP'] ?? 2));
/** Deploys of one warm service, one after another, for the verdict one deploy at a time. */
const SEQUENTIAL_DEPLOYS = 20;
const CREATE_CONCURRENCY = 16;
const LISTS = 100;
/** The issue's aims, in ms (verdict in s, memory in MB). */
const AIM = { allRounds: 100, firstDeploys: 200, steady: 30, verdictSeconds: 1, list: 50, rssMb: 200 };

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const ms = (n: number) => n.toFixed(0);

function roundLabel(round: number): string {
  if (round === 0)
    return 'round 0, ramp-up: first deploy of each service (creates its Deployment; all at once)';
  if (round < WARM_UP_ROUNDS)
    return `round ${round}, ramp-up: update ${round} of each service (sent as the previous round's verdicts arrive)`;
  return `round ${round}, steady state: update ${round} of each service`;
}

/** ` (202 → startedAt p50 a / p99 b ms, then p50 c / p99 d ms)` for samples that have a startedAt. */
function splitAtStart(samples: DeploySample[]): string {
  const split = samples.filter((s) => s.toStart !== undefined);
  if (split.length === 0) return '';
  const toStart = split.map((s) => s.toStart!);
  const rest = split.map((s) => s.overhead - s.toStart!);
  return ` (202 → startedAt p50 ${ms(percentile(toStart, 50))} / p99 ${ms(percentile(toStart, 99))} ms, then p50 ${ms(percentile(rest, 50))} / p99 ${ms(percentile(rest, 99))} ms)`;
}

function reportOverhead(samples: DeploySample[]): void {
  const rounds = Math.max(...samples.map((s) => s.round)) + 1;
  const overheads = (of: DeploySample[]) => of.map((s) => s.overhead);
  const first = samples.filter((s) => s.round === 0);
  const steady = samples.filter((s) => s.round >= WARM_UP_ROUNDS);
  console.log(`deploy overhead (202 → new image on the Deployment), ${IN_FLIGHT} in flight, per round:`);
  for (let round = 0; round < rounds; round++) {
    const of = samples.filter((s) => s.round === round);
    console.log(`  ${roundLabel(round)}: ${summary(overheads(of))}${splitAtStart(of)}`);
  }
  console.log(`  all ${rounds} rounds: ${summary(overheads(samples))}`);
  console.log(`  steady state, 202 → startedAt: ${summary(steady.flatMap((s) => s.toStart ?? []))}`);
  console.log(
    `  steady state, startedAt → on the Deployment: ${summary(steady.flatMap((s) => (s.toStart === undefined ? [] : s.overhead - s.toStart)))}`,
  );
  const p99 = (of: DeploySample[]) => percentile(overheads(of), 99);
  console.log(
    `  ${beside(`all rounds (${samples.length} deploys, first deploys included) p99`, p99(samples), AIM.allRounds)}`,
  );
  console.log(`  ${beside(`first deploys alone (${first.length}) p99`, p99(first), AIM.firstDeploys)}`);
  console.log(
    `  ${beside(`steady state (rounds ${WARM_UP_ROUNDS}–${rounds - 1}, ${steady.length} deploys) p99`, p99(steady), AIM.steady)}`,
  );
}

/** The verdict at IN_FLIGHT, beside the CPU per deploy and what Little's law makes of it. */
function reportVerdict(samples: DeploySample[], cpu: CpuUse[]): void {
  const verdicts = samples.filter((s) => s.round >= WARM_UP_ROUNDS).map((s) => s.verdict);
  const p50 = percentile(verdicts, 50) / 1000;
  console.log(
    `202 → verdict on the release's event stream, ${IN_FLIGHT} in flight (steady state): ${summary(verdicts)}`,
  );
  console.log(`  ${beside('p50', p50, AIM.verdictSeconds, 's', 2)}`);
  // In a closed loop that keeps the cores busy, throughput = cores / CPU per deploy, and by Little's law the
  // time a deploy spends in the system (202 → verdict) = in flight / throughput = in flight × CPU per deploy /
  // cores: at 50 in flight the verdict is bound by CPU throughput, not by the latency of one deploy's path.
  const perDeploy = (seconds: number) => (seconds * 1000) / samples.length;
  const total = perDeploy(cpu.reduce((sum, p) => sum + p.seconds, 0));
  const cores = os.availableParallelism();
  const parts = cpu
    .map(
      (p) =>
        `${p.name} ${ms(perDeploy(p.seconds))}${p.children > 0 ? ` (of it its child processes ${ms(perDeploy(p.children))})` : ''}`,
    )
    .join(', ');
  console.log(`  CPU per deploy over all ${samples.length} deploys: ${ms(total)} ms (${parts})`);
  console.log(
    `  Little's law: verdict ≈ ${IN_FLIGHT} in flight × ${ms(total)} ms CPU per deploy / ${cores} cores ≈ ${((IN_FLIGHT * total) / cores / 1000).toFixed(1)} s (measured p50 ${p50.toFixed(1)} s): with the cores saturated the closed loop is bound by CPU throughput, not by one deploy's path (one deploy at a time below)`,
  );
}

async function oneAtATime(stack: Stack, service: string): Promise<void> {
  const run = await deployRounds(stack, {
    services: [service],
    rounds: SEQUENTIAL_DEPLOYS,
    tag: 'one-at-a-time-',
  });
  const verdicts = run.samples.map((s) => s.verdict);
  console.log(
    `202 → verdict, one deploy at a time (${SEQUENTIAL_DEPLOYS} deploys of the warm service ${service}, one after another): ${summary(verdicts)}; ${run.failures.length} not succeeded`,
  );
  console.log(
    `  ${beside('p50', percentile(verdicts, 50) / 1000, AIM.verdictSeconds, 's', 2)}; its overhead: ${summary(run.samples.map((s) => s.overhead))}`,
  );
}

async function deployFigures(stack: Stack): Promise<void> {
  const services = Array.from({ length: IN_FLIGHT }, (_, i) => `s${i}`);
  await createServices(stack.call, services, CREATE_CONCURRENCY);
  const etcdOps = process.env['CITE_BENCH_ETCD_OPS'] === '1';
  const etcdBefore: EtcdCounters | undefined = etcdOps ? await etcdCounters(stack.etcd.endpoint) : undefined;
  const cpuBefore = cpuUse(stack);
  const run = await deployRounds(stack, { services, rounds: WARM_UP_ROUNDS + STEADY_ROUNDS, tag: '' });
  const cpu = cpuBetween(cpuBefore, cpuUse(stack));
  const etcdAfter = etcdOps ? await etcdCounters(stack.etcd.endpoint) : undefined;
  console.log(
    `${run.samples.length} deploys across ${IN_FLIGHT} services, ${IN_FLIGHT} in flight, in ${run.seconds.toFixed(1)} s; ${run.failures.length} not succeeded${run.failures.length ? `: ${run.failures.slice(0, 3).join('; ')}` : ''}`,
  );
  reportOverhead(run.samples);
  reportVerdict(run.samples, cpu);
  if (etcdBefore && etcdAfter)
    for (const line of etcdOpsLines(etcdBefore, etcdAfter, run.samples.length)) console.log(line);
  await oneAtATime(stack, services[0]!);
}

async function listFigures(stack: Stack): Promise<void> {
  // The warm-up service and the IN_FLIGHT deployed ones count towards the SERVICES stored.
  const more = SERVICES - IN_FLIGHT - 1;
  const seconds = await createServices(
    stack.call,
    Array.from({ length: more }, (_, i) => `l${i}`),
    CREATE_CONCURRENCY,
  );
  console.log(
    `created ${more} more services via the API (${CREATE_CONCURRENCY} in flight) in ${seconds.toFixed(1)} s (${(more / seconds).toFixed(0)}/s)`,
  );
  for (const [label, query] of [
    ['default page', ''],
    ['limit=1000', '?limit=1000'],
  ] as const) {
    const samples: number[] = [];
    let items = 0;
    let size = 0;
    for (let i = 0; i < LISTS; i++) {
      const t = performance.now();
      const res = await stack.call('GET', `/api/v1/services${query}`);
      samples.push(performance.now() - t);
      items = (res.json['items'] as unknown[]).length;
      size = res.size;
    }
    console.log(
      `GET /api/v1/services${query} (${label}: ${items} items, ${(size / 1e3).toFixed(0)} kB) with ${SERVICES} stored: ${summary(samples)} — ${beside('p99', percentile(samples, 99), AIM.list)}`,
    );
  }
  const samples: number[] = [];
  let total = 0;
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    let cursor: string | undefined;
    total = 0;
    do {
      const page = `/api/v1/services?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await stack.call('GET', page);
      total += (res.json['items'] as unknown[]).length;
      cursor = res.json['nextCursor'] as string | undefined;
    } while (cursor);
    samples.push(performance.now() - t);
  }
  console.log(`walk all pages at limit=1000 (${total} services): ${summary(samples)}`);
}

const stack = await startStack({ name: 'sl', cpuProfileDir: process.env['CITE_BENCH_CPU_PROFILE_DIR'] });
try {
  console.log(
    `started etcd, redis, local-cluster, api, deployer and the deployer took a warm-up release in ${elapsed()} (logs in ${stack.dir})`,
  );
  console.log(`RSS at start: api ${rssOf(stack.api.pid)} MB, deployer ${rssOf(stack.deployer.pid)} MB`);
  await deployFigures(stack);
  if (process.env['CITE_BENCH_DEPLOYS_ONLY'] !== '1') {
    await listFigures(stack);
    console.log(`RSS at ${SERVICES} services:`);
    console.log(`  ${beside('api', rssOf(stack.api.pid), AIM.rssMb, 'MB', 0)}`);
    console.log(`  ${beside('deployer', rssOf(stack.deployer.pid), AIM.rssMb, 'MB', 0)}`);
  }
} finally {
  await stack.stop();
  console.log(`total ${elapsed()}`);
}
