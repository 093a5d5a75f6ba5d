/**
 * The cluster's view of a service (`observeService`) as the `status/<service>` record the api shows
 * (`ObservedStatus` from @cite/model). Pure.
 */
import type { ObservedStatus } from '@cite/model';
import type { ObservedService } from './service-status';

const PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;
const CONDITION_STATUSES = ['True', 'False', 'Unknown'] as const;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function observedStatusOf(view: ObservedService, now: Date, observedBy = 'deployer'): ObservedStatus {
  return {
    service: view.name,
    namespace: view.namespace,
    ...(view.release !== undefined ? { release: view.release } : {}),
    replicas: {
      desired: view.replicas.desired,
      updated: view.replicas.updated,
      ready: view.replicas.ready,
      available: view.replicas.available,
    },
    pods: view.pods.slice(0, 1000).map((pod) => ({
      name: pod.name,
      phase: PHASES.find((phase) => phase === pod.phase) ?? 'Unknown',
      ready: pod.ready,
      restarts: pod.restarts,
      ...(pod.node ? { node: pod.node } : {}),
      ...(pod.ip ? { ip: pod.ip } : {}),
      ...(pod.createdAt ? { createdAt: pod.createdAt } : {}),
      ...(pod.waitingReason ? { waitingReason: clip(pod.waitingReason, 256) } : {}),
      ...(pod.message ? { message: clip(pod.message, 1024) } : {}),
    })),
    // observeService gives newest first; the record keeps the newest 50, newest last.
    events: view.events
      .slice(0, 50)
      .filter((event) => event.lastSeen !== undefined)
      .reverse()
      .map((event) => ({
        time: event.lastSeen as string,
        type: event.type === 'Warning' ? 'Warning' : 'Normal',
        reason: clip(event.reason, 256),
        message: clip(event.message, 4096),
        object: clip(event.object, 512),
        count: event.count,
      })),
    conditions: view.conditions.slice(0, 20).map((condition) => ({
      type: clip(condition.type, 64),
      status: CONDITION_STATUSES.find((status) => status === condition.status) ?? 'Unknown',
      ...(condition.reason ? { reason: clip(condition.reason, 256) } : {}),
      ...(condition.message ? { message: clip(condition.message, 4096) } : {}),
    })),
    observedAt: now.toISOString(),
    observedBy,
  };
}
