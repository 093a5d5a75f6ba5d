import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import {
  createNamespace,
  emulatorOnly,
  EventQueue,
  failure,
  startTestCluster,
  type TestCluster,
} from './support/cluster';

/** Every namespace has it (kube-controller-manager's root CA publisher), and it has no labels. */
const ROOT_CA = 'kube-root-ca.crt';

describe('list and watch', () => {
  let cluster: TestCluster;
  let core: CoreV1Api;
  let namespace: string;

  beforeAll(async () => {
    cluster = await startTestCluster({ watchCacheSize: 20, bookmarkIntervalMs: 100 });
    core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    namespace = await createNamespace(cluster, 'lw');
    const rows: [string, Record<string, string>][] = [
      ['a', { env: 'prod', tier: 'web' }],
      ['b', { env: 'dev', tier: 'web' }],
      ['c', { env: 'prod', tier: 'db' }],
      ['d', { env: 'test' }],
      ['e', { tier: 'cache' }],
    ];
    for (const [name, labels] of rows)
      await core.createNamespacedConfigMap({ namespace, body: { metadata: { name, labels } } });
  });
  afterAll(() => cluster.stop());

  const names = async (labelSelector?: string, fieldSelector?: string) =>
    (await core.listNamespacedConfigMap({ namespace, labelSelector, fieldSelector })).items.map(
      (item) => item.metadata?.name,
    );

  it.each([
    ['env=prod', ['a', 'c']],
    ['env==prod,tier=web', ['a']],
    ['env!=prod', ['b', 'd', 'e', ROOT_CA]],
    ['env in (dev,test)', ['b', 'd']],
    ['env notin (prod)', ['b', 'd', 'e', ROOT_CA]],
    ['tier', ['a', 'b', 'c', 'e']],
    ['!tier', ['d', ROOT_CA]],
    ['tier,env notin (dev)', ['a', 'c', 'e']],
  ])('selects by label %s', async (selector, expected) => {
    expect(await names(selector)).toEqual(expected);
  });

  it('selects by field and rejects unsupported fields with 400', async () => {
    expect(await names(undefined, 'metadata.name=c')).toEqual(['c']);
    expect(await names(undefined, 'metadata.name!=c,metadata.namespace=' + namespace)).toEqual([
      'a',
      'b',
      'd',
      'e',
      ROOT_CA,
    ]);
    const bad = await failure(core.listNamespacedConfigMap({ namespace, fieldSelector: 'spec.nodeName=x' }));
    expect(bad.code).toBe(400);
    expect(bad.status.message).toBe('field label not supported: spec.nodeName');
  });

  it('selects pods by spec.nodeName and status.phase', async () => {
    await core.createNamespacedPod({
      namespace,
      body: { metadata: { name: 'p' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }] } },
    });
    const found = await core.listNamespacedPod({
      namespace,
      fieldSelector: 'spec.nodeName=n1,status.phase=Pending',
    });
    expect(found.items.map((pod) => pod.metadata?.name)).toEqual(['p']);
    expect(
      (await core.listNamespacedPod({ namespace, fieldSelector: 'status.phase=Running' })).items,
    ).toEqual([]);
  });

  it('pages with limit and an opaque continue token, with the list resourceVersion', async () => {
    const first = await core.listNamespacedConfigMap({ namespace, limit: 2 });
    expect(first.items.map((item) => item.metadata?.name)).toEqual(['a', 'b']);
    expect(first.metadata?.remainingItemCount).toBe(4);
    expect(Number(first.metadata?.resourceVersion)).toBeGreaterThan(0);
    const second = await core.listNamespacedConfigMap({
      namespace,
      limit: 2,
      _continue: first.metadata?._continue,
    });
    expect(second.items.map((item) => item.metadata?.name)).toEqual(['c', 'd']);
    const third = await core.listNamespacedConfigMap({
      namespace,
      limit: 2,
      _continue: second.metadata?._continue,
    });
    expect(third.items.map((item) => item.metadata?.name)).toEqual(['e', ROOT_CA]);
    expect(third.metadata?._continue).toBeUndefined();
    expect((await failure(core.listNamespacedConfigMap({ namespace, _continue: 'garbage' }))).code).toBe(400);
  });

  it('streams ADDED, MODIFIED and DELETED in order from a resourceVersion', async () => {
    const list = await core.listNamespacedSecret({ namespace });
    const watch = await EventQueue.open(cluster.kubeConfig, `/api/v1/namespaces/${namespace}/secrets`, {
      resourceVersion: list.metadata?.resourceVersion,
    });
    try {
      await core.createNamespacedSecret({
        namespace,
        body: { metadata: { name: 'w' }, stringData: { k: 'v' } },
      });
      await core.patchNamespacedSecret(
        { name: 'w', namespace, body: { metadata: { labels: { x: 'y' } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await core.deleteNamespacedSecret({ name: 'w', namespace });
      const events = [await watch.next(), await watch.next(), await watch.next()];
      expect(events.map((event) => event.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
      const versions = events.map((event) => Number(event.object.metadata?.resourceVersion));
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      expect(events[0]?.object.data).toEqual({ k: Buffer.from('v').toString('base64') });
    } finally {
      watch.close();
    }
  });

  it('replays the current state as ADDED without a resourceVersion, and filters by selector transitions', async () => {
    const watch = await EventQueue.open(cluster.kubeConfig, `/api/v1/namespaces/${namespace}/configmaps`, {
      labelSelector: 'env=prod',
    });
    try {
      expect([
        (await watch.next()).object.metadata?.name,
        (await watch.next()).object.metadata?.name,
      ]).toEqual(['a', 'c']);
      await core.patchNamespacedConfigMap(
        { name: 'c', namespace, body: { metadata: { labels: { env: 'dev' } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      expect(await watch.next()).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'c' } } });
      await core.patchNamespacedConfigMap(
        { name: 'd', namespace, body: { metadata: { labels: { env: 'prod' } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      expect(await watch.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'd' } } });
    } finally {
      watch.close();
    }
  });

  emulatorOnly(it, 'the bookmark period is a server setting (about a minute on kube-apiserver)')(
    'sends BOOKMARK events when allowed',
    async () => {
      const list = await core.listNamespacedServiceAccount({ namespace });
      const watch = await EventQueue.open(
        cluster.kubeConfig,
        `/api/v1/namespaces/${namespace}/serviceaccounts`,
        {
          resourceVersion: list.metadata?.resourceVersion,
          allowWatchBookmarks: true,
        },
      );
      try {
        const event = await watch.next();
        expect(event.type).toBe('BOOKMARK');
        expect(Number(event.object.metadata?.resourceVersion)).toBeGreaterThanOrEqual(
          Number(list.metadata?.resourceVersion),
        );
      } finally {
        watch.close();
      }
    },
  );

  it('ends a watch after timeoutSeconds', async () => {
    const watch = await EventQueue.open(cluster.kubeConfig, `/api/v1/namespaces/${namespace}/endpoints`, {
      timeoutSeconds: 1,
    });
    await watch.ended(3000);
    expect(watch.done).toBe(true);
  });

  emulatorOnly(it, 'needs a watch cache shrunk to 20 events')(
    'answers a resourceVersion older than the watch cache with one ERROR 410 Expired event, then ends',
    async () => {
      const start = await core.listNamespacedEvent({ namespace });
      const old = start.metadata?.resourceVersion;
      for (let index = 0; index < 25; index += 1)
        await core.createNamespacedEvent({
          namespace,
          body: { metadata: { name: `e${index}` }, involvedObject: { kind: 'Pod', name: 'p', namespace } },
        });
      const watch = await EventQueue.open(cluster.kubeConfig, `/api/v1/namespaces/${namespace}/events`, {
        resourceVersion: old,
      });
      const event = await watch.next();
      expect(event.type).toBe('ERROR');
      expect(event.object).toMatchObject({ kind: 'Status', status: 'Failure', code: 410, reason: 'Expired' });
      await watch.ended();
    },
  );

  it('selects events by involvedObject fields', async () => {
    await core.createNamespacedEvent({
      namespace,
      body: {
        metadata: { name: 'ev-x' },
        involvedObject: { kind: 'Deployment', name: 'x', namespace },
        reason: 'Scaled',
      },
    });
    const found = await core.listNamespacedEvent({
      namespace,
      fieldSelector: 'involvedObject.kind=Deployment,involvedObject.name=x',
    });
    expect(found.items.map((item) => item.reason)).toEqual(['Scaled']);
  });
});
