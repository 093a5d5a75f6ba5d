/**
 * The executor of a release job: takes the service's lock, re-reads etcd, decides (`decideRelease`), and either
 * finishes the release without touching the cluster or hands it to `ReleaseRollout`, which applies it, follows
 * the rollout to a verdict and records it once, with compare-and-swap.
 * Running a job twice changes nothing; a run interrupted anywhere is resumed by the next run.
 */
import type { ReleaseMetrics } from '@cite/metrics';
import { ConflictError, UnavailableError } from '@cite/errors';
import type { Logger } from '@cite/logging';
import { isTerminalReleaseStatus, type Release, type Service } from '@cite/model';
import type { ReleaseJob } from '@cite/queue';
import {
  lockNames,
  type Lock,
  type ObservedStatusStore,
  type ReadResults,
  type ReleaseLog,
  type Versioned,
} from '@cite/store';
import { decideRelease, supersedableWithoutLock, type ReleaseFacts } from './decide';
import { ReleaseFollowUps } from './release-follow-ups';
import { ReleaseRecords } from './release-records';
import {
  ReleaseRollout,
  type LockedContext,
  type ReleaseOutcome,
  type RolloutOptions,
  type RunContext,
} from './release-rollout';

export type { ReleaseOutcome, RunContext } from './release-rollout';

/** The lock name of a service (`locks/service/<name>` in etcd). */
export const serviceLockName = lockNames.service;

export interface ReleaseRunnerOptions extends RolloutOptions {
  /** Enqueues a release job (the deployer's own producer): automatic rollbacks, healing lost enqueues. */
  enqueue: (job: ReleaseJob) => Promise<void>;
  /** The release's deploy log (`releaselogs/…`, read by the api). */
  log: ReleaseLog;
  /** `status/<service>`: written while a rollout is followed and when it ends, when given. */
  observed?: ObservedStatusStore;
  logger: Logger;
  /** Service lock lease TTL. @defaultValue 15 */
  lockTtlSeconds?: number;
  /** How long a job waits for the service lock before retrying later. @defaultValue 30000 */
  lockWaitMs?: number;
  /** Lock owner shown to admins. @defaultValue host/pid */
  owner?: string;
  clock?: () => Date;
  /** Counts each release's verdict where it is written. @defaultValue none */
  metrics?: ReleaseMetrics;
  /** Told when a release starts and when its verdict is written; never awaited by the release. */
  onRelease?: (release: Release) => Promise<void>;
}

/** A release as read, with the facts about it. */
interface ReleaseRead {
  found: Versioned<Release>;
  facts: ReleaseFacts;
}

export class ReleaseRunner {
  private readonly records: ReleaseRecords;
  private readonly followUpsOf: ReleaseFollowUps;
  private readonly rollout: ReleaseRollout;

  constructor(private readonly options: ReleaseRunnerOptions) {
    const clock = options.clock ?? (() => new Date());
    this.records = new ReleaseRecords({ ...options, clock });
    this.followUpsOf = new ReleaseFollowUps({
      store: options.store,
      enqueue: options.enqueue,
      logger: options.logger,
      line: (release, line) => this.records.line(release, line),
      clock,
    });
    this.rollout = new ReleaseRollout(options, this.records, this.followUpsOf, clock);
  }

  async run(job: ReleaseJob, context: RunContext): Promise<ReleaseOutcome> {
    const { store } = this.options;
    // The release, the service and the newest release are read in the lock's own transaction: as of the moment
    // the lock was taken when it is free (no round trip of their own), or to do what needs no lock when it is
    // held by another release's rollout.
    const name = serviceLockName(job.service);
    const lockOptions = {
      ttlSeconds: this.options.lockTtlSeconds ?? 15,
      signal: context.signal,
      reads: this.reads(job),
      ...(this.options.owner ? { owner: this.options.owner } : {}),
    };
    const attempt = await store.etcd.tryAcquireLock(name, lockOptions);
    let lock: Lock;
    let read: ReleaseRead | null;
    if ('lock' in attempt) {
      lock = attempt.lock;
      read = this.found(attempt.lock.reads);
    } else {
      const early = await this.withoutLock(job, this.found(attempt.reads));
      if (early) return early;
      const acquired = await store.etcd.acquireLock(name, {
        ...lockOptions,
        waitMs: this.options.lockWaitMs ?? 30_000,
      });
      lock = acquired;
      read = this.found(acquired.reads);
    }
    const lost = new AbortController();
    // A listener, not a step: `ended` never rejects, and it may resolve long after the run.
    void lock.ended.then(() => {
      if (!released) lost.abort(new UnavailableError('etcd', `lost the lock ${lock.name}`));
    });
    let released = false;
    const unlock = async () => {
      if (released) return;
      released = true;
      await lock.release().catch(() => undefined);
    };
    try {
      if (!read || isTerminalReleaseStatus(read.found.value.status)) {
        await unlock();
        return await this.withoutLock(job, read).then((outcome) => outcome!);
      }
      return await this.runLocked(read, {
        ...context,
        signal: AbortSignal.any([context.signal, lost.signal]),
        unlock,
      });
    } finally {
      await unlock();
    }
  }

  /**
   * What a run does without the service lock, or null when it needs the lock: nothing for a missing release,
   * the follow-ups of a finished one, the verdict of a queued one that a newer release or the service's
   * deletion supersedes (nothing touches the cluster, so compare-and-swap on the release is enough; the lock
   * holder, if any, loses its own compare-and-swap and re-reads).
   */
  private async withoutLock(job: ReleaseJob, read: ReleaseRead | null): Promise<ReleaseOutcome | null> {
    if (!read) {
      this.options.logger.warn('release not found; nothing to do', { ...job });
      return { status: 'missing' };
    }
    const { found, facts } = read;
    if (isTerminalReleaseStatus(found.value.status))
      return { status: found.value.status, ...(await this.followUpsOf.run(found.value, facts)) };
    if (!supersedableWithoutLock(facts)) return null;
    const decision = decideRelease(facts);
    const message = decision.action === 'supersede' ? decision.message : 'superseded';
    const done = await this.records
      .finish(found, { status: 'superseded', message })
      .catch((error: unknown) => {
        if (error instanceof ConflictError) return null;
        throw error;
      });
    if (!done) return null;
    await this.records.line(done.value, { level: 'info', step: 'superseded', message });
    await this.followUpsOf.run(done.value, { ...facts, release: done.value });
    return { status: done.value.status };
  }

  /** The release, its service and the service's newest release, as reads for one transaction. */
  private reads(job: ReleaseJob) {
    const { releases, services } = this.options.store;
    return [
      releases.getRead(job.service, job.release),
      services.getRead(job.service),
      releases.latestRead(job.service),
    ] as const;
  }

  private found([found, service, newest]: ReadResults<
    ReturnType<ReleaseRunner['reads']>
  >): ReleaseRead | null {
    if (!found) return null;
    return {
      found,
      facts: { release: found.value, service: service?.value ?? null, newest: newest?.value ?? null },
    };
  }

  private async runLocked(
    { found: current, facts }: ReleaseRead,
    context: LockedContext,
  ): Promise<ReleaseOutcome> {
    const decision = decideRelease(facts);
    switch (decision.action) {
      case 'skip':
        return { status: current.value.status, ...(await this.followUpsOf.run(current.value, facts)) };
      case 'supersede': {
        const done = await this.records.finish(current, { status: 'superseded', message: decision.message });
        await this.records.line(done.value, { level: 'info', step: 'superseded', message: decision.message });
        return { status: done.value.status, ...(await this.followUpsOf.run(done.value, facts)) };
      }
      case 'deploy':
        return this.rollout.deploy(current, facts.service as Service, context);
    }
  }
}
