/**
 * Taints, tolerations and node conditions as the scheduler, the node lifecycle controller and the taint
 * eviction controller read them (kube's `v1helper.ToleratesTaint`, `GetMatchingTolerations`, `IsNodeReady`).
 */
import type { Node, NodeCondition, Pod, Taint, Toleration } from './wire';

export const NOT_READY_TAINT_KEY = 'node.kubernetes.io/not-ready';
export const UNREACHABLE_TAINT_KEY = 'node.kubernetes.io/unreachable';
export const OUT_OF_SERVICE_TAINT_KEY = 'node.kubernetes.io/out-of-service';
export const UNSCHEDULABLE_TAINT_KEY = 'node.kubernetes.io/unschedulable';

/** The node's condition of `type`, if it reports one. */
export function nodeCondition(node: Node | undefined, type: string): NodeCondition | undefined {
  return node?.status?.conditions?.find((condition) => condition.type === type);
}

/** `Ready=True` (nodeutil.IsNodeReady). */
export function isNodeReady(node: Node): boolean {
  return nodeCondition(node, 'Ready')?.status === 'True';
}

/** Whether one toleration tolerates the taint: same effect (or any), same key (or any, with Exists), value. */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (!toleration.key) return toleration.operator === 'Exists';
  if (toleration.key !== taint.key) return false;
  return toleration.operator === 'Exists' || (toleration.value ?? '') === (taint.value ?? '');
}

export function tolerates(pod: Pod, taint: Taint): boolean {
  return (pod.spec?.tolerations ?? []).some((toleration) => toleratesTaint(toleration, taint));
}

/** The node's taints of one effect. */
export function taintsWithEffect(node: Node | undefined, effect: string): Taint[] {
  return (node?.spec?.taints ?? []).filter((taint) => taint.effect === effect);
}

export function hasTaintKey(node: Node | undefined, key: string): boolean {
  return (node?.spec?.taints ?? []).some((taint) => taint.key === key);
}

/** Same key and effect: the identity of a taint on a node (kube's `Taint.MatchTaint`). */
export function sameTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && a.effect === b.effect;
}
