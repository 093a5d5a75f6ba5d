/**
 * Two decisions about a pod bound to a node:
 *
 * - **taint eviction** (kube-controller-manager's taint-eviction-controller, the NoExecute taint manager): a
 *   pod on a node with NoExecute taints is deleted at once when it does not tolerate one of them, after the
 *   smallest `tolerationSeconds` of the tolerations it uses when they all have one (counted from when the
 *   controller first saw it so), never when one tolerates forever. The DefaultTolerationSeconds admission gives
 *   every pod 300 s for not-ready and unreachable.
 * - **pod GC of terminating pods** (the pod GC's gcTerminating): a pod being deleted on a node that is not
 *   Ready and is out of service is force-deleted, since no kubelet will finish it. kube takes a node to be out
 *   of service only once someone taints it `node.kubernetes.io/out-of-service` (non-graceful node shutdown);
 *   local-cluster also takes a node whose kubelet stopped posting status (Ready=Unknown) to be, so that a
 *   stopped kubelet's pods go away once deleted instead of staying Terminating until it comes back.
 */
import { OUT_OF_SERVICE_TAINT_KEY, hasTaintKey, nodeCondition, toleratesTaint } from '../kit/taints';
import type { Node, Pod, Taint, Toleration } from '../kit/wire';

export type EvictionDecision =
  /** Nothing to do: no NoExecute taint, or tolerated forever (a scheduled eviction is cancelled). */
  | { type: 'none' }
  /** Delete the pod now. */
  | { type: 'evict' }
  /** Delete it at `at` unless the taints or tolerations change first; `since` is when the wait began. */
  | { type: 'wait'; at: number; since: number };

export interface EvictionInput {
  pod: Pod;
  /** The NoExecute taints of the pod's node. */
  taints: Taint[];
  /** When the controller first saw the pod under these taints with a finite toleration (its scheduled eviction). */
  since: number | undefined;
  now: number;
}

/** Tolerations used for the taints, or undefined when one taint is not tolerated (GetMatchingTolerations). */
export function matchingTolerations(taints: Taint[], tolerations: Toleration[]): Toleration[] | undefined {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const matching = tolerations.filter((toleration) => toleratesTaint(toleration, taint));
    if (matching.length === 0) return undefined;
    used.push(...matching);
  }
  return used;
}

/** The smallest tolerationSeconds in ms (≤ 0 counts as 0), or undefined for "forever" (getMinTolerationTime). */
export function minTolerationMs(tolerations: Toleration[]): number | undefined {
  if (tolerations.length === 0) return 0;
  let min: number | undefined;
  for (const toleration of tolerations) {
    const seconds = toleration.tolerationSeconds;
    if (seconds === undefined || seconds === null) continue;
    if (seconds <= 0) return 0;
    min = min === undefined ? seconds : Math.min(min, seconds);
  }
  return min === undefined ? undefined : min * 1000;
}

export function evictionDecision(input: EvictionInput): EvictionDecision {
  const { pod, taints, now } = input;
  if (taints.length === 0 || pod.metadata?.deletionTimestamp) return { type: 'none' };
  const used = matchingTolerations(taints, pod.spec?.tolerations ?? []);
  if (!used) return { type: 'evict' };
  const wait = minTolerationMs(used);
  if (wait === undefined) return { type: 'none' };
  const since = input.since ?? now;
  const at = since + wait;
  return at <= now ? { type: 'evict' } : { type: 'wait', at, since };
}

/** Whether the pod GC force-deletes this pod now: it is terminating on a not-Ready, out-of-service node. */
export function forceDeleteTerminating(pod: Pod, node: Node | undefined): boolean {
  if (!pod.metadata?.deletionTimestamp || !node) return false;
  const ready = nodeCondition(node, 'Ready')?.status;
  if (ready === 'True') return false;
  return ready === 'Unknown' || hasTaintKey(node, OUT_OF_SERVICE_TAINT_KEY);
}
