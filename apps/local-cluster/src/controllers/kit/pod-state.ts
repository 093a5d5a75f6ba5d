/** Pod facts several controllers read: readiness, availability, activity. */
import { parseTime } from './time';
import type { Pod } from './wire';

export function readyCondition(pod: Pod) {
  return pod.status?.conditions?.find((condition) => condition.type === 'Ready');
}

export function isPodReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** Ready for at least `minReadySeconds` (podutil.IsPodAvailable). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  const condition = readyCondition(pod);
  if (condition?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  const since = parseTime(condition.lastTransitionTime);
  return since !== undefined && since + minReadySeconds * 1000 <= now;
}

/** When a ready pod becomes available, for a requeue; undefined when it already is or never will be. */
export function availableAt(pod: Pod, minReadySeconds: number, now: number): number | undefined {
  const condition = readyCondition(pod);
  if (condition?.status !== 'True' || minReadySeconds <= 0) return undefined;
  const since = parseTime(condition.lastTransitionTime);
  if (since === undefined) return undefined;
  const at = since + minReadySeconds * 1000;
  return at > now ? at : undefined;
}

/** controller.FilterActivePods: not Succeeded, not Failed, not being deleted. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}
