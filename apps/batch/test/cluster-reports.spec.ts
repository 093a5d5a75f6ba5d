/**
 * `cite-batch health-check` and `node-report` as users run them, against local-cluster over HTTP (its pod proxy
 * answers for the simulated apps; its node lifecycle turns a node whose kubelet stops NotReady) and the test etcd.
 */
import { jest } from '@jest/globals';
import { LABELS, MANAGED_BY } from '@cite/kube';
import { teamNamespace } from '@cite/model';
import { exampleRelease, exampleService } from '@cite/model/testing';
import type { MetadataStore } from '@cite/store';
import { pollUntil, testEtcdEndpoint } from '@cite/test-support';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { runBatch, startCluster, testStore, type Cluster } from './support';

jest.setTimeout(180_000);

const NS = teamNamespace('payments');
let cluster: Cluster;
let store: MetadataStore;
let env: Record<string, string>;

/** A service as cite would run it: the Deployment (labelled with `release`), its Service, two replicas. */
async function run(
  name: string,
  release: number,
  image: string,
  podAnnotations: Record<string, string> = {},
) {
  const labels = { [LABELS.managedBy]: MANAGED_BY, [LABELS.name]: name, [LABELS.team]: 'payments' };
  await cluster.apps.createNamespacedDeployment({
    namespace: NS,
    body: {
      metadata: { name, labels: { ...labels, [LABELS.release]: String(release) } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { [LABELS.name]: name } },
        template: {
          metadata: { labels, annotations: podAnnotations },
          spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 8080 }] }] },
        },
      },
    },
  });
  await cluster.core.createNamespacedService({
    namespace: NS,
    body: {
      metadata: { name, labels },
      spec: { selector: { [LABELS.name]: name }, ports: [{ port: 8080 }] },
    },
  });
}

beforeAll(async () => {
  cluster = await startCluster({
    CITE_LOCAL_CLUSTER_NODE_HEARTBEAT_MS: '200',
    CITE_LOCAL_CLUSTER_NODE_GRACE_PERIOD_MS: '1500',
    CITE_LOCAL_CLUSTER_DEFAULT_TOLERATION_SECONDS: '1',
  });
  const made = await testStore();
  store = made.store;
  env = {
    CITE_ETCD_ENDPOINTS: testEtcdEndpoint(),
    CITE_ETCD_PREFIX: made.prefix,
    CITE_KUBECONFIG: cluster.kubeconfig,
  };
  await cluster.core.createNamespace({ body: { metadata: { name: NS } } });
  const declare = async (name: string, current: number, image: string) => {
    await store.services.create(
      name,
      exampleService({ name, team: 'payments', replicas: 2, currentRelease: current }),
    );
    for (let number = 1; number <= current; number++) {
      const release = exampleRelease({
        service: name,
        number,
        status: 'succeeded',
        image: number === current ? image : `${image}-old`,
      });
      release.config.replicas = 2;
      await store.releases.records.create(`${name}/${String(number).padStart(10, '0')}`, release);
    }
  };
  await declare('healthy', 1, 'reg/healthy:v1');
  await run('healthy', 1, 'reg/healthy:v1');
  await declare('unready', 1, 'reg/unready:v1');
  await run('unready', 1, 'reg/unready:v1', { 'local-cluster.cite.dev/ready': 'never' });
  // drifted: cite says release 2 (image v2) runs; the cluster still runs release 1's image.
  await declare('drifted', 2, 'reg/drifted:v2');
  await run('drifted', 1, 'reg/drifted:v1');
  await pollUntil('the healthy pods to be Ready', async () => {
    const endpoints = await cluster.core.readNamespacedEndpoints({ name: 'healthy', namespace: NS });
    return (
      (endpoints.subsets?.[0]?.addresses?.length ?? 0) === 2 &&
      (await cluster.core.readNamespacedEndpoints({ name: 'drifted', namespace: NS })).subsets?.[0]?.addresses
        ?.length === 2
    );
  });
});

afterAll(async () => {
  await store?.close();
  await cluster?.stop();
});

describe('cite-batch health-check', () => {
  it('probes every ready endpoint through the pod proxy, and flags down services and drift', async () => {
    const result = await runBatch(['health-check', '--json'], env);
    expect(result.code).toBe(0);
    const report = result.report!;
    expect(report.counts).toMatchObject({ services: 3, up: 2, degraded: 0, down: 1, drifted: 2 });
    const byService = Object.fromEntries(report.items.map((i) => [i.target, `${i.action}: ${i.reason}`]));
    expect(byService['service healthy']).toMatch(/^up: 2\/2 endpoints answer, max \d+ ms$/);
    expect(byService['service unready']).toBe('down: no ready endpoint');
    expect(report.warnings).toEqual(
      expect.arrayContaining([
        'service unready is down',
        'service unready: 0 of 2 replicas ready',
        "service drifted: Deployment is at release 1, cite's current release is 2",
        'service drifted: Deployment runs image reg/drifted:v1, release 2 has reg/drifted:v2',
      ]),
    );
    expect(report.warnings.join('\n')).not.toMatch(/service healthy/);
    expect((await store.batchReports.list('health-check')).items).toHaveLength(1);
  });
});

describe('cite-batch node-report', () => {
  it('reports every node Ready with its pods and addresses, then warns of a node whose kubelet stopped', async () => {
    const first = await runBatch(['node-report', '--json'], env);
    expect(first.code).toBe(0);
    expect(first.report!.counts).toMatchObject({ nodes: 10, ready: 10, notReady: 0, warnings: 0 });
    const rows = first.report!.details['nodes'] as {
      node: string;
      pods: number;
      ipsUsed: number;
      ipsCapacity: number;
    }[];
    expect(rows.reduce((sum, row) => sum + row.pods, 0)).toBe(6);
    expect(rows.reduce((sum, row) => sum + row.ipsUsed, 0)).toBe(6);
    expect(rows.every((row) => row.ipsCapacity > 0)).toBe(true);

    const node = rows.find((row) => row.pods > 0)!.node;
    // What `kubectl annotate node <node> local-cluster.cite.dev/kubelet=stopped` does: the simulated kubelet stops.
    await cluster.core.patchNode(
      { name: node, body: { metadata: { annotations: { 'local-cluster.cite.dev/kubelet': 'stopped' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await pollUntil(`${node} to turn NotReady`, async () => {
      const found = await cluster.core.readNode({ name: node });
      return found.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown';
    });
    const second = await runBatch(['node-report'], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(
      /^node-report: ok in [\d.]+ s — 9 of 10 nodes Ready, \d+ pods, 1 warnings\n/,
    );
    expect(second.stdout).toContain(`  warning: node ${node} is NotReady (Ready=Unknown)`);
  });
});
