/**
 * `/metrics` of local-cluster's process (`main.mjs`, as `npm start` runs it): request durations by route
 * template, behind the cluster's bearer token like every API path, plus the process metrics.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { METRICS } from '@cite/metrics';
import { scrape, sumOf, type MetricFamily } from '@cite/metrics/testing';
import { runApp, type AppProcess } from '@cite/test-support';

const TOKEN = 'local-cluster-metrics-test-token';

describe('local-cluster /metrics', () => {
  let dir: string;
  let app: AppProcess;
  let url: string;
  let families: Map<string, MetricFamily>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-cluster-metrics-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    app = await runApp('local-cluster', {
      CITE_LOCAL_CLUSTER_PORT: '0',
      CITE_LOCAL_CLUSTER_KUBECONFIG: kubeconfig,
      CITE_LOCAL_CLUSTER_TOKEN: TOKEN,
      CITE_LOCAL_CLUSTER_CONTROLLERS: 'false',
    });
    await app.waitForOutput(/kubeconfig: .+\n/, 30_000);
    url = /listening on (\S+)/.exec(app.output())![1]!;
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfig);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'metrics-team' } } });
    const pod = {
      metadata: { name: 'metrics-pod' },
      spec: { containers: [{ name: 'app', image: 'nginx' }] },
    };
    await core.createNamespacedPod({ namespace: 'metrics-team', body: pod });
    await core.readNamespacedPod({ namespace: 'metrics-team', name: 'metrics-pod' });
    await core.listNamespacedPod({ namespace: 'metrics-team' });
    // A watch lasts as long as its client wants: it is not timed.
    await core.listNamespacedPod({ namespace: 'metrics-team', watch: true, timeoutSeconds: 1 });
    const headers = { authorization: `Bearer ${TOKEN}` };
    expect((await fetch(`${url}/api/v1/namespaces/metrics-team/widgets`, { headers })).status).toBe(404);
    families = await scrape(`${url}/metrics`, TOKEN);
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is behind the cluster token, like every API path', async () => {
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
  });

  it('declares the cite metrics and the process metrics', () => {
    for (const definition of Object.values(METRICS)) {
      expect(families.get(definition.name)).toMatchObject({ type: definition.type, help: definition.help });
    }
    expect(families.get('process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(families.get('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
  });

  it('times requests by route template, never by namespace or name, and leaves watches out', () => {
    const count = (labels: Record<string, string>) =>
      sumOf(families, 'cite_http_request_duration_seconds_count', labels);
    expect(count({ method: 'POST', route: '/api/v1/namespaces', status: '201' })).toBe(1);
    expect(count({ method: 'POST', route: '/api/v1/namespaces/:namespace/pods', status: '201' })).toBe(1);
    expect(count({ method: 'GET', route: '/api/v1/namespaces/:namespace/pods/:name', status: '200' })).toBe(
      1,
    );
    expect(count({ method: 'GET', route: '/api/v1/namespaces/:namespace/pods', status: '200' })).toBe(1);
    expect(count({ method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    const labels = families.get('cite_http_request_duration_seconds')!.samples.map((s) => s.labels);
    expect(JSON.stringify(labels)).not.toMatch(/metrics-(team|pod)|widgets|watch/);
  });
});
