import type { V1ReplicaSet } from '@kubernetes/client-node';
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
import { waitFor } from './support/controllers';

function deployment(name: string, labels: Record<string, string> = { app: name }): V1Deployment {
  return {
    metadata: { name },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } },
    },
  };
}

describe('create, read, update, delete (kube-apiserver semantics over HTTP)', () => {
  let cluster: TestCluster;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let namespace: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
    namespace = await createNamespace(cluster, 'crud');
  });
  afterAll(() => cluster.stop());

  it('creates with system fields and defaults, and reads back the same object', async () => {
    const created = await apps.createNamespacedDeployment({ namespace, body: deployment('web') });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.metadata?.generation).toBe(1);
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(created.spec?.replicas).toBe(1);
    expect(created.spec?.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
    });
    expect(created.spec?.revisionHistoryLimit).toBe(10);
    expect(created.spec?.progressDeadlineSeconds).toBe(600);
    expect(created.spec?.template.spec?.containers[0]?.imagePullPolicy).toBe('IfNotPresent');
    const read = await apps.readNamespacedDeployment({ name: 'web', namespace });
    expect(read.metadata?.uid).toBe(created.metadata?.uid);
    // Equal without controllers; a real cluster's deployment controller may have written status since.
    expect(Number(read.metadata?.resourceVersion)).toBeGreaterThanOrEqual(
      Number(created.metadata?.resourceVersion),
    );
  });

  it('generates names from generateName', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { generateName: 'cfg-' }, data: { a: 'b' } },
    });
    expect(created.metadata?.name).toMatch(/^cfg-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('answers 409 AlreadyExists for a duplicate name', async () => {
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'dup' } } });
    const { code, status } = await failure(
      core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'dup' } } }),
    );
    expect(code).toBe(409);
    expect(status).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'AlreadyExists',
      message: 'configmaps "dup" already exists',
    });
  });

  it('answers 404 NotFound as a Status with details', async () => {
    const { code, status } = await failure(apps.readNamespacedDeployment({ name: 'missing', namespace }));
    expect(code).toBe(404);
    expect(status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "missing" not found',
      reason: 'NotFound',
      details: { name: 'missing', group: 'apps', kind: 'deployments' },
      code: 404,
    });
  });

  it('rejects a create in a namespace that does not exist', async () => {
    const { code, status } = await failure(
      core.createNamespacedConfigMap({ namespace: 'nowhere', body: { metadata: { name: 'x' } } }),
    );
    expect(code).toBe(404);
    expect(status.message).toBe('namespaces "nowhere" not found');
  });

  it('answers 409 Conflict to an update with a stale resourceVersion', async () => {
    const first = await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'occ' }, data: { v: '1' } },
    });
    await core.replaceNamespacedConfigMap({ name: 'occ', namespace, body: { ...first, data: { v: '2' } } });
    const { code, status } = await failure(
      core.replaceNamespacedConfigMap({ name: 'occ', namespace, body: { ...first, data: { v: '3' } } }),
    );
    expect(code).toBe(409);
    expect(status.reason).toBe('Conflict');
    expect(status.message).toBe(
      'Operation cannot be fulfilled on configmaps "occ": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect((await core.readNamespacedConfigMap({ name: 'occ', namespace })).data).toEqual({ v: '2' });
  });

  it('answers 422 Invalid with one cause per field and stores nothing', async () => {
    const bad = deployment('bad');
    bad.spec!.template.spec!.containers = [
      { name: 'app', image: '' },
      { name: 'app', image: 'x', ports: [{ containerPort: 70000 }] },
    ];
    bad.spec!.template.metadata!.labels = { app: 'other' };
    const { code, status } = await failure(apps.createNamespacedDeployment({ namespace, body: bad }));
    expect(code).toBe(422);
    expect(status.reason).toBe('Invalid');
    expect(status.details?.kind).toBe('Deployment');
    expect(status.details?.causes).toEqual(
      expect.arrayContaining([
        {
          reason: 'FieldValueRequired',
          message: 'Required value',
          field: 'spec.template.spec.containers[0].image',
        },
        {
          reason: 'FieldValueDuplicate',
          message: 'Duplicate value: "app"',
          field: 'spec.template.spec.containers[1].name',
        },
        expect.objectContaining({
          reason: 'FieldValueInvalid',
          field: 'spec.template.spec.containers[1].ports[0].containerPort',
        }),
        expect.objectContaining({ reason: 'FieldValueInvalid', field: 'spec.template.metadata.labels' }),
      ]),
    );
    expect(status.message).toMatch(/^Deployment\.apps "bad" is invalid: \[/);
    expect((await failure(apps.readNamespacedDeployment({ name: 'bad', namespace }))).code).toBe(404);
  });

  it('rejects requests above limits, bad names and bad labels with 422', async () => {
    const pod = {
      metadata: { name: 'Bad_Name', labels: { 'bad key!': 'v' } },
      spec: {
        containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }],
      },
    };
    const { code, status } = await failure(core.createNamespacedPod({ namespace, body: pod }));
    expect(code).toBe(422);
    const fields = status.details?.causes?.map((cause) => cause.field);
    expect(fields).toEqual(
      expect.arrayContaining(['metadata.name', 'metadata.labels', 'spec.containers[0].resources.requests']),
    );
  });

  emulatorOnly(it, 'a real deployment controller writes Deployment status concurrently')(
    'bumps metadata.generation on spec changes only',
    async () => {
      const created = await apps.createNamespacedDeployment({ namespace, body: deployment('gen') });
      const labelled = await apps.patchNamespacedDeployment(
        { name: 'gen', namespace, body: { metadata: { labels: { team: 'a' } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      expect(labelled.metadata?.generation).toBe(created.metadata?.generation);
      const status = await apps.replaceNamespacedDeploymentStatus({
        name: 'gen',
        namespace,
        body: { ...labelled, status: { replicas: 3 } },
      });
      expect(status.metadata?.generation).toBe(1);
      const scaled = await apps.patchNamespacedDeployment(
        { name: 'gen', namespace, body: { spec: { replicas: 4 } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      expect(scaled.metadata?.generation).toBe(2);
    },
  );

  emulatorOnly(it, 'a real deployment controller writes Deployment status concurrently')(
    'keeps status and spec apart: main writes ignore status, status writes ignore spec',
    async () => {
      const created = await apps.createNamespacedDeployment({
        namespace,
        body: { ...deployment('split'), status: { replicas: 9 } },
      });
      expect(created.status).toEqual({});
      const withStatus = await apps.replaceNamespacedDeploymentStatus({
        name: 'split',
        namespace,
        body: {
          ...created,
          spec: { ...created.spec!, replicas: 7 },
          status: { replicas: 2, readyReplicas: 1 },
        },
      });
      expect(withStatus.spec?.replicas).toBe(1);
      expect(withStatus.status).toEqual({ replicas: 2, readyReplicas: 1 });
      const updated = await apps.replaceNamespacedDeployment({
        name: 'split',
        namespace,
        body: { ...withStatus, spec: { ...withStatus.spec!, replicas: 3 }, status: { replicas: 100 } },
      });
      expect(updated.spec?.replicas).toBe(3);
      expect(updated.status?.replicas).toBe(2);
    },
  );

  it('serves the scale subresource of deployments and replicasets', async () => {
    // Paused, so that on a real cluster the deployment controller writes its status once and then holds still.
    const body = deployment('scaled');
    body.spec!.paused = true;
    await apps.createNamespacedDeployment({ namespace, body });
    if (!cluster.emulated)
      await waitFor('the controller to observe it', async () => {
        const read = await apps.readNamespacedDeployment({ name: 'scaled', namespace });
        return read.status?.observedGeneration === read.metadata?.generation;
      });
    const scale = await apps.readNamespacedDeploymentScale({ name: 'scaled', namespace });
    expect(scale).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 1 },
      status: { selector: 'app=scaled' },
    });
    await apps.replaceNamespacedDeploymentScale({
      name: 'scaled',
      namespace,
      body: { ...scale, spec: { replicas: 5 } },
    });
    expect((await apps.readNamespacedDeployment({ name: 'scaled', namespace })).spec?.replicas).toBe(5);
    const stale = await failure(
      apps.replaceNamespacedDeploymentScale({
        name: 'scaled',
        namespace,
        body: { ...scale, spec: { replicas: 6 } },
      }),
    );
    expect(stale.code).toBe(409);
    await apps.patchNamespacedDeploymentScale(
      { name: 'scaled', namespace, body: { spec: { replicas: 2 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect((await apps.readNamespacedDeployment({ name: 'scaled', namespace })).spec?.replicas).toBe(2);
    await apps.createNamespacedReplicaSet({ namespace, body: deployment('rs') as V1ReplicaSet });
    const rsScale = await apps.readNamespacedReplicaSetScale({ name: 'rs', namespace });
    expect(rsScale.spec?.replicas).toBe(1);
  });

  it('keeps an object with finalizers, marked with deletionTimestamp, until they are removed', async () => {
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'held', finalizers: ['example.com/hold'] } },
    });
    await core.deleteNamespacedConfigMap({ name: 'held', namespace });
    const held = await core.readNamespacedConfigMap({ name: 'held', namespace });
    expect(held.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    const added = await failure(
      core.patchNamespacedConfigMap(
        {
          name: 'held',
          namespace,
          body: { metadata: { finalizers: ['example.com/hold', 'example.com/more'] } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    expect(added.code).toBe(422);
    await core.patchNamespacedConfigMap(
      { name: 'held', namespace, body: { metadata: { finalizers: null } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect((await failure(core.readNamespacedConfigMap({ name: 'held', namespace }))).code).toBe(404);
  });

  emulatorOnly(
    it,
    'a real garbage collector acts on the finalizers at once; without controllers they stay to be seen',
  )('adds the foregroundDeletion or orphan finalizer for those propagation policies', async () => {
    await apps.createNamespacedDeployment({ namespace, body: deployment('fg') });
    await apps.deleteNamespacedDeployment({ name: 'fg', namespace, propagationPolicy: 'Foreground' });
    const foreground = await apps.readNamespacedDeployment({ name: 'fg', namespace });
    expect(foreground.metadata?.finalizers).toEqual(['foregroundDeletion']);
    expect(foreground.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    expect(foreground.metadata?.generation).toBe(2);
    await apps.createNamespacedDeployment({ namespace, body: deployment('orphaned') });
    await apps.deleteNamespacedDeployment({ name: 'orphaned', namespace, propagationPolicy: 'Orphan' });
    expect(
      (await apps.readNamespacedDeployment({ name: 'orphaned', namespace })).metadata?.finalizers,
    ).toEqual(['orphan']);
    await apps.createNamespacedDeployment({ namespace, body: deployment('background') });
    const status = await apps.deleteNamespacedDeployment({
      name: 'background',
      namespace,
      propagationPolicy: 'Background',
    });
    expect(status).toMatchObject({
      status: 'Success',
      details: { name: 'background', group: 'apps', kind: 'deployments' },
    });
    expect((await failure(apps.readNamespacedDeployment({ name: 'background', namespace }))).code).toBe(404);
  });

  emulatorOnly(it, "binds pods to the emulator pool's nodes by hand, as the scheduler would")(
    'deletes scheduled pods gracefully and unscheduled ones at once',
    async () => {
      const spec = { containers: [{ name: 'c', image: 'busybox' }] };
      await core.createNamespacedPod({ namespace, body: { metadata: { name: 'pending' }, spec } });
      await core.deleteNamespacedPod({ name: 'pending', namespace });
      expect((await failure(core.readNamespacedPod({ name: 'pending', namespace }))).code).toBe(404);
      await core.createNamespacedPod({ namespace, body: { metadata: { name: 'bound' }, spec } });
      await core.createNamespacedPodBinding({
        name: 'bound',
        namespace,
        body: { metadata: { name: 'bound' }, target: { kind: 'Node', name: 'node-10-60-25-139' } },
      });
      const bound = await core.readNamespacedPod({ name: 'bound', namespace });
      expect(bound.spec?.nodeName).toBe('node-10-60-25-139');
      expect(bound.status?.conditions?.find((condition) => condition.type === 'PodScheduled')?.status).toBe(
        'True',
      );
      const rebind = await failure(
        core.createNamespacedPodBinding({
          name: 'bound',
          namespace,
          body: { metadata: { name: 'bound' }, target: { name: 'other' } },
        }),
      );
      expect(rebind.code).toBe(409);
      const terminating = await core.deleteNamespacedPod({ name: 'bound', namespace });
      expect(terminating.metadata?.deletionGracePeriodSeconds).toBe(30);
      await core.deleteNamespacedPod({ name: 'bound', namespace, gracePeriodSeconds: 0 });
      expect((await failure(core.readNamespacedPod({ name: 'bound', namespace }))).code).toBe(404);
    },
  );

  it('deletes a collection by label selector', async () => {
    for (const [name, tier] of [
      ['a', 'web'],
      ['b', 'web'],
      ['c', 'db'],
    ] as const)
      await core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: `dc-${name}`, labels: { tier, group: 'dc' } } },
      });
    await core.deleteCollectionNamespacedConfigMap({ namespace, labelSelector: 'group=dc,tier=web' });
    const left = await core.listNamespacedConfigMap({ namespace, labelSelector: 'group=dc' });
    expect(left.items.map((item) => item.metadata?.name)).toEqual(['dc-c']);
  });

  it('allocates cluster IPs and defaults service ports', async () => {
    const service = await core.createNamespacedService({
      namespace,
      body: { metadata: { name: 'svc' }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } },
    });
    expect(service.spec?.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(service.spec?.ports?.[0]).toMatchObject({ port: 80, protocol: 'TCP', targetPort: 80 });
    const clash = await failure(
      core.createNamespacedService({
        namespace,
        body: {
          metadata: { name: 'svc2' },
          spec: { clusterIP: service.spec?.clusterIP, ports: [{ port: 80 }] },
        },
      }),
    );
    expect(clash.code).toBe(422);
    const moved = await failure(
      core.patchNamespacedService(
        { name: 'svc', namespace, body: { spec: { clusterIP: '10.96.9.9' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    expect(moved.code).toBe(422);
  });
});
