/**
 * Server-side apply conflicts and managedFields, as kube-apiserver answers them: an applier that would change a
 * field another manager owns is refused (409 Conflict, one FieldManagerConflict cause per field) unless it
 * forces; every create, update and patch records its manager's fields in an Update entry.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppsV1Api,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1Deployment,
  type V1ManagedFieldsEntry,
} from '@kubernetes/client-node';
import { createNamespace, failure, startTestCluster, type TestCluster } from './support/cluster';
import { kubectlFor } from './support/kubectl';

const as = (type: PatchStrategy) => setHeaderOptions('Content-Type', type);
type Fields = Record<string, unknown>;

function deployment(name: string, replicas: number, image = 'app:1'): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image }] },
      },
    },
  };
}

function entryOf(
  object: { metadata?: { managedFields?: V1ManagedFieldsEntry[] } },
  manager: string,
  operation = 'Update',
): V1ManagedFieldsEntry | undefined {
  return object.metadata?.managedFields?.find(
    (entry) => entry.manager === manager && entry.operation === operation,
  );
}

/** The field set of an entry, one level of `f:` names at a time. */
function fieldsAt(entry: V1ManagedFieldsEntry | undefined, ...path: string[]): Fields | undefined {
  let node = entry?.fieldsV1 as Fields | undefined;
  for (const element of path) node = node?.[element] as Fields | undefined;
  return node;
}

describe('server-side apply conflicts', () => {
  let cluster: TestCluster;
  let apps: AppsV1Api;
  let namespace: string;

  const applyAs = (manager: string, body: V1Deployment, force = false) =>
    apps.patchNamespacedDeployment(
      { name: body.metadata?.name ?? '', namespace, body, fieldManager: manager, force },
      as(PatchStrategy.ServerSideApply),
    );
  const editAs = (manager: string, name: string, body: object) =>
    apps.patchNamespacedDeployment(
      { name, namespace, body, fieldManager: manager },
      as(PatchStrategy.MergePatch),
    );

  beforeAll(async () => {
    cluster = await startTestCluster();
    apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
    namespace = await createNamespace(cluster, 'ssa');
  });
  afterAll(() => cluster.stop());

  it('refuses to change a field another manager set: 409 Conflict, a FieldManagerConflict cause per field', async () => {
    await applyAs('applier', deployment('c1', 1));
    await editAs('kubectl-edit', 'c1', { spec: { replicas: 3 } });
    const refused = await failure(applyAs('applier', deployment('c1', 2)));
    expect(refused.code).toBe(409);
    expect(refused.status).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas',
      details: {
        causes: [
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "kubectl-edit" using apps/v1',
            field: '.spec.replicas',
          },
        ],
      },
    });
    expect((await apps.readNamespacedDeployment({ name: 'c1', namespace })).spec?.replicas).toBe(3);
  });

  it('lists every conflicting field under its manager', async () => {
    await applyAs('applier', deployment('c2', 1));
    await editAs('kubectl-edit', 'c2', {
      metadata: { labels: { tier: 'edited' } },
      spec: { replicas: 3 },
    });
    const body = deployment('c2', 2);
    body.metadata = { ...body.metadata, labels: { tier: 'applied' } };
    const refused = await failure(applyAs('applier', body));
    expect(refused.code).toBe(409);
    expect(refused.status.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl-edit" using apps/v1:\n' +
        '- .metadata.labels.tier\n- .spec.replicas',
    );
    expect(refused.status.details?.causes?.map((cause) => cause.field).sort()).toEqual([
      '.metadata.labels.tier',
      '.spec.replicas',
    ]);
  });

  it('shares a field applied with the value it already has', async () => {
    await applyAs('applier', deployment('c3', 1));
    await editAs('kubectl-edit', 'c3', { spec: { replicas: 3 } });
    const shared = await applyAs('applier', deployment('c3', 3));
    expect(fieldsAt(entryOf(shared, 'applier', 'Apply'), 'f:spec', 'f:replicas')).toEqual({});
    expect(fieldsAt(entryOf(shared, 'kubectl-edit'), 'f:spec', 'f:replicas')).toEqual({});
  });

  it('takes the fields over with force: the other manager loses them', async () => {
    await applyAs('applier', deployment('c4', 1));
    await editAs('kubectl-edit', 'c4', {
      metadata: { annotations: { note: 'kept' } },
      spec: { replicas: 3 },
    });
    const forced = await applyAs('applier', deployment('c4', 2), true);
    expect(forced.spec?.replicas).toBe(2);
    expect(forced.metadata?.annotations?.['note']).toBe('kept');
    expect(fieldsAt(entryOf(forced, 'applier', 'Apply'), 'f:spec', 'f:replicas')).toEqual({});
    const edit = entryOf(forced, 'kubectl-edit');
    expect(fieldsAt(edit, 'f:spec')).toBeUndefined();
    expect(fieldsAt(edit, 'f:metadata', 'f:annotations', 'f:note')).toEqual({});
  });

  it('makes kubectl apply --server-side fail on a conflict, and succeed with --force-conflicts', async () => {
    const kubectl = await kubectlFor(cluster, namespace);
    await applyAs('applier', deployment('c5', 1));
    await kubectl('annotate', 'deployment', 'c5', 'note=by-hand');
    const manifest = join(tmpdir(), `ssa-${namespace}.json`);
    const body = deployment('c5', 1);
    body.metadata = { ...body.metadata, annotations: { note: 'from-file' } };
    writeFileSync(manifest, JSON.stringify(body));
    await expect(kubectl('apply', '--server-side', '-f', manifest)).rejects.toThrow(
      /conflict with "kubectl-annotate" using apps\/v1: \.metadata\.annotations\.note/,
    );
    await kubectl('apply', '--server-side', '--force-conflicts', '-f', manifest);
    const read = await apps.readNamespacedDeployment({ name: 'c5', namespace });
    expect(read.metadata?.annotations?.['note']).toBe('from-file');
  });

  it('lets kubectl apply --server-side take over what its client-side apply set, updating the annotation', async () => {
    const kubectl = await kubectlFor(cluster, namespace);
    const manifest = join(tmpdir(), `csa-${namespace}.json`);
    writeFileSync(manifest, JSON.stringify(deployment('c6', 1)));
    await kubectl('apply', '-f', manifest);
    const clientSide = await apps.readNamespacedDeployment({ name: 'c6', namespace });
    expect(entryOf(clientSide, 'kubectl-client-side-apply')).toBeDefined();
    // replicas is owned by kubectl-client-side-apply, but the annotation says kubectl set it: no conflict.
    writeFileSync(manifest, JSON.stringify(deployment('c6', 2)));
    await kubectl('apply', '--server-side', '-f', manifest);
    const serverSide = await apps.readNamespacedDeployment({ name: 'c6', namespace });
    expect(serverSide.spec?.replicas).toBe(2);
    expect(fieldsAt(entryOf(serverSide, 'kubectl', 'Apply'), 'f:spec', 'f:replicas')).toEqual({});
    const annotation = serverSide.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
    expect(JSON.parse(annotation ?? '{}')).toMatchObject({ spec: { replicas: 2 } });
  });
});

describe('managedFields of updates', () => {
  let cluster: TestCluster;
  let apps: AppsV1Api;
  let namespace: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
    namespace = await createNamespace(cluster, 'mf');
  });
  afterAll(() => cluster.stop());

  it('records the creator, with the fields it set and the defaults', async () => {
    const created = await apps.createNamespacedDeployment({
      namespace,
      body: deployment('u1', 1),
      fieldManager: 'creator',
    });
    expect(created.metadata?.managedFields).toHaveLength(1);
    const entry = entryOf(created, 'creator');
    expect(entry).toMatchObject({ apiVersion: 'apps/v1', fieldsType: 'FieldsV1' });
    expect(entry?.time).toEqual(expect.any(Date));
    expect(fieldsAt(entry, 'f:spec', 'f:replicas')).toEqual({});
    expect(fieldsAt(entry, 'f:spec', 'f:selector')).toEqual({});
    expect(fieldsAt(entry, 'f:spec', 'f:template', 'f:metadata', 'f:labels')).toEqual({
      '.': {},
      'f:app': {},
    });
    // Defaults are the creator's too (the body is defaulted before the fields are recorded).
    expect(fieldsAt(entry, 'f:spec', 'f:revisionHistoryLimit')).toEqual({});
    const container = fieldsAt(entry, 'f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"app"}');
    expect(container).toMatchObject({ '.': {}, 'f:image': {}, 'f:name': {}, 'f:imagePullPolicy': {} });
    expect(fieldsAt(entry, 'f:status')).toBeUndefined();
  });

  it('leaves what admission sets on a pod to nobody: service account, priority and tolerations', async () => {
    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    const pod = await core.createNamespacedPod({
      namespace,
      body: { metadata: { name: 'p1' }, spec: { containers: [{ name: 'app', image: 'app:1' }] } },
      fieldManager: 'creator',
    });
    // Admission did set them...
    expect(pod.spec?.serviceAccountName).toBe('default');
    expect(pod.spec?.tolerations).toHaveLength(2);
    // ...after the creator's fields were recorded, with the decoding defaults among them.
    const spec = fieldsAt(entryOf(pod, 'creator'), 'f:spec') as Fields;
    expect(Object.keys(spec)).toEqual(
      expect.arrayContaining(['f:containers', 'f:dnsPolicy', 'f:enableServiceLinks', 'f:restartPolicy']),
    );
    for (const field of ['f:serviceAccountName', 'f:serviceAccount', 'f:priority', 'f:tolerations'])
      expect(spec[field]).toBeUndefined();
  });

  it('names the manager after the User-Agent when the request names none', async () => {
    const created = await apps.createNamespacedDeployment({ namespace, body: deployment('u2', 1) });
    // client-node sends `User-Agent: kubernetes-client-javascript/<version>`.
    expect(created.metadata?.managedFields?.map((entry) => entry.manager)).toEqual([
      'kubernetes-client-javascript',
    ]);
  });

  it('keeps every manager, moving the fields a patch changed to its manager', async () => {
    await apps.createNamespacedDeployment({ namespace, body: deployment('u3', 1), fieldManager: 'creator' });
    const patched = await apps.patchNamespacedDeployment(
      {
        name: 'u3',
        namespace,
        fieldManager: 'kubectl-edit',
        body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } } },
      },
      as(PatchStrategy.StrategicMergePatch),
    );
    expect(patched.metadata?.managedFields?.map((entry) => entry.manager).sort()).toEqual([
      'creator',
      'kubectl-edit',
    ]);
    const edit = entryOf(patched, 'kubectl-edit');
    expect(edit?.fieldsV1).toEqual({
      'f:spec': {
        'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { 'f:image': {} } } } },
      },
    });
    const creatorContainer = fieldsAt(
      entryOf(patched, 'creator'),
      'f:spec',
      'f:template',
      'f:spec',
      'f:containers',
      'k:{"name":"app"}',
    );
    expect(creatorContainer?.['f:image']).toBeUndefined();
    expect(creatorContainer?.['f:name']).toEqual({});
  });

  it('records a PUT, and keeps the entries when the body leaves managedFields out', async () => {
    const created = await apps.createNamespacedDeployment({
      namespace,
      body: deployment('u4', 1),
      fieldManager: 'creator',
    });
    const body = structuredClone(created);
    delete body.metadata?.managedFields;
    body.spec = { ...body.spec!, replicas: 4 };
    const replaced = await apps.replaceNamespacedDeployment({
      name: 'u4',
      namespace,
      body,
      fieldManager: 'kubectl-replace',
    });
    expect(fieldsAt(entryOf(replaced, 'kubectl-replace'), 'f:spec', 'f:replicas')).toEqual({});
    expect(fieldsAt(entryOf(replaced, 'creator'), 'f:spec', 'f:replicas')).toBeUndefined();
    expect(fieldsAt(entryOf(replaced, 'creator'), 'f:spec', 'f:selector')).toEqual({});
  });

  it('records status writes apart, as subresource status', async () => {
    await apps.createNamespacedDeployment({ namespace, body: deployment('u5', 0), fieldManager: 'creator' });
    const written = await apps.patchNamespacedDeploymentStatus(
      {
        name: 'u5',
        namespace,
        fieldManager: 'status-writer',
        body: { status: { conditions: [{ type: 'Cite', status: 'True', reason: 'Test' }] } },
      },
      as(PatchStrategy.StrategicMergePatch),
    );
    const entry = written.metadata?.managedFields?.find((candidate) => candidate.manager === 'status-writer');
    expect(entry).toMatchObject({ operation: 'Update', apiVersion: 'apps/v1', subresource: 'status' });
    expect(fieldsAt(entry, 'f:status', 'f:conditions', 'k:{"type":"Cite"}')).toEqual({
      '.': {},
      'f:reason': {},
      'f:status': {},
      'f:type': {},
    });
    expect(fieldsAt(entry, 'f:spec')).toBeUndefined();
  });

  it('records an apply to the status subresource as an Apply entry of its own', async () => {
    await apps.createNamespacedDeployment({ namespace, body: deployment('u7', 0), fieldManager: 'creator' });
    const applied = await apps.patchNamespacedDeploymentStatus(
      {
        name: 'u7',
        namespace,
        fieldManager: 'status-applier',
        body: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'u7' },
          status: { conditions: [{ type: 'Cite', status: 'True', reason: 'Test' }] },
        },
      },
      as(PatchStrategy.ServerSideApply),
    );
    expect(applied.status?.conditions?.map((condition) => condition.type)).toContain('Cite');
    const entry = entryOf(applied, 'status-applier', 'Apply');
    expect(entry).toMatchObject({ apiVersion: 'apps/v1', subresource: 'status' });
    expect(fieldsAt(entry, 'f:status', 'f:conditions', 'k:{"type":"Cite"}')).toEqual({
      '.': {},
      'f:reason': {},
      'f:status': {},
      'f:type': {},
    });
    expect(entryOf(applied, 'creator')).toBeDefined();
  });

  it('resets managedFields with [{}], and then tracks nothing until an apply', async () => {
    await apps.createNamespacedDeployment({ namespace, body: deployment('u6', 1), fieldManager: 'creator' });
    const reset = await apps.patchNamespacedDeployment(
      { name: 'u6', namespace, body: { metadata: { managedFields: [{}] } } },
      as(PatchStrategy.MergePatch),
    );
    expect(reset.metadata?.managedFields ?? []).toEqual([]);
    const edited = await apps.patchNamespacedDeployment(
      { name: 'u6', namespace, fieldManager: 'kubectl-edit', body: { spec: { replicas: 2 } } },
      as(PatchStrategy.MergePatch),
    );
    expect(edited.metadata?.managedFields ?? []).toEqual([]);
  });
});
