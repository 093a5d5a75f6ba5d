/**
 * What follows a finished release, idempotently (a run that died after its verdict did not do it), and needs no
 * service lock: the service's current release, the automatic rollback of a failure, and re-enqueueing a newest
 * release still pending. `ReleaseRunner` calls it after every verdict and whenever it meets a finished release.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError } from '@cite/errors';
import type { Logger } from '@cite/logging';
import type { OutboxEntry, Release } from '@cite/model';
import type { ReleaseJob } from '@cite/queue';
import { ChangeWriter, type EnqueueJob, type MetadataStore } from '@cite/store';
import { autoRollback, DEPLOYER_ACTOR, planAutoRollback, rollbackTarget, type ReleaseFacts } from './decide';
import type { DeployLogLine } from './deploy-log';

/** Failure reasons after which nothing new ran in the cluster, so there is nothing to roll back. */
export const NOT_APPLIED_REASONS = ['ImageNotFound', 'InvalidSpec', 'RetriesExhausted'] as const;

export interface FollowUpDeps {
  store: MetadataStore;
  enqueue: (job: ReleaseJob) => Promise<void>;
  logger: Logger;
  /** Appends to the release's deploy log. */
  line: (release: Release, line: DeployLogLine) => Promise<void>;
  clock: () => Date;
}

export class ReleaseFollowUps {
  private readonly writer: ChangeWriter;

  constructor(private readonly deps: FollowUpDeps) {
    const enqueue: EnqueueJob = (entry) =>
      entry.kind === 'release'
        ? deps.enqueue({ service: entry.service, release: entry.release })
        : Promise.reject(new Error('the follow-ups enqueue releases only'));
    this.writer = new ChangeWriter(deps.store, enqueue);
  }

  /**
   * What must follow a finished release, idempotently (a run that died after the verdict did not do it):
   * a success is the service's current release (set before the verdict too); a failure after something was applied is rolled back
   * (`planAutoRollback`); and a newest release still pending is (re-)enqueued, healing a lost enqueue.
   */
  async run(
    release: Release,
    facts: ReleaseFacts,
    { currentSet = false }: { currentSet?: boolean } = {},
  ): Promise<{ rollback?: number }> {
    const outcome: { rollback?: number } = {};
    if (release.status === 'succeeded' && !currentSet) await this.markCurrent(release);
    if (release.status === 'failed' && !NOT_APPLIED_REASONS.includes(release.failureReason as never)) {
      const number = await this.autoRollback(release);
      if (number !== undefined) outcome.rollback = number;
    }
    const newest = outcome.rollback === undefined ? facts.newest : null;
    if (newest && newest.number !== release.number && newest.status === 'pending') {
      await this.deps.enqueue({ service: newest.service, release: newest.number });
    }
    return outcome;
  }

  /** Points the service at `release` unless it points at a newer one already (compare-and-swap). */
  async markCurrent(release: Release): Promise<void> {
    const services = this.deps.store.services;
    for (let attempt = 1; attempt <= 5; attempt++) {
      const found = await services.get(release.service);
      if (!found || (found.value.currentRelease ?? 0) >= release.number) return;
      try {
        await services.update(
          release.service,
          { ...found.value, currentRelease: release.number },
          found.modRevision,
        );
        return;
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt === 5) throw error;
      }
    }
  }

  /**
   * Rolls back by the one rollback rule: the service's spec, the rollback release, its audit entry and its job
   * land in one transaction guarded by the service and its newest release as read (decided again when either
   * moved), so spec and running release agree and a crash cannot lose the job.
   */
  private async autoRollback(failed: Release): Promise<number | undefined> {
    const { store } = this.deps;
    const history = await this.historyBefore(failed);
    for (let attempt = 1; attempt <= 10; attempt++) {
      const [service, newest] = await store.etcd.read([
        store.services.getRead(failed.service),
        store.releases.latestRead(failed.service),
      ] as const);
      const plan = planAutoRollback({
        failed,
        service: service?.value ?? null,
        newest: newest?.value ?? null,
        history,
      });
      if (plan.action === 'none' || !service) {
        this.deps.logger.info('no automatic rollback', {
          service: failed.service,
          release: failed.number,
          why: plan.action === 'none' ? plan.message : 'service is gone',
        });
        return undefined;
      }
      const now = this.deps.clock();
      const rollback = autoRollback(service.value, plan.target, failed, now);
      const number = (newest?.value.number ?? 0) + 1;
      const job: OutboxEntry = {
        kind: 'release',
        service: failed.service,
        release: number,
        createdAt: now.toISOString(),
      };
      const committed = await this.writer.commit({
        name: failed.service,
        current: service,
        next: { ...rollback.service, updatedAt: now.toISOString() },
        release: { number, draft: rollback.draft },
        audit: {
          id: randomUUID(),
          time: now.toISOString(),
          actor: DEPLOYER_ACTOR,
          action: 'release.rollback',
          target: `service/${failed.service}`,
          sourceIp: '::',
          outcome: 'ok',
          details: {
            automatic: true,
            release: number,
            rollbackOf: plan.target.number,
            failed: failed.number,
          },
        },
        job,
      });
      if (!committed) continue;
      await this.deps.line(failed, {
        level: 'warn',
        step: 'rollback',
        message: `rolling back to release ${plan.target.number} (${plan.target.image}) as release ${number}`,
      });
      await this.writer.deliver(job);
      return number;
    }
    throw new ConflictError(`automatic rollback of ${failed.service}: the service kept changing`);
  }

  /** Releases before `failed`, newest first, up to the first that succeeded. */
  private async historyBefore(failed: Release): Promise<Release[]> {
    const history: Release[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const found = await this.deps.store.releases.list(failed.service, { limit: 100, cursor });
      history.push(...found.items.map((item) => item.value));
      if (rollbackTarget(failed.number, history) || !found.nextCursor) break;
      cursor = found.nextCursor;
    }
    return history;
  }
}
