import { T0, at, node as baseNode, pod } from '../testing/fixtures';
import type { Lease, Node, Taint } from '../kit/wire';
import { type NodeHealth, observeNodeHealth } from './node-health';
import {
  type NoExecuteTainting,
  desiredTaints,
  noExecuteTaintingFor,
  podNotReadyCondition,
  reconcileNodeLifecycle,
  zoneState,
} from './reconcile-node-lifecycle';

const GRACE = 50_000;
const ms = (seconds: number) => T0 + seconds * 1000;

/** A node whose kubelet last posted status at `heartbeat` seconds, Ready as given, pressure conditions False. */
function node(ready: string | null, heartbeat = 0, taints: Taint[] = [], name = 'n1'): Node {
  const n = baseNode(name);
  n.metadata = { ...n.metadata, uid: `${name}-uid`, resourceVersion: '9', creationTimestamp: at(-100) };
  n.spec = taints.length > 0 ? { taints } : {};
  const condition = (type: string, status: string) => ({
    type,
    status,
    reason: 'Kubelet',
    message: 'kubelet says so',
    lastHeartbeatTime: at(heartbeat),
    lastTransitionTime: at(-100),
  });
  n.status!.conditions = [
    condition('MemoryPressure', 'False'),
    condition('DiskPressure', 'False'),
    condition('PIDPressure', 'False'),
    ...(ready === null ? [] : [condition('Ready', ready)]),
  ];
  return n;
}

const lease = (renewedAtSeconds: number): Lease => ({
  metadata: { name: 'n1', namespace: 'kube-node-lease' },
  spec: {
    holderIdentity: 'n1',
    leaseDurationSeconds: 40,
    renewTime: new Date(ms(renewedAtSeconds)).toISOString(),
  },
});

describe('observeNodeHealth', () => {
  const seen: NodeHealth = {
    probeTimestamp: ms(0),
    hadReady: true,
    readyHeartbeat: at(0),
    renewTime: lease(0).spec!.renewTime,
  };

  it.each<[string, NodeHealth | undefined, Node, Lease | undefined, number]>([
    ['a node seen for the first time counts from now', undefined, node('True'), lease(-500), 70],
    ['nothing new: the probe stays', seen, node('True'), lease(0), 0],
    ['a renewed lease is news', seen, node('True'), lease(10), 70],
    ['an older lease is not', seen, node('True'), lease(-10), 0],
    ['a new Ready heartbeat is news', seen, node('True', 60), lease(0), 70],
    ['a node that never posted status counts from its creation', undefined, node(null), undefined, -100],
  ])('%s', (_case, saved, n, l, probeSeconds) => {
    expect(observeNodeHealth(saved, n, l, ms(70)).probeTimestamp).toBe(ms(probeSeconds));
  });

  it('ignores the kubelet clock: a renewTime far in the past counts when it is newer than the last seen', () => {
    const health = observeNodeHealth(undefined, node('True'), lease(-1000), ms(70));
    expect(observeNodeHealth(health, node('True'), lease(-990), ms(80)).probeTimestamp).toBe(ms(80));
    expect(observeNodeHealth(health, node('True'), lease(-1000), ms(80)).probeTimestamp).toBe(ms(70));
  });
});

describe('reconcileNodeLifecycle', () => {
  const heard = (seconds: number): NodeHealth => ({ probeTimestamp: ms(seconds), hadReady: true });
  const run = (n: Node, probeSeconds: number, nowSeconds: number, noExecute: NoExecuteTainting = 'add') =>
    reconcileNodeLifecycle({
      node: n,
      health: heard(probeSeconds),
      now: ms(nowSeconds),
      gracePeriodMs: GRACE,
      noExecute,
    });

  it('leaves a node it heard from within the grace period alone, and says when it goes stale', () => {
    expect(run(node('True'), 0, 50)).toEqual({
      notReadyEvent: false,
      markPodsNotReady: false,
      staleAt: ms(50),
    });
  });

  it('marks a silent node Unknown, records NodeNotReady, marks its pods and taints it unreachable', () => {
    const decision = run(node('True'), 0, 50.001);
    expect(decision.notReadyEvent).toBe(true);
    expect(decision.markPodsNotReady).toBe(true);
    expect(decision.staleAt).toBeUndefined();
    expect(decision.conditions).toEqual(
      ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'].map((type) => ({
        type,
        status: 'Unknown',
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
        lastHeartbeatTime: at(0),
        lastTransitionTime: at(50),
      })),
    );
    expect(decision.taints).toEqual([
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: at(50) },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: at(50) },
    ]);
  });

  it('writes nothing more for a node it marked already (idempotent)', () => {
    const marked = node('Unknown', 0, [
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: at(50) },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: at(50) },
    ]);
    marked.status!.conditions = marked.status!.conditions!.map((c) => ({ ...c, status: 'Unknown' }));
    expect(run(marked, 0, 120)).toEqual({ notReadyEvent: false, markPodsNotReady: false });
  });

  it('marks pods again after a failed attempt while the node is not Ready', () => {
    const decision = reconcileNodeLifecycle({
      node: node('Unknown'),
      health: heard(0),
      now: ms(60),
      gracePeriodMs: GRACE,
      noExecute: 'add',
      retryMarkPods: true,
    });
    expect(decision.markPodsNotReady).toBe(true);
    expect(decision.notReadyEvent).toBe(false);
  });

  it('untaints a node whose kubelet posted Ready again', () => {
    const back = node('True', 90, [
      { key: 'dedicated', value: 'db', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: at(50) },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: at(50) },
    ]);
    expect(run(back, 90, 91)).toMatchObject({
      taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }],
      notReadyEvent: false,
    });
  });

  it('gives a node that never posted status the startup grace period, then NodeStatusNeverUpdated', () => {
    const silent = node(null);
    silent.status!.conditions = [];
    const health = observeNodeHealth(undefined, silent, undefined, ms(0));
    const input = { node: silent, health, gracePeriodMs: GRACE, noExecute: 'add' as const };
    expect(reconcileNodeLifecycle({ ...input, now: ms(-40) }).staleAt).toBe(ms(-40));
    const decision = reconcileNodeLifecycle({ ...input, now: ms(0) });
    expect(decision.conditions?.find((c) => c.type === 'Ready')).toEqual({
      type: 'Ready',
      status: 'Unknown',
      reason: 'NodeStatusNeverUpdated',
      message: 'Kubelet never posted node status.',
      lastHeartbeatTime: at(-100),
      lastTransitionTime: at(0),
    });
    expect(decision.notReadyEvent).toBe(false);
  });
});

describe('desiredTaints', () => {
  const unreachable = (effect: string, t = 10): Taint => ({
    key: 'node.kubernetes.io/unreachable',
    effect,
    timeAdded: at(t),
  });
  const notReady = (effect: string, t = 10): Taint => ({
    key: 'node.kubernetes.io/not-ready',
    effect,
    timeAdded: at(t),
  });

  it.each<[string, string, Taint[], NoExecuteTainting, Taint[] | undefined]>([
    [
      'Unknown taints unreachable',
      'Unknown',
      [],
      'add',
      [unreachable('NoSchedule', 60), unreachable('NoExecute', 60)],
    ],
    ['False taints not-ready', 'False', [], 'add', [notReady('NoSchedule', 60), notReady('NoExecute', 60)]],
    [
      'existing taints keep their time',
      'Unknown',
      [unreachable('NoExecute'), unreachable('NoSchedule')],
      'add',
      undefined,
    ],
    [
      'not-ready swaps to unreachable',
      'Unknown',
      [notReady('NoSchedule'), notReady('NoExecute')],
      'keep',
      [unreachable('NoSchedule', 60), unreachable('NoExecute', 60)],
    ],
    ['a disrupted zone gets no new NoExecute taint', 'Unknown', [], 'keep', [unreachable('NoSchedule', 60)]],
    [
      'a fully disrupted cluster loses its NoExecute taints',
      'Unknown',
      [unreachable('NoSchedule'), unreachable('NoExecute')],
      'remove',
      [unreachable('NoSchedule')],
    ],
    ['True clears them', 'True', [notReady('NoSchedule'), unreachable('NoExecute')], 'add', []],
    ['True with nothing to clear writes nothing', 'True', [], 'add', undefined],
  ])('%s', (_case, ready, taints, noExecute, expected) => {
    expect(desiredTaints(node(ready, 0, taints), ready, noExecute, ms(60))).toEqual(expected);
  });

  it('adds the unschedulable taint to a cordoned node and removes it when uncordoned', () => {
    const cordoned = node('True');
    cordoned.spec = { unschedulable: true };
    const taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: at(60) };
    expect(desiredTaints(cordoned, 'True', 'add', ms(60))).toEqual([taint]);
    expect(desiredTaints(node('True', 0, [taint]), 'True', 'add', ms(70))).toEqual([]);
  });
});

describe('zones', () => {
  const nodes = (ready: number, notReady: number, zone?: string): Node[] =>
    [...Array(ready).fill('True'), ...Array(notReady).fill('Unknown')].map((status, i) => {
      const n = node(status as string, 0, [], `${zone ?? 'z'}-${i}`);
      if (zone) n.metadata!.labels = { ...n.metadata!.labels, 'topology.kubernetes.io/zone': zone };
      return n;
    });

  it.each([
    [10, 0, 'normal'],
    [9, 1, 'normal'],
    [7, 3, 'normal'],
    [4, 6, 'partialDisruption'],
    [1, 2, 'normal'],
    [0, 10, 'fullDisruption'],
  ])('%i Ready and %i not: %s', (ready, notReady, state) => {
    expect(zoneState(nodes(ready, notReady))).toBe(state);
  });

  it('taints as usual with one node down, not in a disrupted small zone, and lifts all when every zone is down', () => {
    const one = nodes(9, 1);
    expect(noExecuteTaintingFor(one[9]!, one)).toBe('add');
    const most = nodes(4, 6);
    expect(noExecuteTaintingFor(most[9]!, most)).toBe('keep');
    const all = [...nodes(0, 3, 'a'), ...nodes(0, 3, 'b')];
    expect(noExecuteTaintingFor(all[0]!, all)).toBe('remove');
    const oneZoneDown = [...nodes(0, 3, 'a'), ...nodes(3, 0, 'b')];
    expect(noExecuteTaintingFor(oneZoneDown[0]!, oneZoneDown)).toBe('add');
  });
});

describe('podNotReadyCondition', () => {
  it.each([
    ['a Ready pod turns False, now', true, { type: 'Ready', status: 'False', lastTransitionTime: at(60) }],
    ['a pod that is not Ready is left alone', false, undefined],
    ['a pod without a Ready condition is left alone', undefined, undefined],
  ])('%s', (_case, ready, expected) => {
    expect(podNotReadyCondition(pod({ name: 'p', node: 'n1', ready }), ms(60))).toEqual(expected);
  });
});
