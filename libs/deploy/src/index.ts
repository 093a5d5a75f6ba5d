export {
  decideRelease,
  DEPLOYER_ACTOR,
  planAutoRollback,
  autoRollback,
  releasedByDeletion,
  rollbackTarget,
  supersedableWithoutLock,
  type ReleaseDecision,
  type ReleaseFacts,
  type RollbackPlan,
} from './decide';
export {
  createImageRegistry,
  splitImage,
  type ImageCheck,
  type ImageRegistry,
  type RegistryOptions,
} from './image-registry';
export { deployLogMessage, deployStepOf, type DeployLogLine, type DeployStep } from './deploy-log';
export { NOT_APPLIED_REASONS, ReleaseFollowUps } from './release-follow-ups';
export { ObjectApplier } from './object-applier';
export {
  ReleaseRunner,
  serviceLockName,
  type ReleaseOutcome,
  type ReleaseRunnerOptions,
  type RunContext,
} from './release-runner';
export { DeletionRunner, type DeletionOutcome, type DeletionRunnerOptions } from './deletion-runner';
export { isDue, OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
export {
  etcdReportStore,
  isReported,
  ReportRunner,
  reportStageOf,
  type ReportRunnerOptions,
} from './github-reports';
