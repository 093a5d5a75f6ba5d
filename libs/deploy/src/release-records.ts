/**
 * What a release run writes besides the cluster: the verdict (once, by compare-and-swap), the deploy log's lines
 * and the `status/<service>` view.
 */
import { ConflictError } from '@cite/errors';
import type { Logger } from '@cite/logging';
import { releaseVerdictOf, type ReleaseMetrics } from '@cite/metrics';
import { observedStatusOf, observeService, type Cluster, type ObserveOptions } from '@cite/kube';
import { isTerminalReleaseStatus, teamNamespace, type Release, type Service } from '@cite/model';
import type { MetadataStore, ObservedStatusStore, ReleaseLog, Versioned } from '@cite/store';
import { deployLogMessage, type DeployLogLine } from './deploy-log';

/** A verdict to record. */
export interface Final {
  status: 'succeeded' | 'failed' | 'superseded';
  message: string;
  failureReason?: string;
  digest?: string;
}

export interface ReleaseRecordsOptions {
  store: MetadataStore;
  cluster: Cluster;
  log: ReleaseLog;
  observed?: ObservedStatusStore;
  logger: Logger;
  clock: () => Date;
  /**
   * Told when a release starts and when its verdict is written (GitHub reports are enqueued from here). Never
   * awaited by the release: a failure is logged and the release goes on.
   */
  onRelease?: (release: Release) => Promise<void>;
  /** Where each verdict written here is counted (outcome, cause, durations). @defaultValue none */
  metrics?: ReleaseMetrics;
}

export class ReleaseRecords {
  private readonly clock: () => Date;

  constructor(private readonly options: ReleaseRecordsOptions) {
    this.clock = options.clock;
  }

  /** Writes the verdict once (compare-and-swap); a release someone else already finished is left as it is. */
  async finish(versioned: Versioned<Release>, final: Final): Promise<Versioned<Release>> {
    let current = versioned;
    for (let attempt = 1; ; attempt++) {
      if (isTerminalReleaseStatus(current.value.status)) return current;
      const { failureReason, digest, ...rest } = final;
      const next: Release = {
        ...current.value,
        ...rest,
        ...(failureReason ? { failureReason } : {}),
        ...(digest && !current.value.digest ? { digest } : {}),
        finishedAt: this.clock().toISOString(),
      };
      try {
        const done = await this.options.store.releases.update(next, current.modRevision);
        this.options.metrics?.releaseFinished(releaseVerdictOf(done.value));
        this.changed(done.value);
        return done;
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= 5) throw error;
        current = await this.options.store.releases.require(current.value.service, current.value.number);
      }
    }
  }

  /** Tells `onRelease` that `release` moved on; never fails or delays the release. */
  changed(release: Release): void {
    const told = this.options.onRelease?.(release);
    told?.catch((error: unknown) =>
      this.options.logger.warn('release change not reported', {
        service: release.service,
        release: release.number,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  }

  /** One line of the release's deploy log (and of the process log). */
  async line(release: Release, line: DeployLogLine): Promise<void> {
    const message = deployLogMessage(line);
    this.options.logger.log(line.level, message, {
      service: release.service,
      release: release.number,
      step: line.step,
    });
    await this.options.log.append(release.service, release.number, [
      { message, level: line.level, source: 'deployer' },
    ]);
  }

  /**
   * Writes `status/<service>` from the cluster, best effort: the record is a view, the watcher refreshes it too.
   * Without `events`, the record keeps the events it had.
   */
  async observe(service: Service, release: Release, options: ObserveOptions = {}): Promise<void> {
    const store = this.options.observed;
    if (!store) return;
    try {
      const [view, previous] = await Promise.all([
        observeService(this.options.cluster, teamNamespace(service.team), service.name, options),
        options.events === false ? store.get(service.name) : null,
      ]);
      const status = observedStatusOf(view, this.clock());
      await store.put(previous ? { ...status, events: previous.value.events } : status);
    } catch (error) {
      this.options.logger.warn('could not record the observed status', {
        service: service.name,
        release: release.number,
        error: (error as Error).message,
      });
    }
  }
}
