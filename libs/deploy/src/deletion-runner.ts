/**
 * The executor of a deletion job: under the service's lock, removes the service's Ingress, Service and
 * Deployment (the Deployment's ReplicaSets and pods go with it by garbage collection) and marks the service
 * `deleted`, letting go of its domains in the same transaction. The team namespace stays: other services of the team live there, and an empty namespace costs
 * nothing. Running it twice changes nothing.
 */
import { ConflictError } from '@cite/errors';
import type { Logger } from '@cite/logging';
import type { DeletionJob } from '@cite/queue';
import { ChangeWriter, ids, type MetadataStore, type ObservedStatusStore } from '@cite/store';
import type { Cluster, ObjectKind } from '@cite/kube';
import { releasedByDeletion } from './decide';
import { serviceLockName } from './release-runner';

export interface DeletionRunnerOptions {
  store: MetadataStore;
  cluster: Cluster;
  /** `status/<service>` is forgotten once the objects are gone, when given. */
  observed?: ObservedStatusStore;
  logger: Logger;
  lockTtlSeconds?: number;
  lockWaitMs?: number;
  owner?: string;
  clock?: () => Date;
}

export interface DeletionOutcome {
  /** Objects that were there and are now deleted. */
  deleted: ObjectKind[];
  /** `deleted` when this run marked the service; `active` when the job was stale (the service lives). */
  serviceState: 'deleted' | 'active' | 'gone';
}

const KINDS: ObjectKind[] = ['Ingress', 'Service', 'Deployment'];

export class DeletionRunner {
  constructor(private readonly options: DeletionRunnerOptions) {}

  async run(job: DeletionJob, signal: AbortSignal): Promise<DeletionOutcome> {
    const { store, cluster, logger } = this.options;
    const lock = await store.etcd.acquireLock(serviceLockName(job.service), {
      ttlSeconds: this.options.lockTtlSeconds ?? 15,
      waitMs: this.options.lockWaitMs ?? 30_000,
      signal,
      ...(this.options.owner ? { owner: this.options.owner } : {}),
    });
    try {
      const found = await store.services.get(job.service);
      if (found?.value.state === 'active') {
        // Deleted and created again before this job ran: the objects belong to the new service now.
        logger.warn('deletion job for an active service ignored', { ...job });
        return { deleted: [], serviceState: 'active' };
      }
      const deleted: ObjectKind[] = [];
      for (const kind of KINDS) {
        if (await cluster.delete({ kind, namespace: job.namespace, name: job.service })) deleted.push(kind);
      }
      await this.options.observed?.remove(job.service);
      if (!found) return { deleted, serviceState: 'gone' };
      // Nothing enqueues from here: the writer's queue is never used.
      const writer = new ChangeWriter(store, () => Promise.reject(new Error('no jobs from a deletion')));
      for (let attempt = 1; ; attempt++) {
        const current = await store.services.get(job.service);
        if (!current || current.value.state !== 'deleting') break;
        const now = (this.options.clock ?? (() => new Date()))().toISOString();
        if (current.value.preview) {
          // A preview leaves nothing behind: its pull request closed, and a new one is a new preview.
          if (await store.purgeService(job.service, current.modRevision)) {
            logger.info('preview purged', { service: job.service, namespace: job.namespace, deleted });
            return { deleted, serviceState: 'gone' };
          }
          if (attempt >= 5)
            throw new ConflictError(`preview ${job.service} kept changing while being purged`);
          continue;
        }
        const records = await writer.domainRecords(current.value.domains);
        const branch = current.value.repo
          ? await writer.repoClaim(current.value.repo, current.value.deployPolicy.branch)
          : null;
        const committed = await writer.commit({
          name: job.service,
          current,
          next: { ...current.value, state: 'deleted', deletedAt: now, updatedAt: now },
          claims: releasedByDeletion(job.service, records),
          repoClaims: {
            claim: [],
            release:
              branch && branch.value.service === job.service
                ? [
                    {
                      id: ids.repoClaim(branch.value.repo, branch.value.branch),
                      modRevision: branch.modRevision,
                    },
                  ]
                : [],
          },
        });
        if (committed) break;
        if (attempt >= 5) throw new ConflictError(`service ${job.service} kept changing while being deleted`);
      }
      logger.info('service deleted', { service: job.service, namespace: job.namespace, deleted });
      return { deleted, serviceState: 'deleted' };
    } finally {
      await lock.release().catch(() => undefined);
    }
  }
}
