/**
 * The watcher (issue 14, "Speed"): etcd, local-cluster and one watcher, each its own process, loopback only.
 * - burst: 2,000 Ingresses created at once (100 in flight) into a cluster whose ingress stand-in then publishes
 *   their load-balancer address (a second event each) → time until every domain record is in etcd; the lag of
 *   each from its Ingress's create answer to the record's appearance in an etcd watch; the watcher's events/s.
 * - scale: 10,000 cite services × 3 ready pods (Services, pods with their status, EndpointSlices, specs in etcd;
 *   local-cluster without controllers, so the objects stay as made) → the watcher's time to converge from
 *   scratch and its RSS; then 3,000 pods flip readiness at once → sustained events/s and lag to the lb records.
 * Aim: ≥ 1,000 events/s, p99 lag < 200 ms, RSS < 512 MiB.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeCluster, KubeHttp } from '../libs/kube/src/index';
import { startEtcd, type RunningEtcd } from '../libs/local-services/src/index';
import { exampleService } from '../libs/model/src/testing';
import { MetadataStore, ObservedStatusStore, type Repository } from '../libs/store/src/index';
import { atLeast, beside } from './support/aims';
import { startApp, stopApp, type App } from './support/app-process';
import { pool } from './support/pool';
import { rssOf } from './support/proc-stats';
import { percentile, summary } from './support/stats';
import { waitFor } from './support/wait-for';

const INGRESSES = 2_000;
const SERVICES = 10_000;
const PODS_PER_SERVICE = 3;
const TEAMS = 50;
const NODES = 10;
const FLIPS = 3_000;
const AIM = { eventsPerSecond: 1_000, lagP99Ms: 200, rssMiB: 512 };
const LABELS = (service: string) => ({
  'app.kubernetes.io/managed-by': 'cite',
  'app.kubernetes.io/name': service,
});

interface Cluster {
  app: App;
  http: KubeHttp;
  kubeconfig: string;
}

async function startCluster(dir: string, name: string, controllers: boolean): Promise<Cluster> {
  const kubeconfig = path.join(dir, `${name}.kubeconfig`);
  const app = startApp(
    'local-cluster',
    {
      CITE_LOCAL_CLUSTER_PORT: '0',
      CITE_LOCAL_CLUSTER_KUBECONFIG: kubeconfig,
      CITE_LOCAL_CLUSTER_CONTROLLERS: String(controllers),
      CITE_LOCAL_CLUSTER_CONTAINER_CREATING_MS: '0',
      CITE_LOCAL_CLUSTER_START_MS: '0',
      CITE_LOCAL_CLUSTER_READY_MS: '0',
      CITE_LOCAL_CLUSTER_WATCH_CACHE_SIZE: '200000',
    },
    { logDir: dir },
  );
  await waitFor('local-cluster', () => /listening on/.test(app.output()) && fs.existsSync(kubeconfig));
  const config = KubeCluster.fromKubeconfig({ kubeconfigPath: kubeconfig }).kubeConfig;
  return { app, http: new KubeHttp(config), kubeconfig };
}

async function startWatcher(
  dir: string,
  etcd: RunningEtcd,
  prefix: string,
  kubeconfig: string,
): Promise<App> {
  return startApp(
    'watcher',
    {
      CITE_ETCD_ENDPOINTS: etcd.endpoint,
      CITE_ETCD_PREFIX: prefix,
      CITE_KUBECONFIG: kubeconfig,
      CITE_LOG_LEVEL: 'info',
    },
    { logDir: dir },
  );
}

async function metricsOf(watcher: App): Promise<string> {
  const url = /"metrics":"([^"]+)"/.exec(watcher.output())?.[1];
  if (!url) throw new Error('the watcher printed no metrics URL');
  return (await fetch(url)).text();
}

async function heapUsedMiB(watcher: App): Promise<number> {
  const used = /^nodejs_heap_size_used_bytes (\S+)/m.exec(await metricsOf(watcher))?.[1];
  return Math.round(Number(used) / 2 ** 20);
}

/** The sum of the watcher's `cite_watcher_events_total` series, from its /metrics. */
async function watcherEvents(watcher: App): Promise<number> {
  const text = await metricsOf(watcher);
  return [...text.matchAll(/^cite_watcher_events_total\{[^}]*\} (\d+)/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

async function burst(dir: string, etcd: RunningEtcd): Promise<void> {
  const cluster = await startCluster(dir, 'burst', true);
  const prefix = '/bench-watcher-burst/';
  const store = await MetadataStore.create({ endpoints: [etcd.endpoint], prefix });
  const watcher = await startWatcher(dir, etcd, prefix, cluster.kubeconfig);
  try {
    await waitFor('watcher converged', () => watcher.output().includes('watcher converged'), 60_000);
    await cluster.http.json('/api/v1/namespaces', { method: 'POST', body: { metadata: { name: 'burst' } } });
    const appeared = new Map<string, number>();
    const watch = await store.domains.watch();
    void (async () => {
      for await (const event of watch)
        if (event.type === 'put' && !appeared.has(event.id)) appeared.set(event.id, performance.now());
    })();
    const eventsBefore = await watcherEvents(watcher);
    const created = new Map<string, number>();
    const hosts = Array.from({ length: INGRESSES }, (_, i) => `b${i}.burst.example.test`);
    const started = performance.now();
    await pool(hosts, 100, async (host) => {
      const name = host.split('.')[0]!;
      await cluster.http.json('/apis/networking.k8s.io/v1/namespaces/burst/ingresses', {
        method: 'POST',
        body: {
          metadata: { name },
          spec: {
            rules: [
              {
                host,
                http: {
                  paths: [
                    { path: '/', pathType: 'Prefix', backend: { service: { name, port: { number: 80 } } } },
                  ],
                },
              },
            ],
          },
        },
      });
      created.set(host, performance.now());
    });
    await waitFor('every domain record', () => hosts.every((host) => appeared.has(host)), 120_000);
    const last = Math.max(...hosts.map((host) => appeared.get(host)!));
    const seconds = (last - started) / 1000;
    // The ingress stand-in's status updates follow; their events are the watcher's too.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const events = (await watcherEvents(watcher)) - eventsBefore;
    const lags = hosts.map((host) => Math.max(0, appeared.get(host)! - created.get(host)!));
    console.log(
      `${INGRESSES} Ingresses created at once (100 in flight): every domain record in etcd after ${(seconds * 1000).toFixed(0)} ms`,
    );
    console.log(`  lag, Ingress create answered → record in an etcd watch: ${summary(lags)}`);
    console.log(`  ${beside('p99 lag', percentile(lags, 99), AIM.lagP99Ms)}`);
    console.log(
      `  watcher: ${events} watch events (creates and status updates) in ${(seconds + 2).toFixed(1)} s, RSS ${rssOf(watcher.pid)} MiB`,
    );
    await watch.close();
  } finally {
    await stopApp(watcher);
    await store.close();
    await stopApp(cluster.app);
  }
}

async function scale(dir: string, etcd: RunningEtcd): Promise<void> {
  const cluster = await startCluster(dir, 'scale', false);
  const prefix = '/bench-watcher-scale/';
  const store = await MetadataStore.create({ endpoints: [etcd.endpoint], prefix });
  const made = performance.now();
  // Pod `i` runs on node `i % NODES` and takes the next address of that node's /16 pod range.
  const nodeOf = (i: number) => `node-${i % NODES}`;
  const ipOf = (i: number) => {
    const k = Math.floor(i / NODES);
    return `10.${100 + (i % NODES)}.${Math.floor(k / 254)}.${(k % 254) + 1}`;
  };
  const k = cluster.http;
  for (let n = 0; n < NODES; n++)
    await k.json('/api/v1/nodes', {
      method: 'POST',
      body: {
        metadata: { name: `node-${n}` },
        spec: { podCIDR: `10.${100 + n}.0.0/16` },
        status: { addresses: [{ type: 'InternalIP', address: `10.60.25.${10 + n}` }] },
      },
    });
  for (let t = 0; t < TEAMS; t++)
    await k.json('/api/v1/namespaces', { method: 'POST', body: { metadata: { name: `cite-bench${t}` } } });
  const services = Array.from({ length: SERVICES }, (_, i) => ({
    name: `svc-${i}`,
    team: `bench${i % TEAMS}`,
    i,
  }));
  await pool(services, 64, async ({ name, team, i }) => {
    const namespace = `cite-${team}`;
    await store.services.create(
      name,
      exampleService({ name, team, replicas: PODS_PER_SERVICE, domains: [] }),
    );
    await k.json(`/api/v1/namespaces/${namespace}/services`, {
      method: 'POST',
      body: {
        metadata: { name, labels: LABELS(name) },
        spec: { selector: { 'app.kubernetes.io/name': name }, ports: [{ port: 80, targetPort: 8080 }] },
      },
    });
    const endpoints = [];
    for (let p = 0; p < PODS_PER_SERVICE; p++) {
      const index = i * PODS_PER_SERVICE + p;
      const pod = `${name}-${p}`;
      await k.json(`/api/v1/namespaces/${namespace}/pods`, {
        method: 'POST',
        body: {
          metadata: { name: pod, labels: LABELS(name) },
          spec: { nodeName: nodeOf(index), containers: [{ name: 'app', image: `registry.local/${name}:1` }] },
        },
      });
      await k.json(`/api/v1/namespaces/${namespace}/pods/${pod}/status`, {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { status: podStatus(ipOf(index), true) },
      });
      endpoints.push({
        addresses: [ipOf(index)],
        conditions: { ready: true },
        nodeName: nodeOf(index),
        targetRef: { kind: 'Pod', name: pod, namespace },
      });
    }
    await k.json(`/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`, {
      method: 'POST',
      body: {
        metadata: { name: `${name}-abcde`, labels: { 'kubernetes.io/service-name': name } },
        addressType: 'IPv4',
        endpoints,
        ports: [{ name: '', port: 8080, protocol: 'TCP' }],
      },
    });
  });
  console.log(
    `${SERVICES} cite services × ${PODS_PER_SERVICE} ready pods made in ${((performance.now() - made) / 1000).toFixed(0)} s (Services, pods and their status, EndpointSlices, specs in etcd)`,
  );
  const watcher = await startWatcher(dir, etcd, prefix, cluster.kubeconfig);
  try {
    const started = performance.now();
    await waitFor('watcher converged', () => watcher.output().includes('watcher converged'), 600_000);
    const convergedMs = performance.now() - started;
    const [ips, lbs, statuses] = await Promise.all([
      count(store.ips),
      count(store.lbEndpoints),
      count(new ObservedStatusStore(store.etcd).records),
    ]);
    const rss = rssOf(watcher.pid);
    console.log(`  watcher V8 heap used, converged: ${await heapUsedMiB(watcher)} MiB`);
    console.log(
      `  watcher from start to converged: ${(convergedMs / 1000).toFixed(1)} s (${ips} IP records, ${lbs} lb records, ${statuses} status records)`,
    );
    console.log(`  ${beside('watcher RSS, converged', rss, AIM.rssMiB, 'MiB', 0)}`);

    // Sustained: FLIPS pods (one per service) stop being ready at once; each must leave its lb record.
    const flipped = Array.from({ length: FLIPS }, (_, s) => services[s]!);
    const appeared = new Map<string, number>();
    const watch = await store.lbEndpoints.watch();
    void (async () => {
      for await (const event of watch)
        if (event.type === 'put' && event.value && event.value.endpoints.length === PODS_PER_SERVICE - 1)
          appeared.set(event.value.service, performance.now());
    })();
    const eventsBefore = await watcherEvents(watcher);
    const patched = new Map<string, number>();
    const t0 = performance.now();
    await pool(flipped, 64, async ({ name, team, i }) => {
      const namespace = `cite-${team}`;
      const index = i * PODS_PER_SERVICE;
      await k.json(`/api/v1/namespaces/${namespace}/pods/${name}-0/status`, {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { status: podStatus(ipOf(index), false) },
      });
      await k.json(`/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices/${name}-abcde`, {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: {
          endpoints: Array.from({ length: PODS_PER_SERVICE }, (_, p) => ({
            addresses: [ipOf(index + p)],
            conditions: { ready: p !== 0 },
            nodeName: nodeOf(index + p),
            targetRef: { kind: 'Pod', name: `${name}-${p}`, namespace },
          })),
        },
      });
      patched.set(name, performance.now());
    });
    await waitFor(
      'every flipped lb record',
      () => flipped.every(({ name }) => appeared.has(name)),
      120_000,
    ).catch((error: unknown) => {
      const missing = flipped.filter(({ name }) => !appeared.has(name)).length;
      console.log(`${missing} lb records not current; the watcher said:\n${watcher.output().slice(-3000)}`);
      throw error;
    });
    const seconds = (Math.max(...flipped.map(({ name }) => appeared.get(name)!)) - t0) / 1000;
    const events = (await watcherEvents(watcher)) - eventsBefore;
    const lags = flipped.map(({ name }) => Math.max(0, appeared.get(name)! - patched.get(name)!));
    console.log(
      `  ${FLIPS} pods stop being ready at once (pod status + EndpointSlice, ${events} watch events): all lb records current after ${(seconds * 1000).toFixed(0)} ms`,
    );
    console.log(`  ${atLeast('sustained events/s', events / seconds, AIM.eventsPerSecond, 'events/s')}`);
    console.log(`  lag, EndpointSlice patch answered → lb record in an etcd watch: ${summary(lags)}`);
    console.log(`  ${beside('p99 lag', percentile(lags, 99), AIM.lagP99Ms)}`);
    console.log(`  ${beside('watcher RSS after the churn', rssOf(watcher.pid), AIM.rssMiB, 'MiB', 0)}`);
    await watch.close();
  } finally {
    await stopApp(watcher);
    await store.close();
    await stopApp(cluster.app);
  }
}

function podStatus(ip: string, ready: boolean) {
  const now = new Date().toISOString();
  return {
    phase: 'Running',
    podIP: ip,
    podIPs: [{ ip }],
    startTime: now,
    conditions: [
      { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now },
      { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: now },
    ],
    containerStatuses: [
      {
        name: 'app',
        ready,
        restartCount: 0,
        image: 'registry.local/app:1',
        imageID: '',
        started: true,
        state: { running: { startedAt: now } },
      },
    ],
  };
}

async function count<T>(repository: Repository<T>): Promise<number> {
  let n = 0;
  for await (const _ of repository.all({ limit: 1000 })) n++;
  return n;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-bench-watcher-'));
  const etcd = await startEtcd({ dataDir: path.join(dir, 'etcd') });
  try {
    await burst(dir, etcd);
    await scale(dir, etcd);
  } finally {
    await etcd.stop();
  }
}

await main();
