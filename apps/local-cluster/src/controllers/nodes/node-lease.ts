/**
 * The kubelet's heartbeat: its node's Lease in kube-node-lease (kubelet's nodelease controller). Held by the
 * node (holderIdentity = node name), 40 s long, owned by the Node, created when absent and renewed every
 * `heartbeatMs` (kube: a quarter of the duration, 10 s). `reconcileNodeLease` says what to write and when to
 * look again.
 */
import { microTime, parseTime } from '../kit/time';
import type { Lease, Node } from '../kit/wire';

/** kubelet's nodeLeaseDurationSeconds. */
export const NODE_LEASE_DURATION_SECONDS = 40;
/** kubelet's renew interval: a quarter of the lease duration. */
export const DEFAULT_HEARTBEAT_MS = 10_000;

export type LeaseAction = { type: 'create'; lease: Lease } | { type: 'renew'; lease: Lease };

export interface LeaseDecision {
  action?: LeaseAction;
  /** When the lease is next due for renewal (ms since epoch). */
  renewAt: number;
}

export interface LeaseInput {
  nodeName: string;
  /** The Node, for the owner reference (absent: the lease is written without one, as the kubelet does). */
  node: Node | undefined;
  observed: Lease | undefined;
  now: number;
  heartbeatMs: number;
}

function ownerReferencesFor(nodeName: string, node: Node | undefined) {
  const uid = node?.metadata?.uid;
  return uid ? [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid }] : undefined;
}

/** A fresh Lease for the node, renewed `now`. */
export function desiredNodeLease(nodeName: string, node: Node | undefined, now: number): Lease {
  const ownerReferences = ownerReferencesFor(nodeName, node);
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: nodeName,
      namespace: 'kube-node-lease',
      ...(ownerReferences ? { ownerReferences } : {}),
    },
    spec: {
      holderIdentity: nodeName,
      leaseDurationSeconds: NODE_LEASE_DURATION_SECONDS,
      renewTime: microTime(now),
    },
  };
}

export function reconcileNodeLease(input: LeaseInput): LeaseDecision {
  const { nodeName, node, observed, now, heartbeatMs } = input;
  const next = now + heartbeatMs;
  if (!observed)
    return { action: { type: 'create', lease: desiredNodeLease(nodeName, node, now) }, renewAt: next };
  const last = parseTime(observed.spec?.renewTime);
  if (last !== undefined && last + heartbeatMs > now) return { renewAt: last + heartbeatMs };
  // The kubelet renews the lease it holds, putting back what it owns: holder, duration, owner.
  const ownerReferences = observed.metadata?.ownerReferences?.length
    ? observed.metadata.ownerReferences
    : ownerReferencesFor(nodeName, node);
  const lease: Lease = {
    ...observed,
    metadata: { ...observed.metadata, ...(ownerReferences ? { ownerReferences } : {}) },
    spec: {
      ...observed.spec,
      holderIdentity: nodeName,
      leaseDurationSeconds: NODE_LEASE_DURATION_SECONDS,
      renewTime: microTime(now),
    },
  };
  return { action: { type: 'renew', lease }, renewAt: next };
}
