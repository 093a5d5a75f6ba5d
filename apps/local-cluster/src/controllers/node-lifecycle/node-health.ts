/**
 * What the node lifecycle controller remembers of each node (kube's nodeHealthData): when it last heard from the
 * node's kubelet, by its own clock. Hearing means a new Ready lastHeartbeatTime (a posted node status) or a later
 * Lease renewTime; the times themselves are only compared with what was seen before, never with the
 * controller's clock, so a kubelet's clock skew does not matter and a restarted controller gives every node a
 * full grace period.
 */
import { nodeCondition } from '../kit/taints';
import { parseTime } from '../kit/time';
import type { Lease, Node } from '../kit/wire';

export interface NodeHealth {
  /** When the controller last heard from the kubelet (ms, the controller's clock). */
  probeTimestamp: number;
  /** Whether the node had a Ready condition when last observed. */
  hadReady: boolean;
  /** The Ready condition's lastHeartbeatTime last observed. */
  readyHeartbeat?: string;
  /** The Lease's renewTime last observed. */
  renewTime?: string;
}

/** `saved` brought up to date with the node and its Lease as they are `now` (tryUpdateNodeHealth's bookkeeping). */
export function observeNodeHealth(
  saved: NodeHealth | undefined,
  node: Node,
  lease: Lease | undefined,
  now: number,
): NodeHealth {
  const ready = nodeCondition(node, 'Ready');
  let health: NodeHealth;
  if (!ready) {
    // The kubelet never posted status: the node counts from its creation (nodeStartupGracePeriod applies).
    const created = parseTime(node.metadata?.creationTimestamp) ?? now;
    health = saved ? { ...saved, hadReady: false } : { probeTimestamp: created, hadReady: false };
  } else if (!saved || !saved.hadReady || saved.readyHeartbeat !== ready.lastHeartbeatTime) {
    health = { ...saved, probeTimestamp: now, hadReady: true, readyHeartbeat: ready.lastHeartbeatTime };
  } else {
    health = saved;
  }
  const renewed = parseTime(lease?.spec?.renewTime);
  const before = parseTime(health.renewTime);
  if (renewed !== undefined && (before === undefined || renewed > before))
    health = { ...health, probeTimestamp: now, renewTime: lease?.spec?.renewTime };
  return health;
}
