/**
 * Logs (issue 15, "Speed"): etcd, an embedded OpenSearch, local-cluster, the api and the watcher as processes on
 * loopback.
 * - live tail: 50 pods writing 2,000 lines/s in all (a line every 25 ms each), tailed through the api's merged SSE
 *   stream for 20 s → every line delivered? delay from the line's timestamp to its arrival. Aim: p99 < 500 ms.
 * - shipping: the same pods' lines written while the leading watcher does not ship (a backlog); then it stops and a
 *   standby watcher that ships takes over (production runs two) and ships every line since the pods started →
 *   lines/s into the engine, each line once, from the leader's stop and once the first line landed. The engine is
 *   warmed first (50,000 lines of another team), as one in service would be. Aim: ≥ 10,000 lines/s, no loss.
 * - search: 1,000,000 lines in one team's indices → 200 searches (query strings, levels, pods, time ranges, second
 *   pages) → p99. Aim: < 300 ms.
 * Environment: BENCH_SKIP_SEARCH=1 leaves out the search part (its million lines take two minutes);
 * BENCH_PROFILE=1 writes the shipping watcher's CPU profile beside its log; BENCH_TRACE=1 prints the documents a search
 * saw at each poll while shipping.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeCluster, KubeHttp, PATHS } from '../libs/kube/src/index';
import { startEtcd, startOpenSearch, startRedis } from '../libs/local-services/src/index';
import { LogStore, normalizeTimestamp, podLineDocument } from '../libs/log-store/src/index';
import { exampleService } from '../libs/model/src/testing';
import { freePort } from '../libs/local-services/src/index';
import { MetadataStore, ObservedStatusStore } from '../libs/store/src/index';
import { atLeast, beside } from './support/aims';
import { startApp, stopApp, type App } from './support/app-process';
import { pool } from './support/pool';
import { percentile, summary } from './support/stats';
import { waitFor } from './support/wait-for';

const PODS = 50;
const INTERVAL_MS = 25;
const TAIL_SECONDS = 20;
const BACKLOG_SECONDS = 30;
const SEARCH_LINES = 1_000_000;
const SEARCHES = 200;
const EPOCH = '1970-01-01T00:00:00.000Z';
const TOKEN = 'bench-admin-token-0123456789abcdefghijklmnop';
const TEAM = 'bench';
const NAMESPACE = `cite-${TEAM}`;
const LABELS = { 'app.kubernetes.io/managed-by': 'cite', 'app.kubernetes.io/name': 'chatty' };

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-bench-logs-'));
  const [etcd, engine, redis] = await Promise.all([
    startEtcd({ dataDir: path.join(dir, 'etcd') }),
    startOpenSearch({ dataDir: path.join(dir, 'engine') }),
    startRedis({ dataDir: path.join(dir, 'redis'), appendOnly: false }),
  ]);
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
        CITE_LOCAL_CLUSTER_LOG_INTERVAL_MS: String(INTERVAL_MS),
      },
      { logDir: dir },
    );
    apps.push(cluster);
    await waitFor('local-cluster', () => /listening on/.test(cluster.output()) && fs.existsSync(kubeconfig));
    const kube = new KubeHttp(KubeCluster.fromKubeconfig({ kubeconfigPath: kubeconfig }).kubeConfig);
    const prefix = '/bench-logs/';
    const store = await MetadataStore.create({ endpoints: [etcd.endpoint], prefix });
    const logs = LogStore.connect({ url: engine.url, requestTimeoutMs: 60_000 });
    await logs.ensureTemplates();
    await store.services.create(
      'chatty',
      exampleService({ name: 'chatty', team: TEAM, replicas: PODS, domains: [] }),
    );
    await kube.json('/api/v1/namespaces', { method: 'POST', body: { metadata: { name: NAMESPACE } } });
    await kube.json(PATHS.deployments(NAMESPACE), {
      method: 'POST',
      body: {
        metadata: { name: 'chatty', labels: LABELS },
        spec: {
          replicas: PODS,
          selector: { matchLabels: { 'app.kubernetes.io/name': 'chatty' } },
          template: {
            metadata: { labels: LABELS },
            spec: { containers: [{ name: 'app', image: 'pause:1' }] },
          },
        },
      },
    });
    const env = {
      CITE_ETCD_ENDPOINTS: etcd.endpoint,
      CITE_ETCD_PREFIX: prefix,
      CITE_KUBECONFIG: kubeconfig,
    };
    // The leading watcher writes status/chatty (the pods the tail follows) and ships no logs.
    const firstWatcher = startApp(
      'watcher',
      { ...env, CITE_LOG_LEVEL: 'info', CITE_LOGS_URL: engine.url, CITE_LOGS_SHIPPER: 'false' },
      { logDir: dir },
    );
    apps.push(firstWatcher);
    await waitFor('all pods in status', async () => (await podsInStatus(store)) === PODS, 120_000);
    // A standby with the engine, as production runs two: it ships once it leads, from the stored positions
    // (none here: every line since the pods started).
    const shipper = startApp(
      'watcher',
      { ...env, CITE_LOGS_URL: engine.url, CITE_LOG_LEVEL: 'info' },
      { logDir: dir, ...(process.env.BENCH_PROFILE ? { cpuProfileDir: dir } : {}) },
    );
    apps.push(shipper);
    await waitFor('the standby watcher', () => /watcher ready/.test(shipper.output()));
    const apiPort = await freePort();
    const api = startApp(
      'api',
      {
        ...env,
        CITE_API_HOST: '127.0.0.1',
        CITE_API_PORT: String(apiPort),
        CITE_ADMIN_TOKEN: TOKEN,
        CITE_REDIS_URL: redis.url,
      },
      { logDir: dir },
    );
    apps.push(api);
    await waitFor(
      'api',
      async () => (await fetch(`http://127.0.0.1:${apiPort}/healthz`).catch(() => undefined))?.ok === true,
    );

    await liveTail(`http://127.0.0.1:${apiPort}`);

    // Shipping: a backlog written while the leader does not ship, then the leader stops and the standby, which
    // does, takes over. With no stored positions it ships every line since the containers started (the tail's
    // minute too), and all of that is counted.
    await new Promise((resolve) => setTimeout(resolve, BACKLOG_SECONDS * 1000));
    // An engine in service has indexed before: warm this one's code paths (index creation, bulk) with another
    // team's lines first, so the figure is the shipper's, not the first minute of a cold JVM.
    await warmEngine(logs);
    const until = normalizeTimestamp(new Date().toISOString())!;
    const expected = await clusterLineCount(kube, EPOCH, until);
    const started = performance.now();
    await stopApp(firstWatcher);
    let shipped = 0;
    const trace: string[] = [];
    let firstAt: number | undefined;
    // Counted as a search sees them (the engine refreshes every second), polled every 200 ms: a forced refresh
    // on every poll would cut the engine's indexing rate by making a segment each time.
    await waitFor(
      'the backlog shipped',
      async () => {
        shipped = await count(engine.url, EPOCH, until);
        trace.push(`${((performance.now() - started) / 1000).toFixed(1)}:${shipped}`);
        if (shipped > 0) firstAt ??= performance.now();
        return shipped >= expected;
      },
      600_000,
      200,
    );
    const done = performance.now();
    const seconds = (done - started) / 1000;
    const flowing = (done - (firstAt ?? started)) / 1000;
    console.log(
      `shipping: ${PODS} pods' logs since they started (${expected} lines, ${BACKLOG_SECONDS} s of them written while no watcher shipped) shipped in ${seconds.toFixed(1)} s from the leader's stop, the first after ${((firstAt! - started) / 1000).toFixed(1)} s; ${shipped} documents for ${expected} lines`,
    );
    console.log(`  ${atLeast("lines/s from the leader's stop", expected / seconds, 10_000, 'lines/s')}`);
    console.log(`  lines/s once the first line landed: ${(expected / flowing).toFixed(0)}`);
    if (process.env.BENCH_PROFILE) console.log(`  profiles in ${dir}`);
    if (process.env.BENCH_TRACE) console.log(`  seconds:documents ${trace.join(' ')}`);
    await stopApp(shipper);

    if (!process.env.BENCH_SKIP_SEARCH) await search(logs);
    await store.close();
    await logs.close();
    await kube.close();
  } finally {
    for (const app of apps.reverse()) await stopApp(app);
    await engine.stop();
    await redis.stop();
    await etcd.stop();
  }
}

async function podsInStatus(store: MetadataStore): Promise<number> {
  const status = await new ObservedStatusStore(store.etcd).get('chatty');
  return status?.value.pods.filter((pod) => pod.phase === 'Running').length ?? 0;
}

/** Follows the merged tail for TAIL_SECONDS; every line's delay from its timestamp to its arrival. */
async function liveTail(base: string): Promise<void> {
  const controller = new AbortController();
  const response = await fetch(`${base}/api/v1/services/chatty/logs?tailLines=0`, {
    headers: { authorization: `Bearer ${TOKEN}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  if (!response.ok || !response.body) throw new Error(`tail answered ${response.status}`);
  const delays: number[] = [];
  const seen = new Map<string, Set<string>>();
  const startedAt = Date.now();
  const warmUntil = startedAt + 3_000;
  const decoder = new TextDecoder();
  let pending = '';
  const timer = setTimeout(() => controller.abort(), TAIL_SECONDS * 1000 + 3_000);
  try {
    for await (const chunk of response.body) {
      pending += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = pending.indexOf('\n\n')) >= 0) {
        const event = pending.slice(0, end);
        pending = pending.slice(end + 2);
        if (!event.includes('event: log')) continue;
        const data = /^data: (.*)$/m.exec(event)?.[1];
        if (!data) continue;
        const line = JSON.parse(data) as { pod: string; time: string };
        const time = Date.parse(line.time);
        if (time < warmUntil) continue;
        delays.push(Date.now() - time);
        let times = seen.get(line.pod);
        if (!times) seen.set(line.pod, (times = new Set()));
        times.add(line.time);
      }
    }
  } catch {
    // aborted at the end
  } finally {
    clearTimeout(timer);
  }
  const window = TAIL_SECONDS * 1000 - 1_000;
  const expectedPerPod = Math.floor(window / INTERVAL_MS);
  const complete = [...seen.values()].filter((times) => times.size >= expectedPerPod).length;
  console.log(
    `live tail: ${PODS} pods at ${(PODS * 1000) / INTERVAL_MS} lines/s in all, ${TAIL_SECONDS} s through the api's SSE stream: ${delays.length} lines, ${seen.size} pods seen, ${complete} with every line of the window`,
  );
  console.log(`  delay, line's timestamp → arrival: ${summary(delays)}`);
  console.log(`  ${beside('p99 delivery', percentile(delays, 99), 500)}`);
}

/** 50,000 lines of a `warmup` team indexed (as the shipper would), then its index deleted. */
async function warmEngine(logs: LogStore): Promise<void> {
  const team = 'warmup';
  const base = Date.now() - 3_600_000;
  for (let b = 0; b < 10; b++) {
    const docs = Array.from({ length: 5_000 }, (_, j) =>
      podLineDocument({
        timestamp: new Date(base + (b * 5_000 + j) * 10).toISOString(),
        sequence: 0,
        message: `INFO warm-up line ${b * 5_000 + j}`,
        team,
        service: 'warm',
        namespace: `cite-${team}`,
        pod: `warm-${j % 50}`,
        podUid: `warm-uid-${j % 50}`,
        container: 'app',
      }),
    );
    await logs.write(docs);
  }
  for (const index of await logs.indices(`cite-logs-${team}-*`)) await logs.deleteIndex(index);
}

/** Lines the pods' logs hold between two times. */
async function clusterLineCount(kube: KubeHttp, from: string, until: string): Promise<number> {
  const list = await kube.json<{ items: { metadata: { name: string } }[] }>(PATHS.pods(NAMESPACE), {
    query: { labelSelector: 'app.kubernetes.io/name=chatty' },
  });
  let total = 0;
  await pool(list.items, 10, async (pod) => {
    const text = await kube.text(PATHS.pods(NAMESPACE, pod.metadata.name, 'log'), {
      query: { timestamps: 'true' },
    });
    for (const line of text.split('\n')) {
      const timestamp = normalizeTimestamp(line.slice(0, line.indexOf(' ')));
      if (timestamp && timestamp >= from && timestamp <= until) total++;
    }
  });
  return total;
}

/** Documents of the team with `@timestamp` in [from, until] (a count query). */
async function count(url: string, from: string, until: string): Promise<number> {
  const response = await fetch(`${url}/cite-logs-${TEAM}-*/_count`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: { range: { '@timestamp': { gte: from, lte: until } } } }),
  });
  return ((await response.json()) as { count: number }).count;
}

async function search(logs: LogStore): Promise<void> {
  const team = 'search';
  const started = performance.now();
  const base = Date.UTC(2026, 11, 1);
  const batch = 5_000;
  const batches = Array.from({ length: SEARCH_LINES / batch }, (_, b) => b);
  await pool(batches, 2, async (b) => {
    const docs = Array.from({ length: batch }, (_, j) => {
      const i = b * batch + j;
      return podLineDocument({
        timestamp: new Date(base + i * 500).toISOString(),
        sequence: 0,
        message: `${['INFO', 'INFO', 'INFO', 'WARN', 'ERROR'][i % 5]} request ${i} path=/api/v${i % 7} took=${i % 997}ms user=u${i % 1013}`,
        team,
        service: `svc-${i % 20}`,
        namespace: `cite-${team}`,
        pod: `svc-${i % 20}-pod-${i % 3}`,
        podUid: `uid-${i % 60}`,
        container: 'app',
      });
    });
    await logs.write(docs);
  });
  await logs.refresh(`cite-logs-${team}-*`);
  console.log(
    `search: ${SEARCH_LINES} lines indexed in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  const day = 24 * 3600 * 1000;
  const queries = Array.from({ length: SEARCHES }, (_, i) => ({
    service: `svc-${i % 20}`,
    ...(i % 4 === 0 ? { q: `path=/api/v${i % 7}` } : {}),
    ...(i % 4 === 1 ? { level: 'error' } : {}),
    ...(i % 4 === 2 ? { pod: `svc-${i % 20}-pod-${i % 3}` } : {}),
    ...(i % 4 === 3 ? { q: `"took=${i}ms"` } : {}),
    ...(i % 2 === 0
      ? {
          from: new Date(base + (i % 5) * day).toISOString(),
          to: new Date(base + ((i % 5) + 1) * day).toISOString(),
        }
      : {}),
    size: 100,
  }));
  const times: number[] = [];
  for (const query of queries) {
    const t = performance.now();
    const page = await logs.search([`cite-logs-${team}-*`], query);
    if (page.nextCursor && times.length % 3 === 0)
      await logs.search([`cite-logs-${team}-*`], { ...query, cursor: page.nextCursor });
    times.push(performance.now() - t);
  }
  console.log(
    `  ${SEARCHES} searches (query strings, levels, pods, one-day ranges; every third with its second page): ${summary(times)}`,
  );
  console.log(`  ${beside('p99 search', percentile(times, 99), 300)}`);
}

await main();
