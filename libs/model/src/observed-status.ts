/**
 * What the cluster runs for a service, as last observed (`status/<service>` in etcd). The api never talks to
 * the cluster: the deployer writes this record while it watches a rollout, and the watcher whenever pods change.
 * One writer at a time per service is not required; the last write wins, and `observedAt` says when.
 */
import { z } from 'zod';
import { NamespaceSchema, ServiceNameSchema, TimestampSchema } from './fields';

const count = z.number().int().min(0);
const releaseNumber = z.number().int().min(1);

export const PodStatusSchema = z.object({
  name: z.string().min(1).max(253),
  /** Kubernetes pod phase. */
  phase: z.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']),
  /** All containers ready. */
  ready: z.boolean(),
  restarts: count,
  node: z.string().max(253).optional(),
  ip: z.string().max(64).optional(),
  /** The release the pod runs (from its release label). */
  release: releaseNumber.optional(),
  /** When the pod was created; the api reports its age from this. */
  createdAt: TimestampSchema.optional(),
  /** Why a container is waiting: `ImagePullBackOff`, `CrashLoopBackOff`, `ContainerCreating`, … */
  waitingReason: z.string().max(256).optional(),
  message: z.string().max(1024).optional(),
});
export type PodStatus = z.infer<typeof PodStatusSchema>;

export const ClusterEventSchema = z.object({
  time: TimestampSchema,
  type: z.enum(['Normal', 'Warning']),
  reason: z.string().max(256),
  message: z.string().max(4096),
  /** `Pod/web-7d9f8-abcde`, `Deployment/web`. */
  object: z.string().max(512).optional(),
  count: count.optional(),
});
export type ClusterEvent = z.infer<typeof ClusterEventSchema>;

export const ObservedStatusSchema = z.object({
  service: ServiceNameSchema,
  namespace: NamespaceSchema,
  /** The release on the Deployment's pod template. */
  release: releaseNumber.optional(),
  replicas: z.object({ desired: count, updated: count, ready: count, available: count }),
  pods: z.array(PodStatusSchema).max(1000),
  /** The most recent events about the service's objects, newest last (at most 50). */
  events: z.array(ClusterEventSchema).max(50),
  /** Deployment conditions as Kubernetes reports them (`Available`, `Progressing`). */
  conditions: z
    .array(
      z.object({
        type: z.string().max(64),
        status: z.enum(['True', 'False', 'Unknown']),
        reason: z.string().max(256).optional(),
        message: z.string().max(4096).optional(),
      }),
    )
    .max(20)
    .optional(),
  observedAt: TimestampSchema,
  /** Who wrote it: `deployer`, `watcher`. */
  observedBy: z.string().max(64).optional(),
});
export type ObservedStatus = z.infer<typeof ObservedStatusSchema>;
