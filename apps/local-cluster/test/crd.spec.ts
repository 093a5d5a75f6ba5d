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

const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

/** A Widget CRD in a group of its own, so runs on a shared real cluster never meet each other's CRD. */
function widgetCrd(group: string): V1CustomResourceDefinition {
  return {
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
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
}

const GROUP = `${uniqueName('widgets')}.example.com`;
const API_VERSION = `${GROUP}/v1`;
const CRD_NAME = `widgets.${GROUP}`;
const crd = widgetCrd(GROUP);

type Condition = { type: string; status: string; reason?: string; message?: string };

function condition(crd: V1CustomResourceDefinition, type: string): Condition | undefined {
  return crd.status?.conditions?.find((c) => c.type === type);
}

describe('custom resources', () => {
  let cluster: TestCluster;
  let objects: CustomObjectsApi;
  let namespace: string;
  let created: V1CustomResourceDefinition;
  /** A resourceVersion from before the CRD existed. */
  let beforeCrd: string | undefined;
  const target = () => ({ group: GROUP, version: 'v1', namespace, plural: 'widgets' });
  const crds = () => cluster.kubeConfig.makeApiClient(ApiextensionsV1Api);

  beforeAll(async () => {
    // A small watch cache so a watch can fall behind it (emulator only: a real cluster ignores the option).
    cluster = await startTestCluster({ watchCacheSize: 20 });
    objects = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    namespace = await createNamespace(cluster, 'crd');
    beforeCrd = (await cluster.core.listNamespace({ limit: 1 })).metadata?.resourceVersion;
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

  it('answers a watch from a resourceVersion older than the CRD with one ERROR 410 Expired event', async () => {
    // A custom resource's watch cache starts when its CRD is served: nothing older can be replayed.
    const watch = await EventQueue.open(
      cluster.kubeConfig,
      `/apis/${API_VERSION}/namespaces/${namespace}/widgets`,
      { resourceVersion: beforeCrd },
    );
    try {
      const event = await watch.next();
      expect(event.type).toBe('ERROR');
      expect(event.object).toMatchObject({ kind: 'Status', status: 'Failure', code: 410, reason: 'Expired' });
      expect(event.object.message).toMatch(new RegExp(`^too old resource version: ${beforeCrd} \\(\\d+\\)$`));
      await watch.ended();
    } finally {
      watch.close();
    }
  });

  emulatorOnly(it, 'needs a watch cache shrunk to 20 events')(
    'answers a resourceVersion older than the watch cache with one ERROR 410 Expired event, then ends',
    async () => {
      const start = await objects.listNamespacedCustomObject(target());
      const old = (start as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
      for (let index = 0; index < 25; index += 1)
        await objects.createNamespacedCustomObject({
          ...target(),
          body: {
            apiVersion: API_VERSION,
            kind: 'Widget',
            metadata: { name: `many-${index}` },
            spec: { size: 1 },
          },
        });
      const watch = await EventQueue.open(
        cluster.kubeConfig,
        `/apis/${API_VERSION}/namespaces/${namespace}/widgets`,
        { resourceVersion: old },
      );
      try {
        const event = await watch.next();
        expect(event.type).toBe('ERROR');
        expect(event.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
        await watch.ended();
      } finally {
        watch.close();
      }
    },
  );

  it('stops serving the resource and deletes its objects when the CRD is deleted', async () => {
    await crds().deleteCustomResourceDefinition({ name: CRD_NAME });
    await waitFor(
      'the CRD gone',
      async () => (await failure(crds().readCustomResourceDefinition({ name: CRD_NAME }))).code === 404,
    );
    await waitFor(
      'the group version gone from discovery',
      async () => (await rawRequest(cluster, `/apis/${API_VERSION}`)).status === 404,
    );
    expect((await failure(objects.listNamespacedCustomObject(target()))).code).toBe(404);
  });

  describe('deleting a CRD', () => {
    // CRDs of their own, deleted while finalizers hold them.
    const groupOf = (prefix: string) => `${uniqueName(prefix)}.example.com`;
    const group = groupOf('gadgets');
    const kept = groupOf('gizmos');
    const name = `widgets.${group}`;
    const at = (g = group) => ({ group: g, version: 'v1', namespace, plural: 'widgets' });
    const widget = (g: string, widgetName: string, finalizers?: string[]) => ({
      apiVersion: `${g}/v1`,
      kind: 'Widget',
      metadata: { name: widgetName, ...(finalizers ? { finalizers } : {}) },
      spec: { size: 1 },
    });
    const read = (crdName = name) => crds().readCustomResourceDefinition({ name: crdName });
    const unfinalize = { metadata: { finalizers: null } };
    const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const release = (widgetName: string) =>
      objects.patchNamespacedCustomObject({ ...at(), name: widgetName, body: unfinalize }, mergePatch);
    let made: V1CustomResourceDefinition;

    beforeAll(async () => {
      made = await crds().createCustomResourceDefinition({ body: widgetCrd(group) });
      // A real apiserver serves a new CRD's resources a moment after it is Established.
      await waitFor('the widgets served', async () =>
        objects.createNamespacedCustomObject({ ...at(), body: widget(group, 'held', ['example.com/hold']) }),
      );
    });
    afterAll(async () => {
      await release('held').catch(() => undefined);
      await crds()
        .patchCustomResourceDefinition({ name: `widgets.${kept}`, body: unfinalize }, mergePatch)
        .catch(() => undefined);
      for (const crdName of [name, `widgets.${kept}`])
        await crds()
          .deleteCustomResourceDefinition({ name: crdName })
          .catch(() => undefined);
    });

    it('carries no finalizer until it is deleted', () => {
      expect(made.metadata?.finalizers ?? []).toEqual([]);
    });

    it('stays Terminating with the cleanup finalizer until its instances are gone, refusing creates', async () => {
      await objects.createNamespacedCustomObject({ ...at(), body: widget(group, 'free') });
      const response = await rawRequest(
        cluster,
        `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`,
        { method: 'DELETE' },
      );
      expect(response.status).toBe(200);
      const deleting = response.json<V1CustomResourceDefinition>();
      expect(deleting.metadata?.deletionTimestamp).toBeDefined();
      expect(deleting.metadata?.finalizers).toEqual([CLEANUP_FINALIZER]);
      expect(condition(deleting, 'Terminating')).toMatchObject({
        status: 'True',
        reason: 'InstanceDeletionPending',
        message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
      });

      // The cleanup deletes every instance; one with a finalizer of its own stays until that is removed.
      const inProgress = await waitFor('the instance deletion in progress', async () => {
        const current = await read();
        return condition(current, 'Terminating')?.reason === 'InstanceDeletionInProgress' && current;
      });
      expect(condition(inProgress, 'Terminating')).toMatchObject({
        status: 'True',
        message: 'CustomResource deletion is in progress',
      });
      await waitFor(
        'the free instance deleted',
        async () =>
          (await failure(objects.getNamespacedCustomObject({ ...at(), name: 'free' }))).code === 404,
      );
      const held = (await objects.getNamespacedCustomObject({ ...at(), name: 'held' })) as {
        metadata: { deletionTimestamp?: string };
      };
      expect(held.metadata.deletionTimestamp).toBeDefined();

      // While terminating: still served and in discovery, but no new instances.
      const refused = await failure(
        objects.createNamespacedCustomObject({ ...at(), body: widget(group, 'late') }),
      );
      expect(refused.code).toBe(405);
      expect(refused.status).toMatchObject({
        reason: 'MethodNotAllowed',
        message: 'create not allowed while custom resource definition is terminating',
      });
      expect((await rawRequest(cluster, `/apis/${group}/v1`)).status).toBe(200);
      expect((await read()).metadata?.finalizers).toEqual([CLEANUP_FINALIZER]);

      // The last instance gone, the cleanup removes its finalizer and the CRD goes (kube polls every 5 s).
      await release('held');
      await waitFor('the CRD gone', async () => (await failure(read())).code === 404, 30_000);
      await waitFor(
        'the group version gone from discovery',
        async () => (await rawRequest(cluster, `/apis/${group}/v1`)).status === 404,
      );
    });

    it('ends the cleanup with Terminating=False, InstanceDeletionCompleted, when other finalizers keep the CRD', async () => {
      const crdName = `widgets.${kept}`;
      await crds().createCustomResourceDefinition({
        body: { ...widgetCrd(kept), metadata: { name: crdName, finalizers: ['example.com/keep'] } },
      });
      await waitFor('the widgets served', async () =>
        objects.createNamespacedCustomObject({ ...at(kept), body: widget(kept, 'one') }),
      );
      await crds().deleteCustomResourceDefinition({ name: crdName });
      const done = await waitFor('the cleanup completed', async () => {
        const current = await read(crdName);
        return !current.metadata?.finalizers?.includes(CLEANUP_FINALIZER) && current;
      });
      expect(done.metadata?.finalizers).toEqual(['example.com/keep']);
      expect(condition(done, 'Terminating')).toMatchObject({
        status: 'False',
        reason: 'InstanceDeletionCompleted',
        message: 'removed all instances',
      });
      expect((await failure(objects.getNamespacedCustomObject({ ...at(kept), name: 'one' }))).code).toBe(404);
      await crds().patchCustomResourceDefinition({ name: crdName, body: unfinalize }, mergePatch);
      await waitFor('the CRD gone', async () => (await failure(read(crdName))).code === 404);
    });
  });
});
