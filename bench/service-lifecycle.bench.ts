/**
 * The control plane at work (issue 4, "Speed"): etcd, Redis, local-cluster (zero simulated delays), api and
 * deployer run as their own processes from the bundles `npm start` uses; traffic is loopback only.
 * - deploy overhead: from the API's 202 to the new pod template (the new image) being on the Deployment in the
 *   cluster, seen on a raw watch of `/apis/apps/v1/deployments`; 200 deploys across 50 services, 50 in flight
 *   (each in-flight slot owns one service and deploys it 4 times, waiting for the release's verdict in between,
 *   so no deploy is superseded and none waits for another's rollout of the same service). Before them come two
 *   ramp-up rounds, reported on their own and not counted: the first deploy of each service creates its
 *   Deployment (all 50 sent in the same instant, so their rollouts and verdicts arrive together), and the
 *   second, sent as those verdicts arrive, lets the closed loop out of that lockstep and runs the update path
 *   once in each process. What is measured is the steady state after it. The overhead is split at the
 *   release's `startedAt` (the deployer took the job, read etcd, holds the service lock and marked the release
 *   in_progress).
 * - `GET /api/v1/services` with 5,000 services: default page size and limit=1000
 * - resident memory of the api and deployer processes at 5,000 services
 * `CITE_BENCH_DEPLOYS_ONLY=1` stops after the deploy figures; `CITE_BENCH_WARM_UP=<n>` runs n ramp-up rounds
 * instead of 2 (1 measures the round that follows the creations' lockstep); `CITE_BENCH_IN_FLIGHT=<n>` deploys n services
 * at once instead of 50 (4 deploys each); `CITE_BENCH_CPU_PROFILE_DIR=<dir>` writes a
 * V8 CPU profile of each app there (open it in Chrome DevTools).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startEtcd, startRedis, waitForPort } from '../libs/local-services/src/index';
import { percentile, summary } from './stats';

const root = path.resolve(import.meta.dirname, '../..');
const SERVICES = 5_000;
/** Services deployed at once, one in-flight deploy each (`CITE_BENCH_IN_FLIGHT` overrides, for comparison). */
const DEPLOY_SERVICES = Number(process.env['CITE_BENCH_IN_FLIGHT'] ?? 50);
const DEPLOYS_PER_SERVICE = 4; // 200 deploys, 50 in flight
/** Unmeasured rounds before the 200 (`CITE_BENCH_WARM_UP` overrides, for comparison); at least 1. */
const WARM_UP_ROUNDS = Math.max(1, Number(process.env['CITE_BENCH_WARM_UP'] ?? 2));
const CREATE_CONCURRENCY = 16;
const LISTS = 100;
const TOKEN = 'bench-admin-token-0123456789abcdefghijklmnop';
const TEAM = 'bench';

interface App {
  name: string;
  child: ChildProcess;
  pid: number;
  output: () => string;
}

function startApp(name: string, env: Record<string, string>, logDir: string): App {
  const log = fs.openSync(path.join(logDir, `${name}.log`), 'a');
  const profile = process.env['CITE_BENCH_CPU_PROFILE_DIR'];
  const flags = profile
    ? ['--cpu-prof', `--cpu-prof-dir=${profile}`, `--cpu-prof-name=${name}.cpuprofile`]
    : [];
  const child = spawn(process.execPath, [...flags, path.join(root, `dist/apps/${name}/main.mjs`)], {
    env: { ...process.env, CITE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', log],
  });
  fs.closeSync(log);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => {
    if (out.length < 100_000) out += c.toString();
  });
  child.once('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`${name} exited (${code ?? signal}):\n${out.slice(-2000)}\n`);
  });
  return { name, child, pid: child.pid!, output: () => out };
}

let stopping = false;

/** Thrown to end the run after the deploy figures (`CITE_BENCH_DEPLOYS_ONLY=1`). */
class DeploysOnly extends Error {}

async function stopApp(app: App): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => app.child.once('exit', () => resolve()));
  process.kill(app.pid, 'SIGTERM');
  const timer = setTimeout(() => process.kill(app.pid, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

/** Live child processes of `pid` (local-cluster runs its controllers in one). */
function childrenOf(pid: number): number[] {
  try {
    return fs
      .readdirSync(`/proc/${pid}/task`)
      .flatMap((task) => fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' '))
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** CPU seconds (user + system) the process and its live children have used so far. */
function cpuOf(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const own = (Number(fields[11]) + Number(fields[12])) / 100;
  return own + childrenOf(pid).reduce((sum, child) => sum + cpuOf(child), 0);
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

function api(base: string) {
  return async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`);
    return { status: res.status, json: JSON.parse(text) as Record<string, unknown>, size: text.length };
  };
}

/** Follows `GET …/releases/:n/events` (SSE) to its `done` event; fails after 60 s. */
async function verdictOf(
  base: string,
  service: string,
  release: number,
): Promise<{ status: string; message: string }> {
  const res = await fetch(`${base}/api/v1/services/${service}/releases/${release}/events`, {
    headers: { authorization: `Bearer ${TOKEN}`, accept: 'text/event-stream' },
    signal: AbortSignal.timeout(60_000),
  });
  if (!res.ok || !res.body) throw new Error(`events of ${service}#${release}: ${res.status}`);
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of res.body) {
    pending += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = pending.indexOf('\n\n')) >= 0) {
      const block = pending.slice(0, end);
      pending = pending.slice(end + 2);
      const lines = block.split('\n');
      if (!lines.includes('event: done')) continue;
      const data = lines
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .join('\n');
      void res.body.cancel().catch(() => undefined);
      return JSON.parse(data) as { status: string; message: string };
    }
  }
  throw new Error(`events of ${service}#${release} ended without done`);
}

/**
 * Watches every Deployment and calls `seen(name, image, at)` the first time each (name, image) pair is on a
 * Deployment's pod template. Reconnects from the last resourceVersion if the server ends the stream.
 */
function watchDeployments(clusterUrl: string, seen: (key: string, at: number) => void) {
  const controller = new AbortController();
  let rv = '';
  let connected!: () => void;
  const ready = new Promise<void>((resolve) => (connected = resolve));
  const run = async () => {
    while (!controller.signal.aborted) {
      try {
        const res = await fetch(
          `${clusterUrl}/apis/apps/v1/deployments?watch=true${rv ? `&resourceVersion=${rv}` : ''}`,
          { signal: controller.signal, headers: { accept: 'application/json' } },
        );
        if (!res.ok || !res.body) throw new Error(`watch: ${res.status}`);
        connected();
        const decoder = new TextDecoder();
        let pending = '';
        for await (const chunk of res.body) {
          const at = performance.now();
          pending += decoder.decode(chunk as Uint8Array, { stream: true });
          let nl: number;
          while ((nl = pending.indexOf('\n')) >= 0) {
            const line = pending.slice(0, nl);
            pending = pending.slice(nl + 1);
            if (!line) continue;
            const event = JSON.parse(line) as {
              type: string;
              object: {
                metadata?: { name?: string; namespace?: string; resourceVersion?: string };
                spec?: { template?: { spec?: { containers?: { image?: string }[] } } };
              };
            };
            if (event.type === 'ERROR') {
              rv = '';
              continue;
            }
            rv = event.object.metadata?.resourceVersion ?? rv;
            if (event.type !== 'ADDED' && event.type !== 'MODIFIED') continue;
            const name = event.object.metadata?.name;
            for (const c of event.object.spec?.template?.spec?.containers ?? [])
              if (name && c.image) seen(`${name} ${c.image}`, at);
          }
        }
      } catch (error) {
        if (controller.signal.aborted) return;
        process.stderr.write(`deployment watch restarts: ${String(error)}\n`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  void run();
  return { ready, stop: () => controller.abort() };
}

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-bench-sl-'));
const etcd = await startEtcd({ dataDir: path.join(dir, 'etcd') });
const redis = await startRedis({ dataDir: path.join(dir, 'redis'), appendOnly: false });
const apps: App[] = [];
try {
  const kubeconfig = path.join(dir, 'kubeconfig');
  const cluster = startApp(
    'local-cluster',
    {
      CITE_LOCAL_CLUSTER_PORT: '0',
      CITE_LOCAL_CLUSTER_KUBECONFIG: kubeconfig,
      CITE_LOCAL_CLUSTER_CONTAINER_CREATING_MS: '0',
      CITE_LOCAL_CLUSTER_START_MS: '0',
      CITE_LOCAL_CLUSTER_READY_MS: '0',
    },
    dir,
  );
  apps.push(cluster);
  let clusterUrl = '';
  await waitFor('local-cluster', () => {
    clusterUrl = /listening on (\S+)/.exec(cluster.output())?.[1] ?? '';
    return clusterUrl !== '' && fs.existsSync(kubeconfig);
  });
  const apiPort = await freePort();
  const env = {
    CITE_ETCD_ENDPOINTS: etcd.endpoint,
    CITE_REDIS_URL: redis.url,
    CITE_API_HOST: '127.0.0.1',
    CITE_API_PORT: String(apiPort),
    CITE_ADMIN_TOKEN: TOKEN,
    CITE_KUBECONFIG: kubeconfig,
  };
  const apiApp = startApp('api', env, dir);
  const deployer = startApp('deployer', env, dir);
  apps.push(apiApp, deployer);
  await waitForPort(apiPort);
  const base = `http://127.0.0.1:${apiPort}`;
  await waitFor(
    'api /readyz',
    async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.ok === true,
  );
  const call = api(base);
  console.log(`started etcd, redis, local-cluster, api, deployer in ${elapsed()} (logs in ${dir})`);
  console.log(`RSS at start: api ${rssOf(apiApp.pid)} MB, deployer ${rssOf(deployer.pid)} MB`);

  const serviceBody = (name: string) => ({
    name,
    team: TEAM,
    image: `registry.local/${TEAM}/${name}`,
    port: 8080,
  });

  // (a) deploy overhead
  for (let i = 0; i < DEPLOY_SERVICES; i++) await call('POST', '/api/v1/services', serviceBody(`s${i}`));
  const firstSeen = new Map<string, number>();
  const waiters = new Map<string, (at: number) => void>();
  const watch = watchDeployments(clusterUrl, (key, at) => {
    if (firstSeen.has(key)) return;
    firstSeen.set(key, at);
    waiters.get(key)?.(at);
  });
  await watch.ready;
  const overhead: number[] = [];
  const verdictWait: number[] = [];
  const byRound: number[][] = [];
  const toStart: number[] = [];
  const startToCluster: number[] = [];
  const splitByRound: [number, number][][] = [];
  const failures: string[] = [];
  let deploysStarted = performance.now();
  await Promise.all(
    Array.from({ length: DEPLOY_SERVICES }, async (_, i) => {
      const name = `s${i}`;
      // The ramp-up rounds (WARM_UP_ROUNDS, see the top of the file) are reported on their own and not counted.
      for (let n = 0; n < WARM_UP_ROUNDS + DEPLOYS_PER_SERVICE; n++) {
        const measured = n >= WARM_UP_ROUNDS;
        const image = `registry.local/${TEAM}/${name}:${n}`;
        const key = `${name} ${image}`;
        const onCluster = new Promise<number>((resolve) => {
          const at = firstSeen.get(key);
          if (at !== undefined) resolve(at);
          else waiters.set(key, resolve);
        });
        const res = await call('POST', `/api/v1/services/${name}/deploys`, { image });
        const acceptedAt = performance.now();
        const acceptedWall = Date.now();
        if (res.status !== 202) throw new Error(`deploy ${name}: ${res.status}`);
        const release = (res.json['release'] as { number: number }).number;
        const timeout = new Promise<number>((_, reject) =>
          setTimeout(() => reject(new Error(`${key} not on the cluster after 60 s`)), 60_000).unref(),
        );
        const at = await Promise.race([onCluster, timeout]);
        if (measured) overhead.push(Math.max(0, at - acceptedAt));
        (byRound[n] ??= []).push(Math.max(0, at - acceptedAt));
        // Wait for the verdict (on the release's event stream, as the CLI would), so the next deploy of this
        // service neither supersedes this one nor queues behind its rollout for the service lock.
        const done = await verdictOf(base, name, release);
        if (done.status !== 'succeeded') failures.push(`${name}#${release} ${done.status}: ${done.message}`);
        if (measured) verdictWait.push(performance.now() - acceptedAt);
        if (!measured) continue;
        const stored = await call('GET', `/api/v1/services/${name}/releases/${release}`);
        const startedAt = Date.parse(String(stored.json['startedAt']));
        if (Number.isFinite(startedAt)) {
          toStart.push(Math.max(0, startedAt - acceptedWall));
          startToCluster.push(Math.max(0, at - acceptedAt - (startedAt - acceptedWall)));
          (splitByRound[n] ??= []).push([
            startedAt - acceptedWall,
            at - acceptedAt - (startedAt - acceptedWall),
          ]);
        }
      }
    }),
  );
  watch.stop();
  console.log(
    `${overhead.length} deploys (after ${DEPLOY_SERVICES * WARM_UP_ROUNDS} ramp-up deploys) across ${DEPLOY_SERVICES} services, ${DEPLOY_SERVICES} in flight, in ${((performance.now() - deploysStarted) / 1000).toFixed(1)} s with the ramp-up; ${failures.length} not succeeded${failures.length ? `: ${failures.slice(0, 3).join('; ')}` : ''}`,
  );
  console.log(
    `CPU seconds used so far: ${apps
      .map((a) => {
        const children = childrenOf(a.pid).reduce((sum, child) => sum + cpuOf(child), 0);
        return `${a.name} ${cpuOf(a.pid).toFixed(1)}${children ? ` (${children.toFixed(1)} of it in child processes)` : ''}`;
      })
      .join(', ')}, etcd ${cpuOf(etcd.pid).toFixed(1)}, redis ${cpuOf(redis.pid).toFixed(1)}`,
  );
  console.log(`deploy overhead (202 → new image on the Deployment): ${summary(overhead)}`);
  byRound.forEach((samples, i) => {
    const split = splitByRound[i] ?? [];
    const parts = split.length
      ? ` (202 → startedAt p50 ${percentile(
          split.map((x) => x[0]),
          50,
        ).toFixed(0)} / p99 ${percentile(
          split.map((x) => x[0]),
          99,
        ).toFixed(0)} ms, then p50 ${percentile(
          split.map((x) => x[1]),
          50,
        ).toFixed(0)} / p99 ${percentile(
          split.map((x) => x[1]),
          99,
        ).toFixed(0)} ms)`
      : '';
    console.log(
      `  ${
        i === 0
          ? 'ramp-up, not counted: first deploy of each service (creates its Deployment; all at once)'
          : i < WARM_UP_ROUNDS
            ? `ramp-up, not counted: update ${i} of each service (sent as the previous round's verdicts arrive)`
            : `measured: update ${i} of each service`
      }: ${summary(samples)}${parts}`,
    );
  });
  console.log(`  202 → deployer starts the release (startedAt): ${summary(toStart)}`);
  console.log(`  startedAt → new image on the Deployment: ${summary(startToCluster)}`);
  console.log(
    `  aim p99 < 100 ms: ${percentile(overhead, 99) < 100 ? 'met' : 'NOT met'}; 202 → verdict on the release's event stream: ${summary(verdictWait)}`,
  );

  if (process.env['CITE_BENCH_DEPLOYS_ONLY'] === '1') throw new DeploysOnly();

  // (b) list with 5,000 services
  deploysStarted = performance.now();
  await pool(
    Array.from({ length: SERVICES - DEPLOY_SERVICES }, (_, i) => i),
    CREATE_CONCURRENCY,
    async (i) => {
      await call('POST', '/api/v1/services', serviceBody(`l${i}`));
    },
  );
  const createSeconds = (performance.now() - deploysStarted) / 1000;
  console.log(
    `created ${SERVICES - DEPLOY_SERVICES} more services via the API (${CREATE_CONCURRENCY} in flight) in ${createSeconds.toFixed(1)} s (${((SERVICES - DEPLOY_SERVICES) / createSeconds).toFixed(0)}/s)`,
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
      const res = await call('GET', `/api/v1/services${query}`);
      samples.push(performance.now() - t);
      items = (res.json['items'] as unknown[]).length;
      size = res.size;
    }
    console.log(
      `GET /api/v1/services${query} (${label}: ${items} items, ${(size / 1e3).toFixed(0)} kB) with ${SERVICES} stored: ${summary(samples)} — aim p99 < 50 ms: ${percentile(samples, 99) < 50 ? 'met' : 'NOT met'}`,
    );
  }
  {
    const samples: number[] = [];
    let total = 0;
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      let cursor: string | undefined;
      total = 0;
      do {
        const res = await call(
          'GET',
          `/api/v1/services?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        total += (res.json['items'] as unknown[]).length;
        cursor = res.json['nextCursor'] as string | undefined;
      } while (cursor);
      samples.push(performance.now() - t);
    }
    console.log(`walk all pages at limit=1000 (${total} services): ${summary(samples)}`);
  }

  // (c) memory
  console.log(`RSS at ${SERVICES} services: api ${rssOf(apiApp.pid)} MB, deployer ${rssOf(deployer.pid)} MB`);
} catch (error) {
  if (!(error instanceof DeploysOnly)) throw error;
} finally {
  stopping = true;
  for (const app of apps.reverse()) await stopApp(app);
  await redis.stop();
  await etcd.stop();
  console.log(`total ${elapsed()}`);
}
