/**
 * The watcher's log shipper against real processes: local-cluster (its kubelets write a line every 100 ms), etcd,
 * an embedded OpenSearch of this file's own (it is stopped for 30 s below) and the watcher with `CITE_LOGS_URL`.
 * Every check compares the lines the cluster's pod-log API has with the documents in the engine: as sets, and
 * each line exactly once.
 */
import { jest } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeCluster, KubeHttp, PATHS } from '@cite/kube';
import { LogStore, normalizeTimestamp } from '@cite/log-store';
import { startOpenSearch, type RunningOpenSearch } from '@cite/local-services';
import { runApp, testEtcdEndpoint, uniquePrefix, type AppProcess } from '@cite/test-support';
import { MetadataStore } from '@cite/store';
import { exampleService } from '@cite/model/testing';
import { eventually } from './support';

jest.setTimeout(240_000);

const TEAM = 'lg';
const NAMESPACE = `cite-${TEAM}`;
const LABELS = { 'app.kubernetes.io/managed-by': 'cite', 'app.kubernetes.io/name': 'chatty' };

let dir: string;
let cluster: AppProcess;
let kube: KubeHttp;
let engine: RunningOpenSearch;
let logs: LogStore;
let store: MetadataStore;
let prefix: string;
const watchers: AppProcess[] = [];

async function startWatcher(): Promise<AppProcess> {
  const watcher = await runApp('watcher', {
    CITE_ETCD_ENDPOINTS: testEtcdEndpoint(),
    CITE_ETCD_PREFIX: prefix,
    CITE_KUBECONFIG: path.join(dir, 'kubeconfig'),
    CITE_LOGS_URL: engine.url,
    CITE_LOG_LEVEL: 'info',
    CITE_WATCHER_ELECTION_TTL_SECONDS: '2',
  });
  watchers.push(watcher);
  await watcher.waitForOutput('watcher converged', 30_000);
  return watcher;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-log-shipping-'));
  [cluster, engine] = await Promise.all([
    runApp('local-cluster', {
      CITE_LOCAL_CLUSTER_PORT: '0',
      CITE_LOCAL_CLUSTER_KUBECONFIG: path.join(dir, 'kubeconfig'),
      CITE_LOCAL_CLUSTER_CONTAINER_CREATING_MS: '0',
      CITE_LOCAL_CLUSTER_START_MS: '0',
      CITE_LOCAL_CLUSTER_READY_MS: '0',
      CITE_LOCAL_CLUSTER_LOG_INTERVAL_MS: '100',
    }),
    startOpenSearch({ dataDir: path.join(dir, 'engine') }),
  ]);
  await cluster.waitForOutput(/kubeconfig: .+\n/, 30_000);
  kube = new KubeHttp(
    KubeCluster.fromKubeconfig({ kubeconfigPath: path.join(dir, 'kubeconfig') }).kubeConfig,
  );
  logs = LogStore.connect({ url: engine.url });
  prefix = uniquePrefix('log-shipping');
  store = await MetadataStore.create({ endpoints: [testEtcdEndpoint()], prefix });
  await store.services.create(
    'chatty',
    exampleService({ name: 'chatty', team: TEAM, replicas: 2, domains: [] }),
  );
  await kube.json('/api/v1/namespaces', { method: 'POST', body: { metadata: { name: NAMESPACE } } });
  await kube.json(PATHS.deployments(NAMESPACE), {
    method: 'POST',
    body: {
      metadata: { name: 'chatty', labels: LABELS },
      spec: {
        replicas: 2,
        selector: { matchLabels: { 'app.kubernetes.io/name': 'chatty' } },
        template: {
          metadata: { labels: LABELS },
          spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.9' }] },
        },
      },
    },
  });
});

afterAll(async () => {
  await Promise.all(watchers.map((watcher) => watcher.stop('SIGTERM')));
  await store?.close();
  await logs?.close();
  await kube?.close();
  await engine?.stop();
  await cluster?.stop('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Pod {
  name: string;
}

async function pods(): Promise<Pod[]> {
  const list = await kube.json<{ items: { metadata: { name: string }; status?: { phase?: string } }[] }>(
    PATHS.pods(NAMESPACE),
    { query: { labelSelector: 'app.kubernetes.io/name=chatty' } },
  );
  return list.items
    .filter((pod) => pod.status?.phase === 'Running')
    .map((pod) => ({ name: pod.metadata.name }));
}

/** `<pod> <timestamp>` of every line the pod-log API has up to `until` (normalised timestamps). */
async function clusterLines(until: string): Promise<string[]> {
  const lines: string[] = [];
  for (const pod of await pods()) {
    const text = await kube.text(PATHS.pods(NAMESPACE, pod.name, 'log'), { query: { timestamps: 'true' } });
    for (const line of text.split('\n')) {
      const timestamp = normalizeTimestamp(line.slice(0, line.indexOf(' ')));
      if (timestamp && timestamp <= until) lines.push(`${pod.name} ${timestamp}`);
    }
  }
  return lines.sort();
}

/** `<pod> <timestamp>` of every document in the engine up to `until`, one entry per document. */
async function engineLines(until: string): Promise<string[]> {
  await logs.refresh(`cite-logs-${TEAM}-*`);
  const lines: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await logs.search([`cite-logs-${TEAM}-*`], {
      service: 'chatty',
      to: until,
      size: 1000,
      ...(cursor ? { cursor } : {}),
    });
    for (const hit of page.items) lines.push(`${hit.pod} ${normalizeTimestamp(hit['@timestamp'])}`);
    cursor = page.nextCursor;
  } while (cursor);
  return lines.sort();
}

/** Waits until the engine has exactly the cluster's lines written up to a moment ago (nothing lost, nothing twice). */
async function shippedExactly(): Promise<number> {
  const until = normalizeTimestamp(new Date(Date.now() - 1_000).toISOString())!;
  const expected = await clusterLines(until);
  expect(expected.length).toBeGreaterThan(0);
  const actual = await eventually(
    () => engineLines(until),
    (lines) => lines.length >= expected.length,
    60_000,
  );
  expect(actual).toEqual(expected);
  return expected.length;
}

describe('log shipping', () => {
  it("ships a service's pod lines into its team's daily index within seconds, as ECS documents", async () => {
    await startWatcher();
    await eventually(pods, (running) => running.length === 2, 30_000);
    const shipped = await shippedExactly();
    expect(shipped).toBeGreaterThan(2);
    const [hit] = (await logs.search([`cite-logs-${TEAM}-*`], { service: 'chatty', size: 1 })).items;
    expect(hit).toMatchObject({ service: 'chatty', container: 'app', level: 'info' });
    expect(hit!.index).toMatch(new RegExp(`^cite-logs-${TEAM}-\\d{4}\\.\\d{2}\\.\\d{2}$`));
  });

  it('resumes after the shipper is killed mid-batch: no line lost, none twice', async () => {
    const [watcher] = watchers.splice(0);
    // Lines keep coming while it is gone; the next one resumes from the positions in etcd.
    watcher!.child.kill('SIGKILL');
    await watcher!.exited;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await startWatcher();
    await shippedExactly();
  });

  it('loses nothing while the engine is stopped for 30 s, and holds up nothing meanwhile', async () => {
    const port = engine.port;
    await engine.stop();
    const stoppedAt = Date.now();
    // The watcher keeps doing its other work meanwhile: a Service still gets its record.
    await kube.json(PATHS.services(NAMESPACE), {
      method: 'POST',
      body: {
        metadata: { name: 'chatty', labels: LABELS },
        spec: { selector: { 'app.kubernetes.io/name': 'chatty' }, ports: [{ port: 80 }] },
      },
    });
    await eventually(
      () => store.lbEndpoints.get(`${NAMESPACE}/chatty`),
      (record) => (record?.value.endpoints.length ?? 0) === 2,
      15_000,
    );
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 30_000 - (Date.now() - stoppedAt))));
    engine = await startOpenSearch({ dataDir: path.join(dir, 'engine'), port });
    await shippedExactly();
  });
});
