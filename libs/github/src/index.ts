export {
  parseGitHubEvent,
  type DeploymentEvent,
  type GitHubEvent,
  type OtherEvent,
  type PingEvent,
  type PullRequestEvent,
  type PushEvent,
} from './events';
export {
  branchOfRef,
  claimingServiceOf,
  decideDeployment,
  decidePullRequest,
  decidePush,
  describePing,
  sha7,
  type ClaimingService,
  type DeploymentIntent,
  type DeploymentOptions,
  type GitHead,
  type PreviewCounts,
  type PreviewIntent,
  type PushIntent,
} from './intents';
export {
  clipDescription,
  createGitHubApi,
  DESCRIPTION_MAX_LENGTH,
  GitHubRejectedError,
  REPORT_TASK,
  type CommitState,
  type DeploymentState,
  type GitHubApi,
  type GitHubClientOptions,
} from './client';
export {
  missingStages,
  reportRelease,
  stagesReached,
  type ReleaseReport,
  type ReportProgress,
  type ReportStage,
  type ReportStore,
} from './status-report';
export { githubApiFromConfig } from './from-config';
