/**
 * A service's pods as `GET /services/:name/pods/events` tells them (see `libs/catalog/src/pod-events.ts`): one
 * `snapshot`, then a `pod` event `{type: added|changed|removed, pod}` per change. Pure: events in, pods out; and
 * what the table shows of a pod (its age ticking on the client's clock, how loud its waiting reason is).
 */
import type { PodStatus } from '@cite/model';

/** A pod as the status endpoint shows it (with its age then) or the stream does (without). */
export type Pod = PodStatus & { ageSeconds?: number };

export type PodEvent =
  | { event: 'snapshot'; pods: Pod[]; observedAt: string | null }
  | { event: 'pod'; type: 'added' | 'changed' | 'removed'; pod: Pod };

const PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];

function isPod(value: unknown): value is Pod {
  if (typeof value !== 'object' || value === null) return false;
  const pod = value as Record<string, unknown>;
  return (
    typeof pod['name'] === 'string' &&
    typeof pod['phase'] === 'string' &&
    PHASES.includes(pod['phase']) &&
    typeof pod['ready'] === 'boolean' &&
    typeof pod['restarts'] === 'number'
  );
}

/** One server-sent event of the pod stream; null for anything else. */
export function parsePodEvent(message: { event?: string; data: string }): PodEvent | null {
  let raw: unknown;
  try {
    raw = JSON.parse(message.data);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const data = raw as Record<string, unknown>;
  if (message.event === 'snapshot') {
    const pods = data['pods'];
    if (!Array.isArray(pods) || !pods.every(isPod)) return null;
    const observedAt = typeof data['observedAt'] === 'string' ? data['observedAt'] : null;
    return { event: 'snapshot', pods, observedAt };
  }
  if (message.event === 'pod') {
    const type = data['type'];
    const pod = data['pod'];
    if ((type !== 'added' && type !== 'changed' && type !== 'removed') || !isPod(pod)) return null;
    return { event: 'pod', type, pod };
  }
  return null;
}

/** The pods after one event: a snapshot replaces them all; a change adds, replaces or removes one by name. */
export function applyPodEvent(pods: readonly Pod[], event: PodEvent): Pod[] {
  if (event.event === 'snapshot') return [...event.pods];
  const rest = pods.filter((pod) => pod.name !== event.pod.name);
  if (event.type === 'removed') return rest;
  const at = pods.findIndex((pod) => pod.name === event.pod.name);
  if (at < 0) return [...pods, event.pod];
  const next = [...pods];
  next[at] = event.pod;
  return next;
}

/** Newest release first, then by name: the pods of a rollout side by side. */
export function sortPods(pods: readonly Pod[]): Pod[] {
  return [...pods].sort(
    (a, b) => (b.release ?? 0) - (a.release ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

/**
 * How far the client's clock is ahead of the api's (ms), from pods the status endpoint reported with both
 * `createdAt` and `ageSeconds` at `fetchedAt`; 0 when none has both.
 */
export function clockOffset(pods: readonly Pod[], fetchedAt: number): number {
  for (const pod of pods) {
    if (pod.createdAt === undefined || pod.ageSeconds === undefined) continue;
    const created = Date.parse(pod.createdAt);
    if (Number.isNaN(created)) continue;
    const offset = fetchedAt - (created + pod.ageSeconds * 1000);
    // Ages are whole seconds: anything within a second is no skew worth correcting.
    return Math.abs(offset) < 1000 ? 0 : offset;
  }
  return 0;
}

/** A pod's age in seconds at `now` (client clock), or undefined when it is not known. */
export function podAgeSeconds(
  pod: Pod,
  now: number,
  options: { offsetMs?: number; fetchedAt?: number } = {},
): number | undefined {
  if (pod.createdAt !== undefined) {
    const created = Date.parse(pod.createdAt);
    if (!Number.isNaN(created))
      return Math.max(0, Math.floor((now - (options.offsetMs ?? 0) - created) / 1000));
  }
  if (pod.ageSeconds !== undefined && options.fetchedAt !== undefined)
    return Math.max(0, pod.ageSeconds + Math.floor((now - options.fetchedAt) / 1000));
  return pod.ageSeconds;
}

/** kubectl's way: `42s`, `5m12s`, `37m`, `3h20m`, `17h`, `2d5h`, `12d`. */
export function formatAge(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60}s`;
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 10) return `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return `${d}d${h % 24}h`;
  return `${d}d`;
}

/** How loud a waiting reason is: `bad` for one that will not get better alone, `warn` for one on its way. */
export function waitingSeverity(reason: string | undefined): 'bad' | 'warn' | undefined {
  if (!reason) return undefined;
  if (/BackOff|Err|Invalid|Fail|Kill/i.test(reason)) return 'bad';
  return 'warn';
}

/** The ready pods among `pods`. */
export const readyCount = (pods: readonly Pod[]): number => pods.filter((pod) => pod.ready).length;
