export {
  canonicalJson,
  IDEMPOTENCY_HEADER_PATH,
  idempotencyKeyErrors,
  idempotencyRecordId,
  requestFingerprint,
} from './idempotency';
export { resolveDeployImage, type DeployImage } from './deploy-image';
export {
  DeployRequestSchema,
  RollbackRequestSchema,
  ScaleRequestSchema,
  type DeployRequest,
  type RollbackRequest,
  type ScaleRequest,
} from './requests';
export {
  baseRelease,
  changeDraft,
  deployDraft,
  releaseConfigChanged,
  scaleService,
} from './release-planning';
export {
  checkRollbackTarget,
  isDefaultRollbackTarget,
  noDefaultTarget,
  runningReleaseNumber,
  type RollbackContext,
} from './rollback';
export {
  assertChangeable,
  assertSpecSize,
  deletingService,
  MAX_SPEC_BYTES,
  matchesFilter,
  parseLabelSelector,
  planCreate,
  type CreatePlan,
  type LabelSelector,
  type ServiceFilter,
} from './service-rules';
export {
  releaseEvents,
  rolloutEvents,
  rolloutOf,
  type ReleaseEventName,
  type StreamEvent,
} from './release-events';
export { followRelease, followReleaseLog, readReleaseLog, type FollowOptions } from './streams';
export { hostsToRead, NO_CLAIMS, planDomainClaims } from './domain-claims';
export {
  allowedRegistries,
  ANY_REGISTRY,
  assertRegistryAllowed,
  registryOf,
  type RegistryPolicy,
} from './registry-policy';
export { findRollbackTarget } from './rollback-targets';
export { auditEntryOf, type AuditIntent, type CallContext } from './call-context';
export {
  ServiceCatalog,
  type ChangeResult,
  type ServiceCatalogOptions,
  type ServiceListQuery,
} from './service-catalog';
export {
  serviceSummary,
  ServiceSummarySchema,
  ServiceStatusViewSchema,
  type ServiceStatusView,
  type ServiceSummary,
} from './status-view';
export { GitHubFlow, type FlowOutcome, type GitHubFlowOptions } from './github-flow';
export { deliveryRecord, DeliveryRunner, refusalOf, type DeliveryRunnerOptions } from './delivery-runner';
export { claimedBranch } from './repo-claims';
export {
  EndpointsViewSchema,
  endpointsView,
  ipView,
  IpViewSchema,
  lookupAddress,
  mayRead,
  NetworkNodeViewSchema,
  networkView,
  NetworkViewSchema,
  NetworkWarningSchema,
  NODE_USE_WARNING_RATIO,
  poolOf,
  type EndpointsView,
  type IpView,
  type NetworkNodeView,
  type NetworkView,
  type NetworkWarning,
} from './network-view';
export {
  followPods,
  PodChangeSchema,
  podChanges,
  podEvents,
  PodSnapshotSchema,
  resumePlan,
  snapshotEvent,
  type PodChange,
  type PodFollowOptions,
  type PodSnapshot,
  type PodStreamEvent,
} from './pod-events';
export {
  comparePositions,
  DEFAULT_TAIL_LINES,
  firstRead,
  FollowedPods,
  formatEventId,
  LogMerge,
  logTailQuery,
  logTimeOf,
  MAX_SINCE_SECONDS,
  MAX_TAIL_LINES,
  parseEventId,
  parseLogLine,
  PodLines,
  podsToFollow,
  secondFloor,
  secondFloorOf,
  StreamCounter,
  type LogPosition,
  type LogTailQuery,
  type ParsedLogLine,
  type TailEvent,
  type TailLine,
} from './log-tail';
