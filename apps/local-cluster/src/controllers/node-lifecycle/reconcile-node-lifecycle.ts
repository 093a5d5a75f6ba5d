/**
 * kube-controller-manager's node lifecycle controller, for one node at a time: when nothing was heard from the
 * node's kubelet for the grace period (nodeMonitorGracePeriod; nodeStartupGracePeriod for a node that never
 * posted status), its Ready, MemoryPressure, DiskPressure and PIDPressure conditions turn `Unknown`
 * (`NodeStatusUnknown`, "Kubelet stopped posting node status."), the node gets NodeNotReady and its pods
 * Ready=False; and the node's taints follow its Ready condition:
 *
 *   Ready  | NoSchedule (TaintNodesByCondition)   | NoExecute (taint-based eviction)
 *   False  | node.kubernetes.io/not-ready         | node.kubernetes.io/not-ready
 *   Unknown| node.kubernetes.io/unreachable       | node.kubernetes.io/unreachable
 *   True   | —                                    | —
 *
 * plus `node.kubernetes.io/unschedulable:NoSchedule` while `spec.unschedulable`. Added taints carry `timeAdded`.
 * NoExecute taints are not added while the node's zone is disrupted (kube's eviction rate there is 0 for
 * clusters of up to 50 nodes) and are removed from every node when all zones are fully disrupted.
 */
import {
  NOT_READY_TAINT_KEY,
  UNREACHABLE_TAINT_KEY,
  UNSCHEDULABLE_TAINT_KEY,
  nodeCondition,
  sameTaint,
} from '../kit/taints';
import { rfc3339 } from '../kit/time';
import type { Node, NodeCondition, Pod, PodCondition, Taint } from '../kit/wire';
import type { NodeHealth } from './node-health';

/** kube-controller-manager's nodeMonitorGracePeriod (50 s since 1.32; 40 s before). */
export const DEFAULT_GRACE_PERIOD_MS = 50_000;
/** nodeStartupGracePeriod: for a node whose kubelet never posted a Ready condition. */
export const STARTUP_GRACE_PERIOD_MS = 60_000;

/** The conditions the controller turns Unknown; NetworkUnavailable belongs to the network plugin. */
const MONITORED_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/**
 * What may happen to NoExecute taints on the node, from its zone's disruption: `add` (normal), `keep` (the zone
 * is partially disrupted: nothing new is tainted, swaps and removals still happen), `remove` (every zone is
 * fully disrupted: kube stops evicting and lifts the NoExecute taints everywhere).
 */
export type NoExecuteTainting = 'add' | 'keep' | 'remove';

export interface NodeLifecycleInput {
  node: Node;
  health: NodeHealth;
  now: number;
  gracePeriodMs: number;
  startupGracePeriodMs?: number;
  noExecute: NoExecuteTainting;
  /** Marking the node's pods NotReady failed last time: try again while the node is not Ready. */
  retryMarkPods?: boolean;
}

export interface NodeLifecycleDecision {
  /** The status conditions to write: the kubelet went silent and Ready changed to Unknown. */
  conditions?: NodeCondition[];
  /** The node's whole taint list, when it must change. */
  taints?: Taint[];
  /** Ready stopped being True in this pass: NodeNotReady on the node. */
  notReadyEvent: boolean;
  /** Mark the pods bound to the node Ready=False (`markPodNotReady`). */
  markPodsNotReady: boolean;
  /** When the node goes stale unless the kubelet is heard from first (ms). */
  staleAt?: number;
}

export function reconcileNodeLifecycle(input: NodeLifecycleInput): NodeLifecycleDecision {
  const { node, health, now, gracePeriodMs } = input;
  const observedReady = nodeCondition(node, 'Ready');
  const gracePeriod = observedReady ? gracePeriodMs : (input.startupGracePeriodMs ?? STARTUP_GRACE_PERIOD_MS);
  const staleAt = health.probeTimestamp + gracePeriod;
  let conditions = node.status?.conditions ?? [];
  let written: NodeCondition[] | undefined;
  if (now > staleAt) {
    conditions = silentConditions(node, now);
    const ready = conditions.find((condition) => condition.type === 'Ready');
    if (!observedReady || ready?.status !== observedReady.status) written = conditions;
  }
  const currentReady = conditions.find((condition) => condition.type === 'Ready');
  const wasReady = observedReady?.status === 'True';
  const notReadyEvent = wasReady && currentReady !== undefined && currentReady.status !== 'True';
  const taints = currentReady ? desiredTaints(node, currentReady.status, input.noExecute, now) : undefined;
  return {
    ...(written ? { conditions: written } : {}),
    ...(taints ? { taints } : {}),
    notReadyEvent,
    markPodsNotReady:
      notReadyEvent ||
      (Boolean(input.retryMarkPods) && currentReady !== undefined && currentReady.status !== 'True'),
    ...(now > staleAt ? {} : { staleAt }),
  };
}

/** The node's conditions as the controller writes them for a silent kubelet. */
function silentConditions(node: Node, now: number): NodeCondition[] {
  const time = rfc3339(now);
  const conditions = (node.status?.conditions ?? []).map((condition) =>
    MONITORED_CONDITIONS.includes(condition.type) && condition.status !== 'Unknown'
      ? {
          ...condition,
          status: 'Unknown',
          reason: 'NodeStatusUnknown',
          message: 'Kubelet stopped posting node status.',
          lastTransitionTime: time,
        }
      : condition,
  );
  for (const type of MONITORED_CONDITIONS) {
    if (conditions.some((condition) => condition.type === type)) continue;
    conditions.push({
      type,
      status: 'Unknown',
      reason: 'NodeStatusNeverUpdated',
      message: 'Kubelet never posted node status.',
      lastHeartbeatTime: node.metadata?.creationTimestamp ?? time,
      lastTransitionTime: time,
    });
  }
  return conditions;
}

const taint = (key: string, effect: string): Taint => ({ key, effect });

/**
 * The node's taints for its Ready status, or undefined when they are right already. Taints the controller does
 * not manage are kept as they are, in order; taints it keeps keep their timeAdded; new ones get `now`.
 */
export function desiredTaints(
  node: Node,
  readyStatus: string,
  noExecute: NoExecuteTainting,
  now: number,
): Taint[] | undefined {
  const current = node.spec?.taints ?? [];
  const wanted: Taint[] = [];
  const managed: Taint[] = [
    taint(NOT_READY_TAINT_KEY, 'NoSchedule'),
    taint(UNREACHABLE_TAINT_KEY, 'NoSchedule'),
    taint(UNSCHEDULABLE_TAINT_KEY, 'NoSchedule'),
    taint(NOT_READY_TAINT_KEY, 'NoExecute'),
    taint(UNREACHABLE_TAINT_KEY, 'NoExecute'),
  ];
  const conditionKey =
    readyStatus === 'False'
      ? NOT_READY_TAINT_KEY
      : readyStatus === 'Unknown'
        ? UNREACHABLE_TAINT_KEY
        : undefined;
  if (conditionKey) wanted.push(taint(conditionKey, 'NoSchedule'));
  if (node.spec?.unschedulable) wanted.push(taint(UNSCHEDULABLE_TAINT_KEY, 'NoSchedule'));
  if (conditionKey && noExecute !== 'remove') {
    const target = taint(conditionKey, 'NoExecute');
    const opposite = taint(
      conditionKey === NOT_READY_TAINT_KEY ? UNREACHABLE_TAINT_KEY : NOT_READY_TAINT_KEY,
      'NoExecute',
    );
    const has = (t: Taint) => current.some((existing) => sameTaint(existing, t));
    // Swapping not-ready for unreachable (or back) is immediate; tainting a clean node waits for the zone.
    if (has(target) || has(opposite) || noExecute === 'add') wanted.push(target);
  }
  const time = rfc3339(now);
  const next = current.filter(
    (existing) => !managed.some((m) => sameTaint(m, existing)) || wanted.some((w) => sameTaint(w, existing)),
  );
  for (const want of wanted)
    if (!next.some((existing) => sameTaint(existing, want))) next.push({ ...want, timeAdded: time });
  const unchanged = next.length === current.length && next.every((t, i) => sameTaint(t, current[i] as Taint));
  return unchanged ? undefined : next;
}

/**
 * What MarkPodsNotReady writes for a pod: its Ready condition turned False (now the transition time, the rest
 * kept), or undefined when it has none or it is False already.
 */
export function podNotReadyCondition(pod: Pod, now: number): PodCondition | undefined {
  const ready = pod.status?.conditions?.find((condition) => condition.type === 'Ready');
  if (!ready || ready.status === 'False') return undefined;
  return { ...ready, status: 'False', lastTransitionTime: rfc3339(now) };
}

export type ZoneState = 'normal' | 'partialDisruption' | 'fullDisruption';

/** kube's zone key: region and zone labels (one zone "" for the emulator's unlabelled nodes). */
export function zoneOf(node: Node): string {
  const labels = node.metadata?.labels ?? {};
  const region =
    labels['topology.kubernetes.io/region'] ?? labels['failure-domain.beta.kubernetes.io/region'];
  const zone = labels['topology.kubernetes.io/zone'] ?? labels['failure-domain.beta.kubernetes.io/zone'];
  return region || zone ? `${region ?? ''}:\u0000:${zone ?? ''}` : '';
}

/** ComputeZoneState: no Ready node → full; more than 2 not Ready and at least 55 % → partial. */
export function zoneState(nodes: Node[]): ZoneState {
  const notReady = nodes.filter((node) => nodeCondition(node, 'Ready')?.status !== 'True').length;
  const ready = nodes.length - notReady;
  if (ready === 0 && notReady > 0) return 'fullDisruption';
  if (notReady > 2 && notReady / nodes.length >= 0.55) return 'partialDisruption';
  return 'normal';
}

/** Nodes at most this many in a zone: its eviction rate drops to 0 under partial disruption. */
const LARGE_CLUSTER_SIZE_THRESHOLD = 50;
const EXCLUDE_DISRUPTION_LABEL = 'node.kubernetes.io/exclude-disruption';

/** What may happen to NoExecute taints on `node`, given every node of the cluster. */
export function noExecuteTaintingFor(node: Node, nodes: Node[]): NoExecuteTainting {
  const zones = new Map<string, Node[]>();
  for (const candidate of nodes) {
    if (candidate.metadata?.labels?.[EXCLUDE_DISRUPTION_LABEL] !== undefined) continue;
    const key = zoneOf(candidate);
    zones.set(key, [...(zones.get(key) ?? []), candidate]);
  }
  const states = new Map([...zones].map(([key, members]) => [key, zoneState(members)]));
  if (states.size > 0 && [...states.values()].every((state) => state === 'fullDisruption')) return 'remove';
  const own = zones.get(zoneOf(node));
  if (states.get(zoneOf(node)) === 'partialDisruption' && (own?.length ?? 0) <= LARGE_CLUSTER_SIZE_THRESHOLD)
    return 'keep';
  return 'add';
}
