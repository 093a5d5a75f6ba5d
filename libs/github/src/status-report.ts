/**
 * Reporting one release back to GitHub, resumably. GitHub hears three stages, in order — `pending` (commit status
 * pending, the deployment created, its status pending), `in_progress` (deployment status in_progress), `final`
 * (deployment status success/failure/inactive, commit status success/failure/error, and a preview's PR comment) —
 * and the store keeps how far it got. A retry after GitHub failed sends only what is missing: the deployment id is
 * saved the moment the deployment exists, so a retry never creates a second one.
 */
import type { CommitState, DeploymentState, GitHubApi } from './client';

export type ReportStage = 'pending' | 'in_progress' | 'final';

export interface ReleaseReport {
  service: string;
  number: number;
  repo: string;
  sha: string;
  /** 'production' or 'pr-<n>'. */
  environment: string;
  status: 'pending' | 'in_progress' | 'succeeded' | 'failed' | 'superseded';
  failureReason?: string;
  message?: string;
  /** cite's page/API URL of the release (target_url / log_url). */
  releaseUrl: string;
  /** The service's URL (preview host) when known. */
  environmentUrl?: string;
  /** Set for previews: the PR gets a comment. */
  pullRequest?: number;
  /** A preview's parent service, for the PR comment. @defaultValue the service name without `-pr-<n>` */
  parent?: string;
}

export interface ReportProgress {
  stages: ReportStage[];
  deploymentId?: number;
}

export interface ReportStore {
  get(service: string, number: number): Promise<ReportProgress | null>;
  put(service: string, number: number, progress: ReportProgress): Promise<void>;
  commentId(service: string): Promise<number | undefined>;
  setCommentId(service: string, id: number): Promise<void>;
}

const STAGES: readonly ReportStage[] = ['pending', 'in_progress', 'final'];

/** The stages a release in `status` has reached: every one before its own too, as GitHub shows a sequence. Pure. */
export function stagesReached(status: ReleaseReport['status']): ReportStage[] {
  if (status === 'pending') return ['pending'];
  if (status === 'in_progress') return ['pending', 'in_progress'];
  return [...STAGES];
}

/**
 * The stages still to send, in order. `pending` counts as sent only with a deployment id: without one, later
 * stages would have no deployment to address. Pure.
 */
export function missingStages(
  status: ReleaseReport['status'],
  progress: ReportProgress | null,
): ReportStage[] {
  const done = new Set(progress?.stages ?? []);
  if (progress?.deploymentId === undefined) done.delete('pending');
  return stagesReached(status).filter((stage) => !done.has(stage));
}

const shortSha = (sha: string) => sha.slice(0, 7);

/** A preview's parent: given, or the name without its `-pr-<n>` suffix. Pure. */
export function parentOf(report: Pick<ReleaseReport, 'service' | 'pullRequest' | 'parent'>): string {
  if (report.parent) return report.parent;
  const suffix = `-pr-${report.pullRequest}`;
  return report.service.endsWith(suffix) ? report.service.slice(0, -suffix.length) : report.service;
}

/** The final states and the description GitHub shows for a release that ended. Pure. */
export function finalOutcome(report: ReleaseReport): {
  deployment: DeploymentState;
  commit: CommitState;
  description: string;
} {
  const release = `Release ${report.number} of ${report.service}`;
  switch (report.status) {
    case 'succeeded':
      return { deployment: 'success', commit: 'success', description: `${release} is live` };
    case 'superseded':
      // The deployment is replaced (inactive); the commit gets `error`, not `failure`: nothing in it failed,
      // and a pending status must not stay on the commit forever.
      return {
        deployment: 'inactive',
        commit: 'error',
        description: `${release} was superseded by a newer release`,
      };
    default:
      return {
        deployment: 'failure',
        commit: 'failure',
        description: `${release} failed: ${report.failureReason ?? report.message ?? 'no reason given'}`,
      };
  }
}

/** The PR comment of a live preview. Pure. */
export function previewComment(report: ReleaseReport): string {
  const where = report.environmentUrl ? `is live at ${report.environmentUrl}` : 'is live';
  return [
    `Preview of \`${parentOf(report)}\` for this pull request ${where} (release ${report.number}, ${shortSha(report.sha)}).`,
    '',
    `Service \`${report.service}\` · [release details](${report.releaseUrl}) · cite edits this comment on each release.`,
  ].join('\n');
}

interface Step {
  api: GitHubApi;
  store: ReportStore;
  report: ReleaseReport;
  context: string;
}

/** Commit status pending, the deployment (its id saved at once), deployment status pending. */
async function sendPending({ api, store, report, context }: Step, progress: ReportProgress): Promise<number> {
  const { repo, service, number } = report;
  const description = `Release ${number} of ${service} is pending`;
  let deploymentId = progress.deploymentId;
  if (deploymentId === undefined) {
    await api.createCommitStatus({
      repo,
      sha: report.sha,
      state: 'pending',
      context,
      description,
      targetUrl: report.releaseUrl,
    });
    const preview = report.environment.startsWith('pr-');
    ({ id: deploymentId } = await api.createDeployment({
      repo,
      ref: report.sha,
      environment: report.environment,
      description,
      transientEnvironment: preview,
      productionEnvironment: report.environment === 'production',
    }));
    await store.put(service, number, { ...progress, deploymentId });
  }
  await api.createDeploymentStatus({
    repo,
    deploymentId,
    state: 'pending',
    description,
    logUrl: report.releaseUrl,
  });
  return deploymentId;
}

async function sendInProgress({ api, report }: Step, deploymentId: number): Promise<void> {
  await api.createDeploymentStatus({
    repo: report.repo,
    deploymentId,
    state: 'in_progress',
    description: `Release ${report.number} of ${report.service} is rolling out`,
    logUrl: report.releaseUrl,
    ...(report.environmentUrl ? { environmentUrl: report.environmentUrl } : {}),
  });
}

/** Deployment status, commit status, and for a live preview its one PR comment (edited on later releases). */
async function sendFinal({ api, store, report, context }: Step, deploymentId: number): Promise<void> {
  const outcome = finalOutcome(report);
  const live = report.status === 'succeeded';
  await api.createDeploymentStatus({
    repo: report.repo,
    deploymentId,
    state: outcome.deployment,
    description: outcome.description,
    logUrl: report.releaseUrl,
    ...(live && report.environmentUrl ? { environmentUrl: report.environmentUrl } : {}),
  });
  await api.createCommitStatus({
    repo: report.repo,
    sha: report.sha,
    state: outcome.commit,
    context,
    description: outcome.description,
    targetUrl: report.releaseUrl,
  });
  if (!live || report.pullRequest === undefined) return;
  const known = await store.commentId(report.service);
  const { id } = await api.upsertComment({
    repo: report.repo,
    issue: report.pullRequest,
    ...(known === undefined ? {} : { commentId: known }),
    body: previewComment(report),
  });
  if (id !== known) await store.setCommentId(report.service, id);
}

/** The deployment later stages address; `missingStages` puts `pending` first whenever it is not known yet. */
function deploymentOf(progress: ReportProgress): number {
  if (progress.deploymentId === undefined)
    throw new Error('no GitHub deployment to report on: pending was not sent');
  return progress.deploymentId;
}

/**
 * Sends what GitHub has not been told yet about `report`, in order; saves progress after each call that creates
 * something and after each stage. Answers the stages this call sent (empty when GitHub already knew everything).
 * Throws the client's errors (`UnavailableError`: retry later; `GitHubRejectedError`: give up).
 */
export async function reportRelease(
  api: GitHubApi,
  store: ReportStore,
  report: ReleaseReport,
  context = `cite/${report.service}`,
): Promise<ReportStage[]> {
  const step: Step = { api, store, report, context };
  const stored = await store.get(report.service, report.number);
  const missing = missingStages(report.status, stored);
  let progress: ReportProgress = {
    stages: [...(stored?.stages ?? [])],
    ...(stored?.deploymentId === undefined ? {} : { deploymentId: stored.deploymentId }),
  };
  const sent: ReportStage[] = [];
  for (const stage of missing) {
    if (stage === 'pending') {
      progress = { ...progress, deploymentId: await sendPending(step, progress) };
    } else if (stage === 'in_progress') {
      await sendInProgress(step, deploymentOf(progress));
    } else {
      await sendFinal(step, deploymentOf(progress));
    }
    progress = { ...progress, stages: STAGES.filter((s) => s === stage || progress.stages.includes(s)) };
    await store.put(report.service, report.number, progress);
    sent.push(stage);
  }
  return sent;
}
