/**
 * A release the runner decided to deploy, under the service's lock: checks the image, applies the objects through
 * the `Cluster` port, follows the rollout to a verdict and records it once (compare-and-swap), then its follow-ups.
 * A failed attempt either fails the release or goes back to the queue to be retried.
 */
import { setTimeout } from 'node:timers/promises';
import type { Cluster, RenderOptions, RolloutState } from '@cite/kube';
import { DEFAULT_PROGRESS_DEADLINE_SECONDS, renderService, trackRollout } from '@cite/kube';
import { teamNamespace, type Release, type ReleaseStatus, type Service } from '@cite/model';
import type { MetadataStore, Versioned } from '@cite/store';
import { failureOfAttempt, type ReleaseFacts } from './decide';
import type { DeployLogLine } from './deploy-log';
import type { ImageCheck, ImageRegistry } from './image-registry';
import { ObjectApplier } from './object-applier';
import type { ReleaseFollowUps } from './release-follow-ups';
import type { Final, ReleaseRecords } from './release-records';

/** The least time between two progress lines of one release's deploy log. */
const PROGRESS_LINE_GAP_MS = 100;

export interface RolloutOptions {
  store: MetadataStore;
  cluster: Cluster;
  /** Checked before applying when set. */
  registry?: ImageRegistry;
  render?: RenderOptions;
  /**
   * How long a release of a pushed commit (one with a `gitSha`) waits for its image to appear on the registry
   * before it fails with "image not found": CI builds and pushes it while cite already deploys. @defaultValue 0
   */
  imageWaitMs?: number;
  /** How long past the progress deadline the tracker waits for Kubernetes' verdict. @defaultValue 60000 */
  trackMarginMs?: number;
  /**
   * While a rollout is followed, `status/<service>` is rewritten at most this often (it reads pods and events);
   * the verdict always writes it. @defaultValue 1000
   */
  observeEveryMs?: number;
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
export interface LockedContext extends RunContext {
  unlock: () => Promise<void>;
}

export class ReleaseRollout {
  private readonly render: RenderOptions;
  private readonly applier: ObjectApplier;

  constructor(
    private readonly options: RolloutOptions,
    private readonly records: ReleaseRecords,
    private readonly followUpsOf: ReleaseFollowUps,
    private readonly clock: () => Date,
  ) {
    this.render = options.render ?? {};
    this.applier = new ObjectApplier(options.cluster);
  }

  /** Applies the release and follows its rollout to a verdict, which it records with its follow-ups. */
  async deploy(
    current: Versioned<Release>,
    service: Service,
    context: LockedContext,
  ): Promise<ReleaseOutcome> {
    const release = current.value;
    const versioned = await this.markInProgress(current);
    // The first log line is written while the image is checked and the objects applied (every later line
    // waits for it, so the log keeps its order).
    const started = this.records.line(release, startLine(release, context.attempt));
    // Its failure fails the run below, after the cluster calls; never an unhandled rejection.
    started.catch(() => undefined);
    let verdict: RolloutState;
    let digest = release.digest;
    try {
      const image = await this.checkImage(release, started, context.signal);
      if ('failure' in image) return await this.fail(versioned, image.failure, context.unlock);
      digest ??= image.digest;
      verdict = await this.applyAndTrack(service, release, context.signal, started);
    } catch (error) {
      return this.failedAttempt(error, versioned, context, started);
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

  /** A pending release becomes `in_progress` (an interrupted one already is). */
  private async markInProgress(current: Versioned<Release>): Promise<Versioned<Release>> {
    const release = current.value;
    if (release.status !== 'pending') return current;
    const started = await this.options.store.releases.update(
      { ...release, status: 'in_progress', startedAt: this.clock().toISOString(), message: 'applying' },
      current.modRevision,
    );
    this.records.changed(started.value);
    return started;
  }

  /**
   * Asks the registry, when there is one, whether the image exists (after the first log line): the verdict to
   * record when it does not, else the digest it reported.
   */
  private async checkImage(
    release: Release,
    started: Promise<void>,
    signal: AbortSignal,
  ): Promise<{ failure: Final } | { digest?: string }> {
    const { registry } = this.options;
    if (!registry) return {};
    let check = await registry.check(release.image);
    await started;
    // A pushed commit's image is built by CI at the same time: wait for its tag (bounded) before giving up.
    const waitMs = release.gitSha ? (this.options.imageWaitMs ?? 0) : 0;
    if (!check.found && waitMs > 0) check = await this.waitForImage(release, signal, waitMs);
    if (!check.found) {
      return {
        failure: {
          status: 'failed',
          failureReason: 'ImageNotFound',
          message: `image not found: ${release.image} (${registry.url} answered ${check.status})`,
        },
      };
    }
    if ('skipped' in check) {
      await this.records.line(release, {
        level: 'info',
        step: 'image',
        message: `image ${release.image} is not on ${registry.url}; not checked`,
      });
      return {};
    }
    await this.records.line(release, {
      level: 'info',
      step: 'image',
      message: `image ${release.image} found${check.digest ? ` (${check.digest})` : ''}`,
    });
    return check.digest === undefined ? {} : { digest: check.digest };
  }

  /** Polls the registry for the release's image every 2–10 s until it is there or `waitMs` passed. */
  private async waitForImage(release: Release, signal: AbortSignal, waitMs: number): Promise<ImageCheck> {
    const registry = this.options.registry!;
    await this.records.line(release, {
      level: 'info',
      step: 'image',
      message: `waiting up to ${Math.round(waitMs / 1000)} s for CI to push ${release.image}`,
    });
    const deadline = Date.now() + waitMs;
    let pause = 2_000;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return registry.check(release.image);
      await setTimeout(Math.min(pause, left), undefined, { signal });
      const check = await registry.check(release.image);
      if (check.found) return check;
      pause = Math.min(pause * 2, 10_000);
    }
  }

  /**
   * After an attempt failed before its verdict: the release fails when the error says so (`failureOfAttempt`);
   * otherwise the log says a retry follows and the error goes back to the queue. A shutdown hands the job back.
   */
  private async failedAttempt(
    error: unknown,
    versioned: Versioned<Release>,
    context: LockedContext,
    started: Promise<void>,
  ): Promise<ReleaseOutcome> {
    await started.catch(() => undefined);
    if (context.signal.aborted) throw error;
    const failure = failureOfAttempt(error, { number: context.attempt, isFinal: context.isFinalAttempt });
    if (failure) return this.fail(versioned, { status: 'failed', ...failure }, context.unlock);
    const message = error instanceof Error ? error.message : String(error);
    await this.records
      .line(versioned.value, {
        level: 'warn',
        step: 'retry',
        message: `attempt ${context.attempt} failed, will retry: ${message}`,
      })
      .catch(() => undefined);
    throw error;
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

  /** The service and its newest release, read in one transaction. */
  private async facts(release: Release): Promise<ReleaseFacts> {
    const { etcd, services, releases } = this.options.store;
    const [service, newest] = await etcd.read([
      services.getRead(release.service),
      releases.latestRead(release.service),
    ] as const);
    return { release, service: service?.value ?? null, newest: newest?.value ?? null };
  }
}

/** The first deploy-log line of a run: a start, or the resumption of an interrupted run. */
function startLine(release: Release, attempt: number): DeployLogLine {
  return release.status === 'pending'
    ? {
        level: 'info',
        step: 'started',
        message: `release ${release.number}: ${release.cause} of ${release.image} by ${release.actor}`,
      }
    : {
        level: 'warn',
        step: 'started',
        message: `release ${release.number}: resuming an interrupted run (attempt ${attempt})`,
      };
}
