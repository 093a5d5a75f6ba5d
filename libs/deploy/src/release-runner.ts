/**
 * The executor of a release job: takes the service's lock, re-reads etcd, decides (`decideRelease`), applies
 * through the `Cluster` port, follows the rollout to a verdict and records it once, with compare-and-swap.
 * Running a job twice changes nothing; a run interrupted anywhere is resumed by the next run.
 */
import type { ObservedStatusStore, ReleaseLog } from '@cite/catalog';
import { ConflictError, UnavailableError } from '@cite/errors';
import type { Logger } from '@cite/logging';
import {
  isTerminalReleaseStatus,
  teamNamespace,
  type Release,
  type ReleaseStatus,
  type Service,
} from '@cite/model';
import type { ReleaseJob } from '@cite/queue';
import type { Lock, MetadataStore, ReadResults, Versioned } from '@cite/store';
import {
  DEFAULT_PROGRESS_DEADLINE_SECONDS,
  renderService,
  trackRollout,
  type Cluster,
  type RenderOptions,
  type RolloutState,
} from '@cite/kube';
import { decideRelease, failureOfAttempt, supersedableWithoutLock, type ReleaseFacts } from './decide';
import type { ImageRegistry } from './image-registry';
import { ObjectApplier } from './object-applier';
import { ReleaseFollowUps } from './release-follow-ups';
import { ReleaseRecords, type Final } from './release-records';

/** The least time between two progress lines of one release's deploy log. */
const PROGRESS_LINE_GAP_MS = 100;

/** The lock name of a service (`locks/service/<name>` in etcd). */
export const serviceLockName = (service: string): string => `service/${service}`;

export interface ReleaseRunnerOptions {
  store: MetadataStore;
  cluster: Cluster;
  /** Enqueues a release job (the deployer's own producer): automatic rollbacks, healing lost enqueues. */
  enqueue: (job: ReleaseJob) => Promise<void>;
  /** The release's deploy log (`releaselogs/…`, read by the api). */
  log: ReleaseLog;
  /** `status/<service>`: written while a rollout is followed and when it ends, when given. */
  observed?: ObservedStatusStore;
  logger: Logger;
  /** Checked before applying when set. */
  registry?: ImageRegistry;
  render?: RenderOptions;
  /** Service lock lease TTL. @defaultValue 15 */
  lockTtlSeconds?: number;
  /** How long a job waits for the service lock before retrying later. @defaultValue 30000 */
  lockWaitMs?: number;
  /** How long past the progress deadline the tracker waits for Kubernetes' verdict. @defaultValue 60000 */
  trackMarginMs?: number;
  /**
   * While a rollout is followed, `status/<service>` is rewritten at most this often (it reads pods and events);
   * the verdict always writes it. @defaultValue 1000
   */
  observeEveryMs?: number;
  /** Lock owner shown to admins. @defaultValue host/pid */
  owner?: string;
  clock?: () => Date;
}

export interface RunContext {
  /** Aborted when the worker shuts down: stop and let the job be handed back. */
  signal: AbortSignal;
  /** No retry follows a transient failure of this run: record a verdict instead of leaving the release open. */
  isFinalAttempt: boolean;
  attempt: number;
}

export interface ReleaseOutcome {
  status: ReleaseStatus | 'missing';
  reason?: string;
  /** The automatic rollback release created by this run. */
  rollback?: number;
}

/**
 * A run holding the service lock. `unlock` lets the next release of the service in as soon as the verdict is
 * written: the follow-ups (log line, current release, automatic rollback, re-enqueue) are idempotent
 * compare-and-swaps and enqueues that need no lock.
 */
interface LockedContext extends RunContext {
  unlock: () => Promise<void>;
}

/** A release as read, with the facts about it. */
interface ReleaseRead {
  found: Versioned<Release>;
  facts: ReleaseFacts;
}

export class ReleaseRunner {
  private readonly clock: () => Date;
  private readonly render: RenderOptions;

  private readonly applier: ObjectApplier;
  private readonly records: ReleaseRecords;
  private readonly followUpsOf: ReleaseFollowUps;

  constructor(private readonly options: ReleaseRunnerOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.render = options.render ?? {};
    this.applier = new ObjectApplier(options.cluster);
    this.records = new ReleaseRecords({ ...options, clock: this.clock });
    this.followUpsOf = new ReleaseFollowUps({
      store: options.store,
      enqueue: options.enqueue,
      logger: options.logger,
      line: (release, line) => this.records.line(release, line),
      clock: this.clock,
    });
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

  /** The service and its newest release, read in one transaction. */
  private async facts(release: Release): Promise<ReleaseFacts> {
    const { etcd, services, releases } = this.options.store;
    const [service, newest] = await etcd.read([
      services.getRead(release.service),
      releases.latestRead(release.service),
    ] as const);
    return { release, service: service?.value ?? null, newest: newest?.value ?? null };
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
        return this.deploy(current, facts.service as Service, context);
    }
  }

  private async deploy(
    current: Versioned<Release>,
    service: Service,
    context: LockedContext,
  ): Promise<ReleaseOutcome> {
    const { store } = this.options;
    let versioned = current;
    const release = current.value;
    if (release.status === 'pending') {
      versioned = await store.releases.update(
        { ...release, status: 'in_progress', startedAt: this.clock().toISOString(), message: 'applying' },
        current.modRevision,
      );
    }
    // The first log line is written while the image is checked and the objects applied (every later line
    // waits for it, so the log keeps its order).
    const started = this.records.line(
      release,
      release.status === 'pending'
        ? {
            level: 'info',
            step: 'started',
            message: `release ${release.number}: ${release.cause} of ${release.image} by ${release.actor}`,
          }
        : {
            level: 'warn',
            step: 'started',
            message: `release ${release.number}: resuming an interrupted run (attempt ${context.attempt})`,
          },
    );
    // Its failure fails the run below, after the cluster calls; never an unhandled rejection.
    started.catch(() => undefined);
    let verdict: RolloutState;
    let digest = release.digest;
    try {
      if (this.options.registry) {
        const check = await this.options.registry.check(release.image);
        await started;
        if (!check.found) {
          return await this.fail(
            versioned,
            {
              status: 'failed',
              failureReason: 'ImageNotFound',
              message: `image not found: ${release.image} (${this.options.registry.url} answered ${check.status})`,
            },
            context.unlock,
          );
        }
        if ('skipped' in check) {
          await this.records.line(release, {
            level: 'info',
            step: 'image',
            message: `image ${release.image} is not on ${this.options.registry.url}; not checked`,
          });
        } else {
          digest ??= check.digest;
          await this.records.line(release, {
            level: 'info',
            step: 'image',
            message: `image ${release.image} found${check.digest ? ` (${check.digest})` : ''}`,
          });
        }
      }
      verdict = await this.applyAndTrack(service, release, context.signal, started);
    } catch (error) {
      await started.catch(() => undefined);
      if (context.signal.aborted) throw error;
      const failure = failureOfAttempt(error, { number: context.attempt, isFinal: context.isFinalAttempt });
      if (failure) return this.fail(versioned, { status: 'failed', ...failure }, context.unlock);
      const message = error instanceof Error ? error.message : String(error);
      await this.records
        .line(release, {
          level: 'warn',
          step: 'retry',
          message: `attempt ${context.attempt} failed, will retry: ${message}`,
        })
        .catch(() => undefined);
      throw error;
    }
    // Recording the verdict and its follow-ups is outside the try: their failures retry the job, and the
    // re-run finds the verdict recorded and redoes only the follow-ups.
    await this.records.observe(service, release);
    if (verdict.phase === 'succeeded')
      return this.succeed(versioned, verdict, { digest, service, unlock: context.unlock });
    return this.fail(
      versioned,
      {
        status: 'failed',
        failureReason: verdict.reason ?? 'RolloutFailed',
        message: verdict.message,
        ...(digest ? { digest } : {}),
      },
      context.unlock,
    );
  }

  /** Renders and applies the release's objects, then follows the Deployment's rollout to a verdict. */
  private async applyAndTrack(
    service: Service,
    release: Release,
    signal: AbortSignal,
    started: Promise<void>,
  ): Promise<RolloutState> {
    const { cluster } = this.options;
    const rendered = renderService(service, release, this.render);
    const namespace = teamNamespace(service.team);
    const applyStartedAt = new Date(); // compared with the cluster's condition times, so not this.clock
    const deployment = await this.applier.apply(rendered);
    await started;
    await this.records.line(release, {
      level: 'info',
      step: 'applied',
      message: `applied Deployment, Service${rendered.ingress ? ', Ingress' : ''} to ${namespace} (generation ${
        deployment.metadata?.generation ?? '?'
      })`,
    });
    const deadlineSeconds = this.render.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS;
    const observeEveryMs = this.options.observeEveryMs ?? 1000;
    let observedAt = Number.NEGATIVE_INFINITY;
    let loggedAt = Number.NEGATIVE_INFINITY;
    return trackRollout(cluster, {
      namespace,
      name: service.name,
      timeoutMs: deadlineSeconds * 1000 + (this.options.trackMarginMs ?? 60_000),
      signal,
      applied: { generation: deployment.metadata?.generation ?? 0, startedAt: applyStartedAt },
      onProgress: async (state, deployment) => {
        // States that follow each other within PROGRESS_LINE_GAP_MS (a fast rollout) are not all logged.
        if (performance.now() - loggedAt >= PROGRESS_LINE_GAP_MS) {
          loggedAt = performance.now();
          await this.records.line(release, { level: 'info', step: 'progress', message: state.message });
        }
        if (performance.now() - observedAt < observeEveryMs) return;
        observedAt = performance.now();
        await this.records.observe(service, release, { events: false, deployment });
      },
    });
  }

  private async succeed(
    versioned: Versioned<Release>,
    verdict: RolloutState,
    {
      digest,
      service,
      unlock,
    }: { digest: string | undefined; service: Service; unlock: () => Promise<void> },
  ): Promise<ReleaseOutcome> {
    // The service points at its new release before the release says succeeded, so whoever sees `succeeded`
    // also sees `currentRelease` (the api's rollback reads it). Re-runs set it again, idempotently.
    await this.followUpsOf.markCurrent(versioned.value);
    const done = await this.records.finish(versioned, {
      status: 'succeeded',
      message: verdict.message,
      ...(digest ? { digest } : {}),
    });
    await unlock();
    await this.records.line(done.value, { level: 'info', step: 'succeeded', message: verdict.message });
    // The follow-ups of a success need only the newest release (the service is current already).
    const newest = await this.options.store.releases.latest(done.value.service);
    const facts = { release: done.value, service, newest: newest?.value ?? null };
    return {
      status: done.value.status,
      ...(await this.followUpsOf.run(done.value, facts, { currentSet: true })),
    };
  }

  private async fail(
    versioned: Versioned<Release>,
    final: Final,
    unlock?: () => Promise<void>,
  ): Promise<ReleaseOutcome> {
    const done = await this.records.finish(versioned, final);
    await unlock?.();
    await this.records.line(done.value, {
      level: 'error',
      step: 'failed',
      message: final.message,
      ...(final.failureReason ? { reason: final.failureReason } : {}),
    });
    const outcome = await this.followUpsOf.run(done.value, await this.facts(done.value));
    return {
      status: done.value.status,
      ...(done.value.failureReason ? { reason: done.value.failureReason } : {}),
      ...outcome,
    };
  }
}
