import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import {
  createNamespace,
  emulatorOnly,
  EventQueue,
  failure,
  rawRequest,
  startTestCluster,
  type TestCluster,
  uniqueName,
} from './support/cluster';
import { waitFor } from './support/controllers';

// A group of its own, so runs on a shared real cluster never meet each other's CRD.
const GROUP = `${uniqueName('widgets')}.example.com`;
const API_VERSION = `${GROUP}/v1`;
const CRD_NAME = `widgets.${GROUP}`;

const crd = {
  metadata: { name: CRD_NAME },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: { type: 'integer', minimum: 1, maximum: 10 },
                  // The typed client names these `_enum` and `_default` (JSON `enum`, `default`).
                  color: { type: 'string', _enum: ['red', 'blue'], _default: 'red' },
                  name: { type: 'string', pattern: '^[a-z]+$' },
                },
              },
              status: { type: 'object', properties: { ready: { type: 'boolean' } } },
            },
          },
        },
      },
    ],
  },
};

describe('custom resources', () => {
  let cluster: TestCluster;
  let objects: CustomObjectsApi;
  let namespace: string;
  let created: V1CustomResourceDefinition;
  const target = () => ({ group: GROUP, version: 'v1', namespace, plural: 'widgets' });
  const crds = () => cluster.kubeConfig.makeApiClient(ApiextensionsV1Api);

  beforeAll(async () => {
    cluster = await startTestCluster();
    objects = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    namespace = await createNamespace(cluster, 'crd');
    created = await crds().createCustomResourceDefinition({ body: crd });
    await waitFor('the CRD to be Established', async () => {
      const read = await crds().readCustomResourceDefinition({ name: CRD_NAME });
      return read.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    });
  });
  afterAll(async () => {
    await crds()
      .deleteCustomResourceDefinition({ name: CRD_NAME })
      .catch(() => undefined);
    await cluster.stop();
  });

  emulatorOnly(it, "a real cluster's apiextensions controller establishes CRDs asynchronously")(
    'is Established in the create response',
    () => {
      expect(created.status?.conditions?.map((condition) => [condition.type, condition.status])).toEqual([
        ['NamesAccepted', 'True'],
        ['Established', 'True'],
      ]);
    },
  );

  it('is served in discovery once Established', async () => {
    const list = await waitFor('the group version in discovery', async () => {
      const response = await rawRequest(cluster, `/apis/${API_VERSION}`);
      return (
        response.status === 200 &&
        response.json<{
          resources: { name: string; namespaced: boolean; kind: string; shortNames?: string[] }[];
        }>()
      );
    });
    expect(list.resources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'widgets', namespaced: true, kind: 'Widget', shortNames: ['wd'] }),
        expect.objectContaining({ name: 'widgets/status' }),
      ]),
    );
  });

  it('creates, reads, lists, patches and deletes objects, with defaults and pruning', async () => {
    const created = (await objects.createNamespacedCustomObject({
      ...target(),
      body: {
        apiVersion: API_VERSION,
        kind: 'Widget',
        metadata: { name: 'w1' },
        spec: { size: 3, unknown: 'x' },
      },
    })) as { metadata: { generation: number }; spec: Record<string, unknown> };
    expect(created.spec).toEqual({ size: 3, color: 'red' });
    expect(created.metadata.generation).toBe(1);
    const read = (await objects.getNamespacedCustomObject({ ...target(), name: 'w1' })) as {
      spec: { size: number };
    };
    expect(read.spec.size).toBe(3);
    const list = (await objects.listNamespacedCustomObject(target())) as { kind: string; items: unknown[] };
    expect(list.kind).toBe('WidgetList');
    expect(list.items).toHaveLength(1);
    const patched = (await objects.patchNamespacedCustomObject(
      { ...target(), name: 'w1', body: { spec: { size: 4 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as { metadata: { generation: number } };
    expect(patched.metadata.generation).toBe(2);
    const status = (await objects.patchNamespacedCustomObjectStatus(
      { ...target(), name: 'w1', body: { status: { ready: true }, spec: { size: 9 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as { spec: { size: number }; status: { ready: boolean } };
    expect(status.status.ready).toBe(true);
    expect(status.spec.size).toBe(4);
    await objects.deleteNamespacedCustomObject({ ...target(), name: 'w1' });
    expect((await failure(objects.getNamespacedCustomObject({ ...target(), name: 'w1' }))).code).toBe(404);
  });

  it('validates against the openAPIV3Schema with 422 and field causes', async () => {
    const { code, status } = await failure(
      objects.createNamespacedCustomObject({
        ...target(),
        body: {
          apiVersion: API_VERSION,
          kind: 'Widget',
          metadata: { name: 'bad' },
          spec: { size: 20, color: 'pink', name: 'UPPER' },
        },
      }),
    );
    expect(code).toBe(422);
    expect(status.details?.causes?.map((cause) => [cause.field, cause.reason])).toEqual(
      expect.arrayContaining([
        ['spec.size', 'FieldValueInvalid'],
        ['spec.color', 'FieldValueNotSupported'],
        ['spec.name', 'FieldValueInvalid'],
      ]),
    );
    const missing = await failure(
      objects.createNamespacedCustomObject({
        ...target(),
        body: { apiVersion: API_VERSION, kind: 'Widget', metadata: { name: 'm' }, spec: {} },
      }),
    );
    expect(missing.status.details?.causes).toEqual([
      expect.objectContaining({ field: 'spec.size', reason: 'FieldValueRequired' }),
    ]);
  });

  it('rejects strategic merge patches on custom resources with 415, as kube does', async () => {
    await objects.createNamespacedCustomObject({
      ...target(),
      body: { apiVersion: API_VERSION, kind: 'Widget', metadata: { name: 'smp' }, spec: { size: 1 } },
    });
    const { code } = await failure(
      objects.patchNamespacedCustomObject(
        { ...target(), name: 'smp', body: { spec: { size: 2 } } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(code).toBe(415);
  });

  it('watches custom resources', async () => {
    const watch = await EventQueue.open(
      cluster.kubeConfig,
      `/apis/${API_VERSION}/namespaces/${namespace}/widgets`,
      { labelSelector: 'watched=yes' },
    );
    try {
      await objects.createNamespacedCustomObject({
        ...target(),
        body: {
          apiVersion: API_VERSION,
          kind: 'Widget',
          metadata: { name: 'seen', labels: { watched: 'yes' } },
          spec: { size: 2 },
        },
      });
      expect(await watch.next()).toMatchObject({
        type: 'ADDED',
        object: { kind: 'Widget', metadata: { name: 'seen' } },
      });
    } finally {
      watch.close();
    }
  });

  it('stops serving the resource and drops its objects when the CRD is deleted', async () => {
    await crds().deleteCustomResourceDefinition({ name: CRD_NAME });
    // At once on local-cluster; a real apiextensions-apiserver first deletes the objects (finalizer).
    await waitFor(
      'the group version gone from discovery',
      async () => (await rawRequest(cluster, `/apis/${API_VERSION}`)).status === 404,
    );
    await waitFor(
      'the resource gone',
      async () => (await failure(objects.listNamespacedCustomObject(target()))).code === 404,
    );
  });
});
