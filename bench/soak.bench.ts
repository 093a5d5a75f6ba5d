/**
 * Memory under sustained deploys (issue 11, "Speed and memory"): the same stack as the service-lifecycle bench
 * (etcd, Redis, local-cluster with zero simulated delays, api and deployer as their own processes, loopback
 * only; nothing starts before the deployer has brought a warm-up release to its verdict) with 5,000 services
 * stored, then 50 of them deploying in a closed loop (deploy → verdict on the release's event stream → next
 * deploy of the same service) for 3 minutes: thousands of deploys.
 * - resident memory (RSS) of the api and the deployer, and their V8 heap in use (from a Node diagnostic report
 *   the app writes on SIGUSR2), sampled every 3 s. The first 20 % of the time is warm-up (the first deploys
 *   create the Deployments, the processes' heaps grow to their working size) and not counted; over the rest:
 *   min / max / mean, the largest deviation from the mean beside the aim "flat ±10 %", the trend in MB per
 *   minute, and the final RSS beside the aim "< 200 MB".
 * - deploys done, their 202 → verdict, and failures (a release that did not succeed or a request that failed).
 * Knobs: `CITE_SOAK_SECONDS=<s>` (default 180) and `CITE_SOAK_IN_FLIGHT=<n>` (default 50).
 */
import { judge } from './support/aims';
import type { App } from './support/app-process';
import { heapUsedOf } from './support/heap-report';
import { rssOf } from './support/proc-stats';
import { createServices, deploy, TEAM } from './support/services';
import { startStack, type Stack } from './support/stack';
import { mean, summary } from './support/stats';

const SECONDS = Number(process.env['CITE_SOAK_SECONDS'] ?? 180);
const IN_FLIGHT = Number(process.env['CITE_SOAK_IN_FLIGHT'] ?? 50);
const SERVICES = 5_000;
const CREATE_CONCURRENCY = 16;
const SAMPLE_EVERY_MS = 3_000;
/** The share of the soak, from its start, that is warm-up and not counted. */
const WARM_UP_SHARE = 0.2;
/** After a failed request, the slot waits this long before its next deploy (so a dead api is not hammered). */
const BACK_OFF_MS = 1_000;
const AIM = { flatPercent: 10, rssMb: 200 };

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface MemorySample {
  /** Seconds since the soak began. */
  at: number;
  rss: number;
  heap?: number;
}

interface Soak {
  deploys: number;
  /** 202 → verdict of the deploys accepted after the warm-up, ms. */
  verdicts: number[];
  failures: string[];
}

/** One in-flight slot: deploys `service` again and again until `end`, each time waiting for the verdict. */
async function deployLoop(stack: Stack, service: string, soakStart: number, end: number, soak: Soak) {
  for (let n = 0; performance.now() < end; n++) {
    try {
      const image = `registry.local/${TEAM}/${service}:soak-${n}`;
      const { release, acceptedAt } = await deploy(stack.call, service, image);
      const done = await stack.verdictOf(service, release);
      soak.deploys += 1;
      if (acceptedAt - soakStart >= WARM_UP_SHARE * SECONDS * 1000)
        soak.verdicts.push(performance.now() - acceptedAt);
      if (done.status !== 'succeeded')
        soak.failures.push(`${service}#${release} ${done.status}: ${done.message}`);
    } catch (error) {
      soak.failures.push(`${service}: ${String(error)}`);
      for (const app of [stack.api, stack.deployer])
        if (app.child.exitCode !== null) throw new Error(`${app.name} exited during the soak`);
      await sleep(BACK_OFF_MS);
    }
  }
}

/** Samples the apps' memory every SAMPLE_EVERY_MS until `end`. */
async function sampleMemory(stack: Stack, apps: App[], soakStart: number, end: number) {
  const samples = new Map<string, MemorySample[]>(apps.map((app) => [app.name, []]));
  while (performance.now() < end) {
    const next = performance.now() + SAMPLE_EVERY_MS;
    for (const app of apps) {
      const at = (performance.now() - soakStart) / 1000;
      const heap = stack.reportDir ? await heapUsedOf(app, stack.reportDir) : undefined;
      samples.get(app.name)!.push({ at, rss: rssOf(app.pid), heap });
    }
    await sleep(Math.max(0, Math.min(next, end) - performance.now()));
  }
  return samples;
}

/** Least-squares slope of `values` over `at` (s), in units per minute. */
function trendPerMinute(at: number[], values: number[]): number {
  const mt = mean(at);
  const mv = mean(values);
  const num = at.reduce((sum, t, i) => sum + (t - mt) * (values[i]! - mv), 0);
  const den = at.reduce((sum, t) => sum + (t - mt) ** 2, 0);
  return den === 0 ? Number.NaN : (num / den) * 60;
}

/** Largest distance of a value from the mean, in % of the mean. */
function deviationPercent(values: number[]): number {
  const avg = mean(values);
  return (Math.max(...values.map((v) => Math.abs(v - avg))) / avg) * 100;
}

function reportMemory(name: string, all: MemorySample[]): void {
  const counted = all.filter((s) => s.at >= WARM_UP_SHARE * SECONDS);
  const line = (what: string, values: number[]) => {
    const trend = trendPerMinute(
      counted.map((s) => s.at),
      values,
    );
    return `${name} ${what}: min ${Math.min(...values)} / max ${Math.max(...values)} / mean ${mean(values).toFixed(0)} MB, largest deviation from the mean ±${deviationPercent(values).toFixed(1)} %, trend ${trend >= 0 ? '+' : ''}${trend.toFixed(1)} MB/min`;
  };
  const rss = counted.map((s) => s.rss);
  console.log(
    `  ${line('RSS', rss)} — aim flat ±${AIM.flatPercent} %: ${judge(deviationPercent(rss), AIM.flatPercent)}`,
  );
  const final = all.at(-1)!;
  console.log(`  ${name} final RSS ${final.rss} MB — aim < ${AIM.rssMb} MB: ${judge(final.rss, AIM.rssMb)}`);
  const heap = counted.flatMap((s) => s.heap ?? []);
  if (heap.length > 0 && heap.length === counted.length)
    console.log(`  ${line('heap used', heap)}; final ${final.heap ?? '?'} MB`);
}

async function soak(stack: Stack): Promise<void> {
  const services = Array.from({ length: IN_FLIGHT }, (_, i) => `s${i}`);
  // The warm-up service and the IN_FLIGHT soaking ones count towards the SERVICES stored.
  const others = Array.from({ length: SERVICES - IN_FLIGHT - 1 }, (_, i) => `l${i}`);
  const seconds = await createServices(stack.call, [...services, ...others], CREATE_CONCURRENCY);
  console.log(
    `created ${SERVICES - 1} services via the API (${CREATE_CONCURRENCY} in flight) in ${seconds.toFixed(1)} s`,
  );
  console.log(
    `RSS at ${SERVICES} services, before the soak: api ${rssOf(stack.api.pid)} MB, deployer ${rssOf(stack.deployer.pid)} MB`,
  );
  const soakStart = performance.now();
  const end = soakStart + SECONDS * 1000;
  const result: Soak = { deploys: 0, verdicts: [], failures: [] };
  const [, memory] = await Promise.all([
    Promise.all(services.map((service) => deployLoop(stack, service, soakStart, end, result))),
    sampleMemory(stack, [stack.api, stack.deployer], soakStart, end),
  ]);
  const took = (performance.now() - soakStart) / 1000;
  console.log(
    `soak: ${IN_FLIGHT} services deploying in a closed loop for ${took.toFixed(0)} s with ${SERVICES} services stored: ${result.deploys} deploys (${(result.deploys / took).toFixed(1)}/s), ${result.failures.length} failed${result.failures.length ? `: ${result.failures.slice(0, 3).join('; ')}` : ''}`,
  );
  console.log(`  202 → verdict after the warm-up: ${summary(result.verdicts)}`);
  const counted = memory.get('api')!.filter((s) => s.at >= WARM_UP_SHARE * SECONDS).length;
  console.log(
    `memory sampled every ${SAMPLE_EVERY_MS / 1000} s; ${counted} samples after the warm-up (the first ${(WARM_UP_SHARE * SECONDS).toFixed(0)} s):`,
  );
  for (const [name, samples] of memory) reportMemory(name, samples);
}

const stack = await startStack({ name: 'soak', heapReports: true });
try {
  console.log(
    `started etcd, redis, local-cluster, api, deployer and the deployer took a warm-up release in ${elapsed()} (logs in ${stack.dir})`,
  );
  await soak(stack);
} finally {
  await stack.stop();
  console.log(`total ${elapsed()}`);
}
