/** What `GET /services/:name/status` answers: desired state from etcd next to the observed state. */
import {
  ObservedStatusSchema,
  PodStatusSchema,
  ReleaseCause,
  ReleaseStatus,
  ResourcesSchema,
  ServiceState,
  type ObservedStatus,
  type Release,
  type Service,
} from '@cite/model';
import { z } from 'zod';

export const ServiceStatusViewSchema = z.object({
  service: z.string(),
  state: ServiceState,
  desired: z.object({
    replicas: z.number().int(),
    resources: ResourcesSchema,
    /** The newest release and how far it got. */
    release: z
      .object({ number: z.number().int(), status: ReleaseStatus, image: z.string(), cause: ReleaseCause })
      .nullable(),
    /** The release that last succeeded: what should be running. */
    running: z.number().int().nullable(),
  }),
  /** As last reported by the deployer or watcher; null until they have. */
  observed: ObservedStatusSchema.extend({
    pods: z.array(PodStatusSchema.extend({ ageSeconds: z.number().int().optional() })),
  }).nullable(),
  /** Why `observed` is null. */
  reason: z.string().optional(),
});
export type ServiceStatusView = z.infer<typeof ServiceStatusViewSchema>;

/** The view of `service`, its newest release and what was last observed of it, at `now`. Pure. */
export function statusView(
  service: Service,
  latest: Release | null,
  observed: ObservedStatus | null,
  now: Date,
): ServiceStatusView {
  const at = now.getTime();
  return {
    service: service.name,
    state: service.state,
    desired: {
      replicas: service.replicas,
      resources: service.resources,
      release: latest
        ? { number: latest.number, status: latest.status, image: latest.image, cause: latest.cause }
        : null,
      running: service.currentRelease ?? null,
    },
    observed: observed
      ? {
          ...observed,
          pods: observed.pods.map((pod) =>
            pod.createdAt === undefined
              ? pod
              : { ...pod, ageSeconds: Math.max(0, Math.floor((at - Date.parse(pod.createdAt)) / 1000)) },
          ),
        }
      : null,
    ...(observed
      ? {}
      : {
          reason:
            latest === null
              ? 'the service has no release yet'
              : 'not reported yet: the deployer or watcher has not observed the service in the cluster',
        }),
  };
}

/** A service's state at a glance, for lists: its newest release, the one serving, and ready / desired pods. */
export const ServiceSummarySchema = z.object({
  /** The newest release and how far it got; null before the first. */
  release: z
    .object({
      number: z.number().int(),
      status: ReleaseStatus,
      image: z.string(),
      cause: ReleaseCause,
      createdAt: z.string(),
      finishedAt: z.string().optional(),
      failureReason: z.string().optional(),
    })
    .nullable(),
  /** The release that last succeeded: what should be running. */
  running: z.number().int().nullable(),
  pods: z.object({ desired: z.number().int(), ready: z.number().int() }),
  /** When the deployer or watcher last reported the service; null before they have. */
  observedAt: z.string().nullable(),
});
export type ServiceSummary = z.infer<typeof ServiceSummarySchema>;

/** The summary of `service` from its newest release and what was last observed of it. Pure. */
export function serviceSummary(
  service: Service,
  latest: Release | null,
  observed: ObservedStatus | null,
): ServiceSummary {
  return {
    release: latest
      ? {
          number: latest.number,
          status: latest.status,
          image: latest.image,
          cause: latest.cause,
          createdAt: latest.createdAt,
          ...(latest.finishedAt ? { finishedAt: latest.finishedAt } : {}),
          ...(latest.failureReason ? { failureReason: latest.failureReason } : {}),
        }
      : null,
    running: service.currentRelease ?? null,
    pods: { desired: service.replicas, ready: observed?.replicas.ready ?? 0 },
    observedAt: observed?.observedAt ?? null,
  };
}
