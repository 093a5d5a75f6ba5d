import { ALL_FIELDS, compareObjects } from './compare';
import { recordApply, recordUpdate, type ManagedFieldsEntry, type Writer } from './managed-fields';
import { zeroObject } from './zero-objects';

const T1 = '2025-01-01T00:00:01Z';
const T2 = '2025-01-01T00:00:02Z';
const writer = (manager: string, time = T2, subresource?: string): Writer => ({
  manager,
  apiVersion: 'apps/v1',
  time,
  ...(subresource ? { subresource } : {}),
});
const notStatus = (field: string) => field !== 'status';

/** What `kubectl create deployment web --image=nginx` stores, after defaulting. */
const created = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'ns',
    uid: 'u',
    creationTimestamp: T1,
    generation: 1,
    labels: { app: 'web' },
  },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }], restartPolicy: 'Always' },
    },
  },
  status: {},
};

describe('compareObjects (structured-merge-diff Compare)', () => {
  it('gives a create the shape kube records: `.` where the zero object had no map or list', () => {
    const { changed, removed } = compareObjects(zeroObject('Deployment'), created, 'Deployment', notStatus);
    expect(removed).toBeUndefined();
    expect(changed).toEqual({
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:strategy': {
          'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} },
          'f:type': {},
        },
        'f:template': {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:resources': {} },
            },
            'f:restartPolicy': {},
          },
        },
      },
    });
  });

  it('sees a changed image, an added annotation map and a removed field', () => {
    const next = structuredClone(created) as typeof created & { metadata: { annotations?: object } };
    next.spec.template.spec.containers[0]!.image = 'nginx:2';
    next.metadata.annotations = { note: 'x' };
    delete (next.spec as { replicas?: number }).replicas;
    expect(compareObjects(created, next, 'Deployment', ALL_FIELDS)).toEqual({
      changed: {
        'f:metadata': { 'f:annotations': { '.': {}, 'f:note': {} } },
        'f:spec': {
          'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { 'f:image': {} } } } },
        },
      },
      removed: { 'f:spec': { 'f:replicas': {} } },
    });
  });
});

describe('recordUpdate', () => {
  const creator: ManagedFieldsEntry = {
    manager: 'kubectl-create',
    operation: 'Update',
    apiVersion: 'apps/v1',
    time: T1,
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:spec': { 'f:replicas': {}, 'f:paused': {} } },
  };

  it('adds the writer beside the others and moves the fields it changed to it', () => {
    const entries = recordUpdate(
      [creator],
      { changed: { 'f:spec': { 'f:replicas': {} } } },
      writer('kubectl-edit'),
    );
    expect(entries).toEqual([
      { ...creator, fieldsV1: { 'f:spec': { 'f:paused': {} } } },
      {
        manager: 'kubectl-edit',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: T2,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      },
    ]);
  });

  it('keeps a status writer apart (subresource) and leaves entries alone when nothing changed', () => {
    const status = recordUpdate(
      [creator],
      { changed: { 'f:status': { 'f:replicas': {} } } },
      writer('kcm', T2, 'status'),
    );
    expect(status[1]).toMatchObject({ manager: 'kcm', subresource: 'status' });
    expect(recordUpdate(status, {}, writer('kcm', '2025-01-01T00:00:09Z', 'status'))).toEqual(status);
  });

  it('drops a manager left with nothing, and the fields a write removed', () => {
    const entries = recordUpdate(
      [creator],
      { removed: { 'f:spec': { 'f:replicas': {}, 'f:paused': {} } } },
      writer('x'),
    );
    expect(entries).toEqual([]);
  });

  it('merges the oldest of more than ten updaters into ancient-changes', () => {
    const many: ManagedFieldsEntry[] = Array.from({ length: 10 }, (_, i) => ({
      manager: `m${i}`,
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: `2025-01-01T00:00:${String(10 + i)}Z`,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:labels': { [`f:l${i}`]: {} } } },
    }));
    const entries = recordUpdate(
      many,
      { changed: { 'f:spec': { 'f:replicas': {} } } },
      writer('new', '2025-01-01T00:01:00Z'),
    );
    expect(entries).toHaveLength(11);
    expect(entries.map((entry) => entry.manager)).not.toContain('m0');
    expect(entries.find((entry) => entry.manager === 'ancient-changes')?.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:l0': {} } },
    });
  });
});

describe('recordApply', () => {
  const editor: ManagedFieldsEntry = {
    manager: 'kubectl-edit',
    operation: 'Update',
    apiVersion: 'apps/v1',
    time: T1,
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:spec': { 'f:replicas': {} }, 'f:metadata': { 'f:annotations': { 'f:a': {} } } },
  };
  const applied = { 'f:spec': { 'f:replicas': {} } };

  it('reports the changed fields another manager owns as conflicts', () => {
    const outcome = recordApply([editor], { changed: applied }, applied, writer('cite'), false);
    expect(outcome).toEqual({ conflicts: [{ owner: editor, fields: applied }] });
  });

  it('takes them when forced; the other manager keeps the rest', () => {
    const outcome = recordApply([editor], { changed: applied }, applied, writer('cite'), true);
    expect(outcome).toEqual({
      entries: [
        {
          manager: 'cite',
          operation: 'Apply',
          apiVersion: 'apps/v1',
          time: T2,
          fieldsType: 'FieldsV1',
          fieldsV1: applied,
        },
        { ...editor, fieldsV1: { 'f:metadata': { 'f:annotations': { 'f:a': {} } } } },
      ],
    });
  });

  it('shares a field applied with the value it already has (no change, no conflict, no new time)', () => {
    const outcome = recordApply([editor], {}, applied, writer('cite'), false);
    expect(outcome).toEqual({
      entries: [
        {
          manager: 'cite',
          operation: 'Apply',
          apiVersion: 'apps/v1',
          fieldsType: 'FieldsV1',
          fieldsV1: applied,
        },
        editor,
      ],
    });
  });
});
