/** What `/status` shows of pods and events. Pure. */
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { podProblem } from './rollout';

export interface PodSummary {
  name: string;
  /** Pending, Running, Succeeded, Failed, Unknown. */
  phase: string;
  /** All containers ready (the pod receives traffic). */
  ready: boolean;
  /** `1/1`, as kubectl shows it. */
  readyContainers: string;
  restarts: number;
  node?: string;
  ip?: string;
  /** RFC 3339. */
  createdAt?: string;
  ageSeconds?: number;
  /** Why the pod is not ready: `ImagePullBackOff`, `CrashLoopBackOff`, `Unschedulable`, … */
  waitingReason?: string;
  message?: string;
  /** Being deleted (graceful termination). */
  terminating: boolean;
}

export interface EventSummary {
  type: string;
  reason: string;
  message: string;
  /** `Pod/web-7d9f8-abcde`. */
  object: string;
  count: number;
  /** RFC 3339. */
  lastSeen?: string;
}

function iso(value: Date | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function summarizePod(pod: V1Pod, now: Date): PodSummary {
  const statuses = pod.status?.containerStatuses ?? [];
  const total = pod.spec?.containers.length ?? statuses.length;
  const readyCount = statuses.filter((status) => status.ready).length;
  const createdAt = iso(pod.metadata?.creationTimestamp);
  const problem = podProblem(pod);
  const terminating = Boolean(pod.metadata?.deletionTimestamp);
  return {
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    readyContainers: `${readyCount}/${total}`,
    restarts: statuses.reduce((sum, status) => sum + (status.restartCount ?? 0), 0),
    terminating,
    ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
    ...(pod.status?.podIP ? { ip: pod.status.podIP } : {}),
    ...(createdAt
      ? { createdAt, ageSeconds: Math.max(0, Math.floor((now.getTime() - Date.parse(createdAt)) / 1000)) }
      : {}),
    ...(problem ? { waitingReason: problem.reason, message: problem.message } : {}),
  };
}

export function summarizeEvent(event: CoreV1Event): EventSummary {
  const lastSeen = iso(event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp);
  return {
    type: event.type ?? 'Normal',
    reason: event.reason ?? '',
    message: event.message ?? '',
    object: `${event.involvedObject.kind ?? ''}/${event.involvedObject.name ?? ''}`,
    count: event.count ?? 1,
    ...(lastSeen ? { lastSeen } : {}),
  };
}

/** Newest first, at most `limit`. */
export function recentEvents(events: readonly CoreV1Event[], limit: number): EventSummary[] {
  return events
    .map(summarizeEvent)
    .sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''))
    .slice(0, limit);
}
