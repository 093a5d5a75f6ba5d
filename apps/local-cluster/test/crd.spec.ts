import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type { RunningLocalCluster } from '../src/cluster';
import { createNamespace, EventQueue, failure, startTestCluster } from './support/cluster';

const crd = {
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
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
  let cluster: RunningLocalCluster;
  let objects: CustomObjectsApi;
  let namespace: string;
  const target = () => ({ group: 'example.com', version: 'v1', namespace, plural: 'widgets' });

  beforeAll(async () => {
    cluster = await startTestCluster();
    objects = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    namespace = await createNamespace(cluster.kubeConfig, 'crd');
    const created = await cluster.kubeConfig
      .makeApiClient(ApiextensionsV1Api)
      .createCustomResourceDefinition({ body: crd });
    expect(created.status?.conditions?.map((condition) => [condition.type, condition.status])).toEqual([
      ['NamesAccepted', 'True'],
      ['Established', 'True'],
    ]);
  });
  afterAll(() => cluster.stop());

  it('is served in discovery at once', async () => {
    const response = await fetch(`${cluster.url}/apis/example.com/v1`);
    const list = (await response.json()) as {
      resources: { name: string; namespaced: boolean; kind: string; shortNames?: string[] }[];
    };
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
        apiVersion: 'example.com/v1',
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
          apiVersion: 'example.com/v1',
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
        body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'm' }, spec: {} },
      }),
    );
    expect(missing.status.details?.causes).toEqual([
      expect.objectContaining({ field: 'spec.size', reason: 'FieldValueRequired' }),
    ]);
  });

  it('rejects strategic merge patches on custom resources with 415, as kube does', async () => {
    await objects.createNamespacedCustomObject({
      ...target(),
      body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'smp' }, spec: { size: 1 } },
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
      `/apis/example.com/v1/namespaces/${namespace}/widgets`,
      { labelSelector: 'watched=yes' },
    );
    try {
      await objects.createNamespacedCustomObject({
        ...target(),
        body: {
          apiVersion: 'example.com/v1',
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
    await cluster.kubeConfig
      .makeApiClient(ApiextensionsV1Api)
      .deleteCustomResourceDefinition({ name: 'widgets.example.com' });
    expect((await fetch(`${cluster.url}/apis/example.com/v1`)).status).toBe(404);
    expect((await failure(objects.listNamespacedCustomObject(target()))).code).toBe(404);
  });
});
