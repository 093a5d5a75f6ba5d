import type { KubeObject, OwnerReference } from '../kit/wire';
import { type OwnerLookup, reconcileGarbage } from './reconcile-gc';

const ref = (name: string, extra: Partial<OwnerReference> = {}): OwnerReference => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  name,
  uid: `${name}-uid`,
  controller: true,
  blockOwnerDeletion: true,
  ...extra,
});
const object = (name: string, meta: KubeObject['metadata'] = {}): KubeObject => ({
  metadata: { name, namespace: 'ns', uid: `${name}-uid`, resourceVersion: '1', ...meta },
});
const lookup =
  (owners: KubeObject[], unknownKinds: string[] = []): OwnerLookup =>
  (r) =>
    unknownKinds.includes(r.kind) ? 'unknown' : (owners.find((o) => o.metadata?.name === r.name) ?? null);

describe('reconcileGarbage', () => {
  it('deletes a dependent whose owner is gone (background)', () => {
    const pod = object('p', { ownerReferences: [ref('rs')] });
    expect(reconcileGarbage(pod, lookup([]), [])).toEqual([
      { type: 'delete', object: pod, propagationPolicy: 'Background', absentOwners: [ref('rs')] },
    ]);
  });

  it('treats an owner of the same name but another uid as gone', () => {
    const pod = object('p', { ownerReferences: [ref('rs')] });
    const successor = object('rs', { uid: 'new-uid' });
    expect(reconcileGarbage(pod, lookup([successor]), [])[0]).toMatchObject({ type: 'delete' });
  });

  it('keeps a dependent with a live owner; only drops the dangling reference', () => {
    const pod = object('p', { ownerReferences: [ref('rs'), ref('gone', { controller: false })] });
    const actions = reconcileGarbage(pod, lookup([object('rs')]), []);
    expect(actions).toEqual([
      {
        type: 'setOwnerReferences',
        object: pod,
        ownerReferences: [ref('rs')],
        absentOwners: [ref('gone', { controller: false })],
      },
    ]);
    expect(
      reconcileGarbage(object('q', { ownerReferences: [ref('rs')] }), lookup([object('rs')]), []),
    ).toEqual([]);
  });

  it('never collects through owners of kinds it does not watch', () => {
    const pod = object('p', { ownerReferences: [ref('job', { kind: 'Job' })] });
    expect(reconcileGarbage(pod, lookup([], ['Job']), [])).toEqual([]);
  });

  it('deletes in the foreground a dependent that has dependents of its own while its owner waits', () => {
    const deleting = object('d', {
      deletionTimestamp: '2025-01-01T00:00:00Z',
      finalizers: ['foregroundDeletion'],
    });
    const rs = object('rs', { ownerReferences: [ref('d', { kind: 'Deployment' })] });
    const pod = object('p', { ownerReferences: [ref('rs')] });
    expect(reconcileGarbage(rs, lookup([deleting]), [pod])[0]).toMatchObject({
      type: 'delete',
      propagationPolicy: 'Foreground',
    });
    expect(reconcileGarbage(rs, lookup([deleting]), [])[0]).toMatchObject({
      type: 'delete',
      propagationPolicy: 'Background',
    });
  });

  it('releases a foreground owner once no blocking dependent is left', () => {
    const owner = object('rs', {
      deletionTimestamp: '2025-01-01T00:00:00Z',
      finalizers: ['foregroundDeletion'],
    });
    const blocking = object('p', { ownerReferences: [ref('rs')] });
    const nonBlocking = object('q', { ownerReferences: [ref('rs', { blockOwnerDeletion: false })] });
    expect(reconcileGarbage(owner, lookup([]), [blocking])).toEqual([]);
    expect(reconcileGarbage(owner, lookup([]), [nonBlocking])).toEqual([
      { type: 'removeFinalizer', object: owner, finalizer: 'foregroundDeletion' },
    ]);
  });

  it('orphans: takes the owner reference off every dependent, then drops the orphan finalizer', () => {
    const owner = object('rs', { deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['orphan'] });
    const pod = object('p', { ownerReferences: [ref('rs'), ref('other', { controller: false })] });
    expect(reconcileGarbage(owner, lookup([]), [pod])).toEqual([
      {
        type: 'setOwnerReferences',
        object: pod,
        ownerReferences: [ref('other', { controller: false })],
        absentOwners: [],
      },
      { type: 'removeFinalizer', object: owner, finalizer: 'orphan' },
    ]);
  });

  it('leaves objects being deleted without GC finalizers alone', () => {
    const going = object('p', { deletionTimestamp: '2025-01-01T00:00:00Z', ownerReferences: [ref('rs')] });
    expect(reconcileGarbage(going, lookup([]), [])).toEqual([]);
  });

  it('unblocks references to owners waiting for dependents when another owner stays', () => {
    const waiting = object('a', {
      deletionTimestamp: '2025-01-01T00:00:00Z',
      finalizers: ['foregroundDeletion'],
    });
    const pod = object('p', { ownerReferences: [ref('a', { controller: false }), ref('b')] });
    const [action] = reconcileGarbage(pod, lookup([waiting, object('b')]), []);
    expect(action).toMatchObject({
      type: 'setOwnerReferences',
      ownerReferences: [ref('a', { controller: false, blockOwnerDeletion: false }), ref('b')],
    });
  });
});
