import { T0, node } from '../testing/fixtures';
import type { Lease } from '../kit/wire';
import { desiredNodeLease, reconcileNodeLease } from './node-lease';

const registered = { ...node('n1'), metadata: { name: 'n1', uid: 'node-uid' } };
const HEARTBEAT = 10_000;

const lease = (renewedAt: number, extra: Partial<NonNullable<Lease['metadata']>> = {}): Lease => ({
  ...desiredNodeLease('n1', registered, renewedAt),
  metadata: { ...desiredNodeLease('n1', registered, renewedAt).metadata, resourceVersion: '42', ...extra },
});

describe('desiredNodeLease', () => {
  it('is held by the node for 40 s, owned by the Node, renewed now in microseconds', () => {
    expect(desiredNodeLease('n1', registered, T0 + 1234)).toEqual({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: 'n1',
        namespace: 'kube-node-lease',
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'node-uid' }],
      },
      spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: '2025-01-01T00:00:01.234000Z' },
    });
  });

  it('has no owner while the Node is not known', () => {
    expect(desiredNodeLease('n1', undefined, T0).metadata?.ownerReferences).toBeUndefined();
  });
});

describe('reconcileNodeLease', () => {
  const input = (observed: Lease | undefined, secondsLater: number) => ({
    nodeName: 'n1',
    node: registered,
    observed,
    now: T0 + secondsLater * 1000,
    heartbeatMs: HEARTBEAT,
  });

  it.each([
    ['absent: created', undefined, 0, 'create', 10],
    ['renewed 9.999 s ago: left alone', lease(T0 - 9999), 0, undefined, 0.001],
    ['renewed 10 s ago: renewed', lease(T0), 10, 'renew', 20],
    ['renewed long ago (registration, a stopped kubelet): renewed', lease(T0), 600, 'renew', 610],
  ])('%s', (_case, observed, secondsLater, action, renewInSeconds) => {
    const decision = reconcileNodeLease(input(observed, secondsLater));
    expect(decision.action?.type).toBe(action);
    expect(decision.renewAt).toBe(T0 + renewInSeconds * 1000);
  });

  it('renews the lease it holds: same resourceVersion, new renewTime, holder and owner put back', () => {
    const stray = lease(T0, { ownerReferences: [] });
    stray.spec = { ...stray.spec, holderIdentity: 'someone-else', leaseDurationSeconds: 15 };
    const { action } = reconcileNodeLease(input(stray, 30));
    expect(action).toEqual({
      type: 'renew',
      lease: {
        ...stray,
        metadata: {
          ...stray.metadata,
          ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'node-uid' }],
        },
        spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: '2025-01-01T00:00:30.000000Z' },
      },
    });
  });
});
