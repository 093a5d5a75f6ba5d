/**
 * Which pods a ReplicaSet deletes first when it has too many: controller.ActivePodsWithRanks, i.e. unassigned
 * before assigned, Pending before Unknown before Running, not ready before ready, more pods of the set on the
 * same node first, ready for less time before ready for longer, more restarts first, newer before older.
 */
import { parseTime } from '../kit/time';
import { readyCondition } from '../kit/pod-state';
import type { Pod } from '../kit/wire';

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function restarts(pod: Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce(
    (max, status) => Math.max(max, status.restartCount ?? 0),
    0,
  );
}

/** Negative when `a` should be deleted before `b`. */
export function compareForDeletion(a: Pod, b: Pod, colocated: (pod: Pod) => number): number {
  const assignedA = a.spec?.nodeName ? 1 : 0;
  const assignedB = b.spec?.nodeName ? 1 : 0;
  if (assignedA !== assignedB) return assignedA - assignedB;
  const phaseA = PHASE_ORDER[a.status?.phase ?? 'Pending'] ?? 0;
  const phaseB = PHASE_ORDER[b.status?.phase ?? 'Pending'] ?? 0;
  if (phaseA !== phaseB) return phaseA - phaseB;
  const readyA = readyCondition(a)?.status === 'True' ? 1 : 0;
  const readyB = readyCondition(b)?.status === 'True' ? 1 : 0;
  if (readyA !== readyB) return readyA - readyB;
  const rankA = colocated(a);
  const rankB = colocated(b);
  if (rankA !== rankB) return rankB - rankA;
  if (readyA === 1) {
    // More recently ready first.
    const sinceA = parseTime(readyCondition(a)?.lastTransitionTime) ?? 0;
    const sinceB = parseTime(readyCondition(b)?.lastTransitionTime) ?? 0;
    if (sinceA !== sinceB) return sinceB - sinceA;
  }
  const restartsA = restarts(a);
  const restartsB = restarts(b);
  if (restartsA !== restartsB) return restartsB - restartsA;
  const createdA = parseTime(a.metadata?.creationTimestamp) ?? Number.MAX_SAFE_INTEGER;
  const createdB = parseTime(b.metadata?.creationTimestamp) ?? Number.MAX_SAFE_INTEGER;
  if (createdA !== createdB) return createdB - createdA;
  return (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

/** The `count` pods to delete, in order. */
export function podsToDelete(pods: Pod[], count: number): Pod[] {
  const perNode = new Map<string, number>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName;
    if (node) perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  const colocated = (pod: Pod): number => (pod.spec?.nodeName ? (perNode.get(pod.spec.nodeName) ?? 0) : 0);
  return [...pods].sort((a, b) => compareForDeletion(a, b, colocated)).slice(0, Math.max(0, count));
}
