/**
 * What the cluster runs for a service, as last observed (`status/<service>`). The api never talks to the
 * cluster: the deployer writes this record while it watches a rollout, and the watcher whenever pods change.
 * One writer at a time per service is not required; the last write wins (`put`), and `observedAt` says when.
 */
import { InputError, NotFoundError } from '@cite/errors';
import { NamespaceSchema, ServiceNameSchema, TimestampSchema } from '@cite/model';
import type { EtcdStore, Repository, RepositoryWatch, Versioned } from '@cite/store';
import { z } from 'zod';
import { CATALOG_KEYSPACES } from './keyspaces';

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

/** `status/<service>` records. */
export class ObservedStatusStore {
  readonly records: Repository<ObservedStatus>;

  constructor(store: EtcdStore) {
    this.records = store.repository<ObservedStatus>({
      keyspace: CATALOG_KEYSPACES.observedStatus,
      schema: ObservedStatusSchema,
      kind: 'observed status',
      validateId: (id) => {
        if (id.includes('/')) throw new InputError(`service name ${id} must not contain "/"`);
      },
      identify: (status) => status.service,
    });
  }

  get(service: string): Promise<Versioned<ObservedStatus> | null> {
    return this.records.get(service);
  }

  /** Replaces what is known about the service (last write wins). */
  put(status: ObservedStatus): Promise<Versioned<ObservedStatus>> {
    return this.records.put(status.service, status);
  }

  /** Forgets the service (its objects are gone). Resolves whether or not there was a record. */
  async remove(service: string): Promise<void> {
    await this.records.delete(service).catch((error: unknown) => {
      if (!(error instanceof NotFoundError)) throw error;
    });
  }

  /** Changes to records whose id starts with `service`: readers keep only `event.id === service`. */
  watch(service: string, fromRevision?: number): Promise<RepositoryWatch<ObservedStatus>> {
    return this.records.watch({ prefix: service, fromRevision });
  }
}
