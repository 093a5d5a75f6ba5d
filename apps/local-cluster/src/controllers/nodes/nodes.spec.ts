import { DEFAULT_POOL, validatePool } from '@cite/ip-pool';
import { T0 } from '../testing/fixtures';
import { DEFAULT_NODE_CAPACITY, desiredNode, maxPodsFor, nextReportAt, reconcileNode } from './nodes';

const pool = validatePool(DEFAULT_POOL);
const first = pool.nodes[0]!;

describe('desiredNode', () => {
  it('registers a pool node with its address, pod CIDR, capacity and Ready', () => {
    const node = desiredNode(first, DEFAULT_NODE_CAPACITY, T0);
    expect(node.metadata?.name).toBe('node-10-60-25-139');
    expect(node.spec?.podCIDR).toBe('10.60.240.0/24');
    expect(node.status?.addresses).toContainEqual({ type: 'InternalIP', address: '10.60.25.139' });
    expect(node.status?.allocatable).toMatchObject({ cpu: '8', memory: '32Gi', pods: '110' });
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'True',
      reason: 'KubeletReady',
    });
  });

  it('caps max pods at what the pod range holds', () => {
    const small = validatePool({
      supernets: ['10.0.0.0/16'],
      ranges: ['10.0.1.0/28'],
      nodes: [{ name: 'n1', address: '10.0.0.5' }],
    });
    expect(maxPodsFor(small.nodes[0]!, DEFAULT_NODE_CAPACITY)).toBe(13);
  });
});

describe('reconcileNode', () => {
  const desired = desiredNode(first, DEFAULT_NODE_CAPACITY, T0);

  it('creates an absent node', () => {
    expect(reconcileNode(desired, undefined)).toEqual([{ type: 'create', node: desired }]);
  });

  it('does nothing when the status matches, keeping condition times', () => {
    const later = desiredNode(first, DEFAULT_NODE_CAPACITY, T0 + 60_000);
    expect(reconcileNode(later, desired)).toEqual([]);
  });

  const report = (seconds: number) => ({ now: T0 + seconds * 1000, statusReportMs: 300_000 });
  const conditionsOf = (action: ReturnType<typeof reconcileNode>[number] | undefined) =>
    ((action as Extract<typeof action, { type: 'patchStatus' }>).patch['status'] as { conditions: unknown[] })
      .conditions as {
      type: string;
      status: string;
      lastHeartbeatTime: string;
      lastTransitionTime: string;
    }[];

  it.each([
    ['not yet, 299 s after the last report', 299, 0],
    ['then, 300 s after the last report', 300, 1],
  ])('posts an unchanged status only when the report is due: %s', (_when, seconds, writes) => {
    const later = desiredNode(first, DEFAULT_NODE_CAPACITY, T0 + seconds * 1000);
    const actions = reconcileNode(later, desired, report(seconds));
    expect(actions).toHaveLength(writes);
    if (writes === 0) return;
    expect(actions[0]).toMatchObject({ type: 'patchStatus', becameReady: false });
    // Every condition's heartbeat is refreshed; transitions keep their time.
    for (const condition of conditionsOf(actions[0])) {
      expect(condition.lastHeartbeatTime).toBe('2025-01-01T00:05:00Z');
      expect(condition.lastTransitionTime).toBe('2025-01-01T00:00:00Z');
    }
    expect(nextReportAt(desired, 300_000)).toBe(T0 + 300_000);
  });

  it('posts Ready back after the node lifecycle controller marked it Unknown, with fresh heartbeats', () => {
    const unknown = structuredClone(desired);
    unknown.status!.conditions = unknown.status!.conditions!.map((c) => ({
      ...c,
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      lastTransitionTime: '2025-01-01T00:00:50Z',
    }));
    const later = desiredNode(first, DEFAULT_NODE_CAPACITY, T0 + 60_000);
    const [action] = reconcileNode(later, unknown, report(60));
    expect(action).toMatchObject({ type: 'patchStatus', becameReady: true });
    expect(conditionsOf(action).find((c) => c.type === 'Ready')).toMatchObject({
      status: 'True',
      reason: 'KubeletReady',
      lastHeartbeatTime: '2025-01-01T00:01:00Z',
      lastTransitionTime: '2025-01-01T00:01:00Z',
    });
  });

  it('patches drifted status fields only', () => {
    const drifted = structuredClone(desired);
    drifted.status!.allocatable = { cpu: '2', memory: '1Gi', pods: '10' };
    drifted.status!.conditions = drifted.status!.conditions!.map((c) =>
      c.type === 'Ready' ? { ...c, status: 'False' } : c,
    );
    const [action] = reconcileNode(desired, drifted);
    expect(action?.type).toBe('patchStatus');
    const patch = (action as Extract<typeof action, { type: 'patchStatus' }>).patch['status'] as Record<
      string,
      unknown
    >;
    expect(Object.keys(patch).sort()).toEqual(['allocatable', 'conditions']);
  });
});
