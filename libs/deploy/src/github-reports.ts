/**
 * Telling GitHub how releases go, from the deployer: each release of a service with a repository and a commit
 * is reported (commit status, deployment status, a preview's PR comment) by a job of the `reports` queue, so
 * GitHub being slow or down never fails or delays a deploy, and its retries lose no status. The progress of
 * each report lives in etcd (`github/reports/…`), so a retried job sends only what GitHub has not heard.
 */
import {
  GitHubRejectedError,
  reportRelease,
  type GitHubApi,
  type ReleaseReport,
  type ReportStore,
} from '@cite/github';
import { environmentOf, type Release, type Service } from '@cite/model';
import { PermanentJobError, type ReportJob } from '@cite/queue';
import { ids, type MetadataStore } from '@cite/store';

/** The report store over etcd. */
export function etcdReportStore(store: MetadataStore): ReportStore {
  return {
    async get(service, number) {
      return (await store.githubReports.get(ids.release(service, number)))?.value ?? null;
    },
    async put(service, number, progress) {
      await store.githubReports.put(ids.release(service, number), {
        stages: [...progress.stages],
        ...(progress.deploymentId === undefined ? {} : { deploymentId: progress.deploymentId }),
      });
    },
    async commentId(service) {
      return (await store.githubComments.get(service))?.value.id;
    },
    async setCommentId(service, id) {
      await store.githubComments.put(service, { id });
    },
  };
}

/** Which stage a release change asks to report. */
export function reportStageOf(release: Release): ReportJob['stage'] {
  if (release.status === 'pending') return 'pending';
  return release.status === 'in_progress' ? 'in_progress' : 'final';
}

/** Whether cite tells GitHub about `release` of `service`: it came from a commit of a repository. */
export function isReported(service: Service | null, release: Release): boolean {
  return Boolean(service?.repo && release.gitSha);
}

export interface ReportRunnerOptions {
  store: MetadataStore;
  github: GitHubApi;
  /** `CITE_PUBLIC_URL`: the links to releases. */
  publicUrl: string;
}

export class ReportRunner {
  private readonly reports: ReportStore;

  constructor(private readonly options: ReportRunnerOptions) {
    this.reports = etcdReportStore(options.store);
  }

  /** The report of `job`'s release as it is now; null when there is nothing (left) to report. */
  async reportOf(job: Pick<ReportJob, 'service' | 'release'>): Promise<ReleaseReport | null> {
    const { store, publicUrl } = this.options;
    const [service, release] = await Promise.all([
      store.services.get(job.service),
      store.releases.get(job.service, job.release),
    ]);
    if (!service || !release || !isReported(service.value, release.value)) return null;
    const { value } = service;
    const host = value.domains[0];
    return {
      service: value.name,
      number: release.value.number,
      repo: value.repo!,
      sha: release.value.gitSha!,
      environment: environmentOf(value),
      status: release.value.status,
      ...(release.value.failureReason ? { failureReason: release.value.failureReason } : {}),
      ...(release.value.message ? { message: release.value.message } : {}),
      releaseUrl: `${publicUrl}/api/v1/services/${value.name}/releases/${release.value.number}`,
      ...(host ? { environmentUrl: `${new URL(publicUrl).protocol}//${host}` } : {}),
      ...(value.preview ? { pullRequest: value.preview.pullRequest, parent: value.preview.parent } : {}),
    };
  }

  /**
   * Runs one report job: what GitHub has not heard yet. Jobs of one release (its start and its verdict may be
   * queued together) take turns under a lock, so each stage is sent once and in order. A request GitHub refuses
   * for good is not retried.
   */
  async run(job: ReportJob, signal?: AbortSignal): Promise<string[]> {
    const lock = await this.options.store.etcd.acquireLock(`report/${job.service}/${job.release}`, {
      ttlSeconds: 30,
      waitMs: 60_000,
      ...(signal ? { signal } : {}),
    });
    try {
      const report = await this.reportOf(job);
      if (!report) return [];
      return await reportRelease(this.options.github, this.reports, report);
    } catch (error) {
      if (error instanceof GitHubRejectedError) throw new PermanentJobError(error.message, { cause: error });
      throw error;
    } finally {
      await lock.release().catch(() => undefined);
    }
  }
}
