import {
  AppsV1Api,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1Deployment,
} from '@kubernetes/client-node';
import {
  createNamespace,
  emulatorOnly,
  failure,
  startTestCluster,
  type TestCluster,
} from './support/cluster';

const as = (type: PatchStrategy) => setHeaderOptions('Content-Type', type);

function deployment(name: string): V1Deployment {
  return {
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'app:1',
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
              ports: [{ containerPort: 8080 }],
            },
            { name: 'sidecar', image: 'proxy:1' },
          ],
        },
      },
    },
  };
}

describe('patch', () => {
  let cluster: TestCluster;
  let apps: AppsV1Api;
  let core: CoreV1Api;
  let namespace: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
    core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    namespace = await createNamespace(cluster, 'patch');
  });
  afterAll(() => cluster.stop());

  it('applies JSON merge patches (null deletes, lists replace)', async () => {
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'm', labels: { a: '1', b: '2' } }, data: { x: '1' } },
    });
    const patched = await core.patchNamespacedConfigMap(
      { name: 'm', namespace, body: { metadata: { labels: { a: null, c: '3' } }, data: { y: '2' } } },
      as(PatchStrategy.MergePatch),
    );
    expect(patched.metadata?.labels).toEqual({ b: '2', c: '3' });
    expect(patched.data).toEqual({ x: '1', y: '2' });
  });

  it('applies JSON patches, and a failed test operation is 422 without a change', async () => {
    await apps.createNamespacedDeployment({ namespace, body: deployment('jp') });
    const patched = await apps.patchNamespacedDeployment(
      {
        name: 'jp',
        namespace,
        body: [
          { op: 'test', path: '/spec/replicas', value: 1 },
          { op: 'replace', path: '/spec/replicas', value: 3 },
          { op: 'add', path: '/metadata/labels', value: { x: 'y' } },
          { op: 'remove', path: '/spec/template/spec/containers/1' },
        ],
      },
      as(PatchStrategy.JsonPatch),
    );
    expect(patched.spec?.replicas).toBe(3);
    expect(patched.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['app']);
    const failed = await failure(
      apps.patchNamespacedDeployment(
        {
          name: 'jp',
          namespace,
          body: [
            { op: 'test', path: '/spec/replicas', value: 1 },
            { op: 'replace', path: '/spec/replicas', value: 9 },
          ],
        },
        as(PatchStrategy.JsonPatch),
      ),
    );
    expect(failed.code).toBe(422);
    expect((await apps.readNamespacedDeployment({ name: 'jp', namespace })).spec?.replicas).toBe(3);
  });

  it('merges strategic patches by merge key: containers and env by name, ports by containerPort', async () => {
    await apps.createNamespacedDeployment({ namespace, body: deployment('smp') });
    const patched = await apps.patchNamespacedDeployment(
      {
        name: 'smp',
        namespace,
        body: {
          spec: {
            template: {
              spec: {
                containers: [
                  {
                    name: 'app',
                    image: 'app:2',
                    env: [
                      { name: 'B', value: 'two' },
                      { name: 'C', value: '3' },
                    ],
                    ports: [{ containerPort: 9090 }],
                  },
                  { name: 'sidecar', $patch: 'delete' },
                ],
              },
            },
          },
        },
      },
      as(PatchStrategy.StrategicMergePatch),
    );
    const containers = patched.spec?.template.spec?.containers ?? [];
    expect(containers.map((c) => c.name)).toEqual(['app']);
    expect(containers[0]?.image).toBe('app:2');
    expect(containers[0]?.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: 'two' },
      { name: 'C', value: '3' },
    ]);
    // A port new to the list comes before the live ones: kube orders the patch's items first.
    expect(containers[0]?.ports?.map((port) => port.containerPort)).toEqual([9090, 8080]);
    expect(patched.metadata?.generation).toBe(2);
  });

  it('orders a merged list by $setElementOrder, a live item it does not name staying before its successors', async () => {
    const body = deployment('order');
    const app = body.spec?.template.spec?.containers[0];
    if (app)
      app.env = [
        { name: 'A', value: '1' },
        { name: 'X', value: 'x' },
        { name: 'B', value: '2' },
      ];
    await apps.createNamespacedDeployment({ namespace, body });
    const patched = await apps.patchNamespacedDeployment(
      {
        name: 'order',
        namespace,
        body: {
          spec: {
            template: {
              spec: {
                containers: [
                  {
                    name: 'app',
                    '$setElementOrder/env': [{ name: 'B' }, { name: 'C' }, { name: 'A' }],
                    env: [{ name: 'C', value: '3' }],
                  },
                ],
              },
            },
          },
        },
      },
      as(PatchStrategy.StrategicMergePatch),
    );
    const env = patched.spec?.template.spec?.containers[0]?.env?.map((variable) => variable.name);
    // B, C, A as the directive says; X (named nowhere) was before B in the live list, so it stays before it.
    expect(env).toEqual(['X', 'B', 'C', 'A']);
  });

  it('honours $retainKeys when switching the deployment strategy', async () => {
    await apps.createNamespacedDeployment({ namespace, body: deployment('retain') });
    const patched = await apps.patchNamespacedDeployment(
      {
        name: 'retain',
        namespace,
        body: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
      },
      as(PatchStrategy.StrategicMergePatch),
    );
    expect(patched.spec?.strategy).toEqual({ type: 'Recreate' });
  });

  it('rejects a patch whose result is invalid with 422', async () => {
    await apps.createNamespacedDeployment({ namespace, body: deployment('inv') });
    const failed = await failure(
      apps.patchNamespacedDeployment(
        { name: 'inv', namespace, body: { spec: { replicas: -1 } } },
        as(PatchStrategy.MergePatch),
      ),
    );
    expect(failed.code).toBe(422);
    expect(failed.status.details?.causes?.[0]?.field).toBe('spec.replicas');
  });

  emulatorOnly(it, 'a real deployment controller writes Deployment status concurrently')(
    'patches the status subresource without touching spec',
    async () => {
      await apps.createNamespacedDeployment({ namespace, body: deployment('st') });
      const patched = await apps.patchNamespacedDeploymentStatus(
        {
          name: 'st',
          namespace,
          body: { spec: { replicas: 50 }, status: { observedGeneration: 1, replicas: 1 } },
        },
        as(PatchStrategy.MergePatch),
      );
      expect(patched.status).toEqual({ observedGeneration: 1, replicas: 1 });
      expect(patched.spec?.replicas).toBe(1);
    },
  );

  it('server-side applies: creates, merges, and drops the fields the manager stopped applying', async () => {
    const applied = (labels: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'ssa', namespace, labels },
      data: { a: '1' },
    });
    const created = await core.patchNamespacedConfigMap(
      { name: 'ssa', namespace, body: applied({ x: '1', y: '2' }), fieldManager: 'tester' },
      as(PatchStrategy.ServerSideApply),
    );
    expect(created.metadata?.labels).toEqual({ x: '1', y: '2' });
    expect(created.metadata?.managedFields?.[0]).toMatchObject({ manager: 'tester', operation: 'Apply' });
    await core.patchNamespacedConfigMap(
      { name: 'ssa', namespace, body: { data: { b: '2' } } },
      as(PatchStrategy.MergePatch),
    );
    const reapplied = await core.patchNamespacedConfigMap(
      { name: 'ssa', namespace, body: applied({ x: '1' }), fieldManager: 'tester' },
      as(PatchStrategy.ServerSideApply),
    );
    expect(reapplied.metadata?.labels).toEqual({ x: '1' });
    expect(reapplied.data).toEqual({ a: '1', b: '2' });
    const noManager = await failure(
      core.patchNamespacedConfigMap(
        { name: 'ssa', namespace, body: applied({}) },
        as(PatchStrategy.ServerSideApply),
      ),
    );
    expect(noManager.code).toBe(422);
  });
});
