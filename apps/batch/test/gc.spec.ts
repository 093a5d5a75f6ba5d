/**
 * `cite-batch gc` as users run it, against local-cluster over HTTP and the test etcd: a dry run that changes
 * nothing, then a run that deletes exactly the unneeded objects and records — never an unlabelled object, the
 * running ReplicaSet, a rollback target's, or anything of a service whose lock is held — and a second run that
 * finds nothing left. Also: a run while another holds the task's lock exits 3.
 */
import { jest } from '@jest/globals';
import { LABELS, MANAGED_BY } from '@cite/kube';
import { teamNamespace, type Release } from '@cite/model';
import { exampleRelease, exampleService } from '@cite/model/testing';
import { IdempotencyStore, lockNames, ReleaseLog, type MetadataStore } from '@cite/store';
import { pollUntil, startFakeGitHub, testEtcdEndpoint, testRedisUrl } from '@cite/test-support';
import type { V1Deployment } from '@kubernetes/client-node';
import { runBatch, startCluster, testStore, type Cluster } from './support';

jest.setTimeout(180_000);

const NS = teamNamespace('payments');
let cluster: Cluster;
let store: MetadataStore;
let env: Record<string, string>;

const citeLabels = (name: string) => ({
  [LABELS.managedBy]: MANAGED_BY,
  [LABELS.name]: name,
  [LABELS.team]: 'payments',
});

function deployment(name: string, image: string, labels: Record<string, string>): V1Deployment {
  return {
    metadata: { name, namespace: NS, labels },
    spec: {
      replicas: 1,
      revisionHistoryLimit: 50,
      selector: { matchLabels: { [LABELS.name]: name } },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image }] } },
    },
  };
}

async function replicaSets(name: string): Promise<string[]> {
  const list = await cluster.apps.listNamespacedReplicaSet({
    namespace: NS,
    labelSelector: `${LABELS.name}=${name}`,
  });
  return list.items.map((rs) => `${rs.spec?.template?.spec?.containers[0]?.image}`).sort();
}

/** Rolls `name` through `images` one after another, each rollout finished before the next. */
async function rollThrough(name: string, images: string[]): Promise<void> {
  await cluster.apps.createNamespacedDeployment({
    namespace: NS,
    body: deployment(name, images[0]!, citeLabels(name)),
  });
  for (const [i, image] of images.entries()) {
    if (i > 0) {
      await cluster.apps.patchNamespacedDeployment({
        name,
        namespace: NS,
        body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: image }],
      });
    }
    await pollUntil(`${name} rolled out to ${image}`, async () => {
      const d = await cluster.apps.readNamespacedDeployment({ name, namespace: NS });
      return (
        (d.status?.updatedReplicas ?? 0) === 1 &&
        (d.status?.availableReplicas ?? 0) === 1 &&
        (d.status?.replicas ?? 0) === 1 &&
        (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0)
      );
    });
  }
}

const days = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

beforeAll(async () => {
  cluster = await startCluster();
  const made = await testStore();
  store = made.store;
  env = {
    CITE_ETCD_ENDPOINTS: testEtcdEndpoint(),
    CITE_ETCD_PREFIX: made.prefix,
    CITE_KUBECONFIG: cluster.kubeconfig,
    CITE_BATCH_GC_KEEP_RELEASES: '2',
    CITE_BATCH_GC_KEEP_RELEASE_LOGS: '2',
  };
  await cluster.core.createNamespace({ body: { metadata: { name: NS } } });

  // web: live, five revisions in the cluster; etcd: release 5 current, release 4 (a rollback target) runs v2.
  await rollThrough('web', ['reg/web:v1', 'reg/web:v2', 'reg/web:v3', 'reg/web:v4', 'reg/web:v5']);
  await store.services.create('web', exampleService({ name: 'web', team: 'payments', currentRelease: 5 }));
  const releases: [number, Release['status'], string][] = [
    [1, 'succeeded', 'reg/web:v1'],
    [2, 'succeeded', 'reg/web:v2'],
    [3, 'failed', 'reg/web:v3'],
    [4, 'succeeded', 'reg/web:v2'],
    [5, 'succeeded', 'reg/web:v5'],
  ];
  const logs = new ReleaseLog(store.etcd);
  for (const [number, status, image] of releases) {
    await store.releases.records.create(
      `web/${String(number).padStart(10, '0')}`,
      exampleRelease({ service: 'web', number, status, image }),
    );
    await logs.append('web', number, [{ message: `deploying release ${number}` }, { message: 'done' }]);
  }

  // gone: deleted in etcd, its objects still in the cluster.
  await cluster.apps.createNamespacedDeployment({
    namespace: NS,
    body: deployment('gone', 'reg/gone:v1', citeLabels('gone')),
  });
  await cluster.core.createNamespacedService({
    namespace: NS,
    body: {
      metadata: { name: 'gone', labels: citeLabels('gone') },
      spec: { selector: { [LABELS.name]: 'gone' }, ports: [{ port: 80 }] },
    },
  });
  await cluster.networking.createNamespacedIngress({
    namespace: NS,
    body: {
      metadata: { name: 'gone', labels: citeLabels('gone') },
      spec: {
        rules: [
          {
            host: 'gone.example.com',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'gone', port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    },
  });
  await store.services.create(
    'gone',
    exampleService({ name: 'gone', team: 'payments', state: 'deleted', deletedAt: days(1) }),
  );
  // busy: deleted too, but a deploy holds its lock.
  await cluster.core.createNamespacedService({
    namespace: NS,
    body: {
      metadata: { name: 'busy', labels: citeLabels('busy') },
      spec: { selector: { [LABELS.name]: 'busy' }, ports: [{ port: 80 }] },
    },
  });
  // manual: not cite's, though its service name is unknown to etcd.
  await cluster.apps.createNamespacedDeployment({
    namespace: NS,
    body: deployment('manual', 'reg/manual:v1', { [LABELS.name]: 'manual' }),
  });

  // Records: an old and a fresh webhook delivery, an old and a fresh idempotency key.
  const delivery = (id: string, receivedAt: string) => ({
    id,
    event: 'push',
    receivedAt,
    status: 202,
    outcome: 'ignored' as const,
    reason: 'test',
    services: [],
    releases: [],
    durationMs: 1,
  });
  await store.deliveries.create('old-delivery', delivery('old-delivery', days(10)));
  await store.deliveries.create('new-delivery', delivery('new-delivery', days(0)));
  const keys = new IdempotencyStore(store.etcd).records;
  const key = (startedAt: string) => ({
    fingerprint: 'a'.repeat(64),
    method: 'POST',
    path: '/api/v1/services',
    state: 'done' as const,
    startedAt,
  });
  await keys.create('token-1/old', key(days(2)));
  await keys.create('token-1/new', key(days(0)));
});

afterAll(async () => {
  await store?.close();
  await cluster?.stop();
});

async function clusterState() {
  const [deployments, services, ingresses] = await Promise.all([
    cluster.apps.listNamespacedDeployment({ namespace: NS }),
    cluster.core.listNamespacedService({ namespace: NS }),
    cluster.networking.listNamespacedIngress({ namespace: NS }),
  ]);
  return {
    deployments: deployments.items.map((d) => d.metadata?.name).sort(),
    services: services.items.map((s) => s.metadata?.name).sort(),
    ingresses: ingresses.items.map((i) => i.metadata?.name).sort(),
    web: await replicaSets('web'),
  };
}

const before = {
  deployments: ['gone', 'manual', 'web'],
  services: ['busy', 'gone'],
  ingresses: ['gone'],
  web: ['reg/web:v1', 'reg/web:v2', 'reg/web:v3', 'reg/web:v4', 'reg/web:v5'],
};

describe('cite-batch gc', () => {
  let busyLock: Awaited<ReturnType<MetadataStore['etcd']['acquireLock']>>;

  beforeAll(async () => {
    busyLock = await store.etcd.acquireLock(lockNames.service('busy'), { owner: 'deployer-test/1' });
  });
  afterAll(() => busyLock?.release());

  it('--dry-run lists what would go and why, and changes nothing', async () => {
    expect(await clusterState()).toEqual(before);
    const run = await runBatch(['gc', '--dry-run', '--json'], env);
    expect(run.stderr).not.toMatch(/failed/);
    expect(run.code).toBe(0);
    const targets = run.report!.items.filter((i) => i.action === 'would delete').map((i) => i.target);
    expect(targets).toEqual(
      expect.arrayContaining([
        `Deployment ${NS}/gone`,
        `Service ${NS}/gone`,
        `Ingress ${NS}/gone`,
        'webhook delivery old-delivery',
        'idempotency key token-1/old',
        'deploy log of web release 1',
        'deploy log of web release 2',
        'deploy log of web release 3',
      ]),
    );
    expect(targets.filter((t) => t.startsWith(`ReplicaSet ${NS}/web-`))).toHaveLength(2);
    expect(targets.join('\n')).not.toMatch(/busy|manual|new-delivery|token-1\/new|release [45]$/);
    expect(run.report).toMatchObject({ dryRun: true, outcome: 'succeeded' });
    expect(await clusterState()).toEqual(before);
    expect(await store.deliveries.get('old-delivery')).not.toBeNull();
  });

  it('deletes exactly what nothing needs, keeps the protected, and saves its report', async () => {
    const run = await runBatch(['gc', '--json'], env);
    expect(run.code).toBe(0);
    expect(run.report!.summary).toMatch(/^deleted \d+ of \d+ cite objects and 5 records$/);
    // The ReplicaSets of the deleted Deployment go with it (Kubernetes' garbage collector, or gc itself).
    const after = await pollUntil('the deleted objects to be gone', async () => {
      const state = await clusterState();
      return state.deployments.length === 2 && (await replicaSets('gone')).length === 0 ? state : undefined;
    });
    expect(after).toEqual({
      deployments: ['manual', 'web'],
      services: ['busy'],
      ingresses: [],
      // v5 runs; v4 is among the newest two revisions; v2 is the image of release 4, a rollback target.
      web: ['reg/web:v2', 'reg/web:v4', 'reg/web:v5'],
    });
    expect(await store.deliveries.get('old-delivery')).toBeNull();
    expect(await store.deliveries.get('new-delivery')).not.toBeNull();
    const keys = new IdempotencyStore(store.etcd).records;
    expect(await keys.get('token-1/old')).toBeNull();
    expect(await keys.get('token-1/new')).not.toBeNull();
    const logs = new ReleaseLog(store.etcd);
    const withLogs: number[] = [];
    for await (const number of logs.releasesWithLogs('web')) withLogs.push(number);
    expect(withLogs).toEqual([4, 5]);
    const saved = await store.batchReports.list('gc');
    expect(saved.items.map((i) => i.value.id)).toContain(run.report!.id);
  });

  it('finds nothing more to do on a second run, and prints a summary for people', async () => {
    const run = await runBatch(['gc'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^gc: ok in [\d.]+ s — deleted 0 of \d+ cite objects and 0 records\n/);
    expect(run.stderr).toMatch(/gc: reading the cluster and etcd/);
  });

  it("removes a preview whose pull request GitHub reports closed, as a user's delete would", async () => {
    const github = await startFakeGitHub();
    try {
      const preview = (n: number) =>
        exampleService({
          name: `web-pr-${n}`,
          team: 'payments',
          repo: 'acme/web',
          preview: { parent: 'web', pullRequest: n, branch: `feature-${n}` },
        });
      await store.services.create('web-pr-1', preview(1));
      await store.services.create('web-pr-2', preview(2));
      github.setPullRequest('acme/web', 1, 'closed');
      github.setPullRequest('acme/web', 2, 'open');
      const withGitHub = {
        ...env,
        CITE_GITHUB_API_URL: github.url,
        CITE_GITHUB_TOKEN: 'ghp_batchTestTokenThatIsLongEnough0123456',
        CITE_REDIS_URL: testRedisUrl(),
      };
      const dry = await runBatch(['gc', '--dry-run', '--json'], withGitHub);
      expect(dry.stderr).not.toMatch(/error|failed/);
      expect(dry.report!.items).toContainEqual({
        action: 'would delete',
        target: 'preview web-pr-1',
        reason: 'pull request acme/web#1 is closed',
      });
      expect((await store.services.get('web-pr-1'))?.value.state).toBe('active');

      const run = await runBatch(['gc', '--json'], withGitHub);
      expect(run.code).toBe(0);
      expect(run.report!.items.filter((i) => i.target.startsWith('preview '))).toEqual([
        { action: 'delete', target: 'preview web-pr-1', reason: 'pull request acme/web#1 is closed' },
      ]);
      expect((await store.services.get('web-pr-1'))?.value.state).toBe('deleting');
      expect((await store.services.get('web-pr-2'))?.value.state).toBe('active');
      const audit = await store.audit.list({ limit: 10 });
      expect(audit.items.map((i) => i.value)).toContainEqual(
        expect.objectContaining({
          action: 'service.delete',
          target: 'service/web-pr-1',
          actor: 'batch:gc',
          outcome: 'ok',
        }),
      );
    } finally {
      await github.close();
    }
  });

  it('exits 3 with one line while another run holds the lock', async () => {
    const held = await store.etcd.acquireLock(lockNames.batch('gc'), { owner: 'cronjob-pod/1' });
    try {
      const run = await runBatch(['gc'], env);
      expect(run.code).toBe(3);
      expect(run.stderr.trim().split('\n').at(-1)).toBe(
        'cite-batch gc: gc is already running: lock batch/gc is held by cronjob-pod/1',
      );
    } finally {
      await held.release();
    }
  });
});
