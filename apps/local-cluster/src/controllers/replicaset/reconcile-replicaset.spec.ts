import { T0, at, pod, replicaSet } from '../testing/fixtures';
import type { Pod } from '../kit/wire';
import { podsToDelete } from './pod-ranking';
import { reconcileReplicaSet } from './reconcile-replicaset';

const rs = (replicas: number, extra: { minReadySeconds?: number; deleting?: boolean } = {}) => {
  const set = replicaSet({ name: 'web-abc', replicas, hash: 'abc' });
  set.spec!.minReadySeconds = extra.minReadySeconds ?? 0;
  if (extra.deleting) set.metadata!.deletionTimestamp = at(5);
  return set;
};
const owned = (
  name: string,
  extra: Parameters<typeof pod>[0] extends infer P ? Partial<P> : never = {},
): Pod =>
  pod({
    name,
    ownerUid: 'web-abc-uid',
    labels: { app: 'web', 'pod-template-hash': 'abc' },
    node: 'n1',
    ready: true,
    ...extra,
  });

describe('reconcileReplicaSet', () => {
  it('creates the missing pods from the template, with a generated name and the controller reference', () => {
    const { actions, status } = reconcileReplicaSet(rs(3), [owned('a')], T0);
    expect(actions).toHaveLength(1);
    const [create] = actions;
    expect(create).toMatchObject({ type: 'createPods', count: 2 });
    const template = (create as { pod: Pod }).pod;
    expect(template.metadata).toMatchObject({
      generateName: 'web-abc-',
      labels: { app: 'web', 'pod-template-hash': 'abc' },
      ownerReferences: [
        {
          kind: 'ReplicaSet',
          name: 'web-abc',
          uid: 'web-abc-uid',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    });
    expect(status).toMatchObject({
      replicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      observedGeneration: 1,
    });
  });

  it('deletes the surplus, not-ready and unscheduled pods first, and counts them out of the status', () => {
    const pods = [
      owned('ready-old', { created: 1 }),
      owned('not-ready', { ready: false }),
      owned('unscheduled', { node: undefined, ready: false, phase: 'Pending' }),
    ];
    const { actions, status } = reconcileReplicaSet(rs(1), pods, T0);
    expect(actions).toEqual([{ type: 'deletePods', pods: [pods[2], pods[1]] }]);
    expect(status.replicas).toBe(1);
  });

  it('ignores terminating and finished pods, and pods of other owners', () => {
    const pods = [
      owned('a'),
      owned('going', { deleting: true }),
      owned('done', { phase: 'Succeeded' }),
      pod({ name: 'other', ownerUid: 'someone-else', labels: { app: 'web', 'pod-template-hash': 'abc' } }),
    ];
    expect(reconcileReplicaSet(rs(1), pods, T0).actions).toEqual([]);
  });

  it('adopts matching orphans and releases owned pods that no longer match', () => {
    const orphan = pod({
      name: 'orphan',
      labels: { app: 'web', 'pod-template-hash': 'abc' },
      node: 'n1',
      ready: true,
    });
    const stray = owned('stray', { labels: { app: 'other' } });
    const { actions } = reconcileReplicaSet(rs(1), [orphan, stray], T0);
    expect(actions.map((a) => `${a.type} ${'pod' in a ? a.pod.metadata?.name : ''}`)).toEqual([
      'adoptPod orphan',
      'releasePod stray',
    ]);
    const adopt = actions.find((a) => a.type === 'adoptPod') as { ownerReferences: { uid: string }[] };
    expect(adopt.ownerReferences.map((ref) => ref.uid)).toEqual(['web-abc-uid']);
  });

  it('does not manage pods of a ReplicaSet being deleted', () => {
    expect(reconcileReplicaSet(rs(3, { deleting: true }), [], T0).actions).toEqual([]);
  });

  it('counts pods available only after minReadySeconds, and asks to look again then', () => {
    const pods = [owned('a', { readySince: 0 }), owned('b', { readySince: 8 })];
    const decision = reconcileReplicaSet(rs(2, { minReadySeconds: 5 }), pods, T0 + 10_000);
    expect(decision.status).toMatchObject({ readyReplicas: 2, availableReplicas: 1 });
    expect(decision.requeueAfterMs).toBe(3000);
  });

  it('counts fully labeled replicas', () => {
    const partial = owned('partial');
    const set = rs(2);
    set.spec!.template!.metadata!.labels = { app: 'web', 'pod-template-hash': 'abc', extra: 'x' };
    expect(
      reconcileReplicaSet(
        set,
        [partial, owned('b', { labels: { app: 'web', 'pod-template-hash': 'abc', extra: 'x' } })],
        T0,
      ).status.fullyLabeledReplicas,
    ).toBe(1);
  });
});

describe('podsToDelete (ActivePodsWithRanks)', () => {
  it.each([
    ['unassigned first', [owned('assigned'), owned('free', { node: undefined })], 'free'],
    ['pending before running', [owned('running'), owned('pending', { phase: 'Pending' })], 'pending'],
    ['not ready before ready', [owned('ready'), owned('unready', { ready: false })], 'unready'],
    ['more restarts first', [owned('calm'), owned('restarts', { restarts: 3 })], 'restarts'],
    [
      'ready for less time first',
      [owned('old', { readySince: 1 }), owned('fresh', { readySince: 9 })],
      'fresh',
    ],
    ['newer first', [owned('older', { created: 1 }), owned('newer', { created: 5 })], 'newer'],
  ])('%s', (_name, pods, expected) => {
    expect(podsToDelete(pods, 1).map((p) => p.metadata?.name)).toEqual([expected]);
  });

  it('prefers pods on crowded nodes', () => {
    const pods = [
      owned('alone', { node: 'n2' }),
      owned('crowd-1', { node: 'n1' }),
      owned('crowd-2', { node: 'n1' }),
    ];
    expect(podsToDelete(pods, 1)[0]?.spec?.nodeName).toBe('n1');
  });
});
