import { node, pod } from '../testing/fixtures';
import type { Node, Pod } from '../kit/wire';
import { type NodeInfo, needsScheduling, schedulePod, unschedulableConditions } from './schedule';

const info = (n: Node, pods: Pod[] = []): NodeInfo => ({ node: n, pods });

describe('schedulePod', () => {
  it('spreads by least allocated: an empty node beats a busy one', () => {
    const busy = info(node('a'), [pod({ name: 'x', node: 'a' }), pod({ name: 'y', node: 'a' })]);
    const empty = info(node('b'));
    expect(schedulePod(pod({ name: 'p' }), [busy, empty])).toEqual({ type: 'bind', nodeName: 'b' });
  });

  it('breaks ties by name so the choice is deterministic', () => {
    expect(schedulePod(pod({ name: 'p' }), [info(node('b')), info(node('a'))])).toEqual({
      type: 'bind',
      nodeName: 'a',
    });
  });

  it('counts requests of the pods already on a node', () => {
    const full = info(node('a', { cpu: '2', memory: '4Gi', pods: '110' }), [
      pod({ name: 'x', node: 'a', requests: { cpu: '1500m' } }),
    ]);
    const free = info(node('b', { cpu: '2', memory: '4Gi', pods: '110' }));
    expect(schedulePod(pod({ name: 'p', requests: { cpu: '1' } }), [full, free])).toEqual({
      type: 'bind',
      nodeName: 'b',
    });
  });

  it.each([
    ['cpu', { cpu: '9' }, '0/2 nodes are available: 2 Insufficient cpu.'],
    ['memory', { memory: '64Gi' }, '0/2 nodes are available: 2 Insufficient memory.'],
    [
      'both',
      { cpu: '9', memory: '64Gi' },
      '0/2 nodes are available: 2 Insufficient cpu, 2 Insufficient memory.',
    ],
  ])('reports insufficient %s the way kube-scheduler does', (_name, requests, message) => {
    expect(schedulePod(pod({ name: 'p', requests }), [info(node('a')), info(node('b'))])).toEqual({
      type: 'unschedulable',
      message,
    });
  });

  it('respects max pods', () => {
    const tiny = info(node('a', { cpu: '8', memory: '8Gi', pods: '1' }), [pod({ name: 'x', node: 'a' })]);
    expect(schedulePod(pod({ name: 'p' }), [tiny])).toEqual({
      type: 'unschedulable',
      message: '0/1 nodes are available: 1 Too many pods.',
    });
  });

  it('mixes reasons, counted and sorted', () => {
    const unschedulable = node('a');
    unschedulable.spec = { unschedulable: true };
    const notReady = node('b');
    notReady.status!.conditions = [{ type: 'Ready', status: 'False' }];
    const result = schedulePod(pod({ name: 'p', requests: { cpu: '100' } }), [
      info(unschedulable),
      info(notReady),
      info(node('c')),
    ]);
    expect(result).toEqual({
      type: 'unschedulable',
      message:
        '0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable.',
    });
  });

  it('honours nodeSelector and required node affinity', () => {
    const a = node('a');
    const b = node('b');
    b.metadata!.labels = { ...b.metadata!.labels, disk: 'ssd' };
    const selecting = pod({ name: 'p' });
    selecting.spec!.nodeSelector = { disk: 'ssd' };
    expect(schedulePod(selecting, [info(a), info(b)])).toEqual({ type: 'bind', nodeName: 'b' });
    const affine = pod({ name: 'q' });
    affine.spec!.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'NotIn', values: ['ssd'] }] }],
        },
      },
    };
    expect(schedulePod(affine, [info(b), info(a)])).toEqual({ type: 'bind', nodeName: 'a' });
  });

  it('tolerates taints the pod tolerates', () => {
    const tainted = node('a');
    tainted.spec = { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] };
    expect(schedulePod(pod({ name: 'p' }), [info(tainted)]).type).toBe('unschedulable');
    const tolerant = pod({ name: 'p' });
    tolerant.spec!.tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }];
    expect(schedulePod(tolerant, [info(tainted)])).toEqual({ type: 'bind', nodeName: 'a' });
  });
});

describe('needsScheduling and the Unschedulable condition', () => {
  it('picks unbound, live pods for the default scheduler', () => {
    expect(needsScheduling(pod({ name: 'p' }))).toBe(true);
    expect(needsScheduling(pod({ name: 'p', node: 'a' }))).toBe(false);
    expect(needsScheduling(pod({ name: 'p', deleting: true }))).toBe(false);
    const other = pod({ name: 'p' });
    other.spec!.schedulerName = 'custom';
    expect(needsScheduling(other)).toBe(false);
  });

  it('sets PodScheduled=False/Unschedulable once per message', () => {
    const status = unschedulableConditions(pod({ name: 'p' }), 'msg', '2025-01-01T00:00:00Z');
    expect(status?.conditions).toContainEqual(
      expect.objectContaining({
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message: 'msg',
      }),
    );
    const again = pod({ name: 'p' });
    again.status = status;
    expect(unschedulableConditions(again, 'msg', '2025-01-01T00:01:00Z')).toBeUndefined();
  });
});
