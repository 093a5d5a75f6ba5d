export { CATALOG_KEYSPACES, LOG_SEQ_WIDTH } from './keyspaces';
export { conflictAt, invalidField, notFoundAt } from './field-errors';
export {
  ClusterEventSchema,
  ObservedStatusSchema,
  ObservedStatusStore,
  PodStatusSchema,
  type ClusterEvent,
  type ObservedStatus,
  type PodStatus,
} from './observed-status';
export {
  LOG_LEVELS,
  MAX_LOG_MESSAGE_LENGTH,
  ReleaseLog,
  ReleaseLogLineSchema,
  type LogEntry,
  type LogPage,
  type ReleaseLogLine,
} from './release-log';
export {
  canonicalJson,
  decideIdempotency,
  IDEMPOTENCY_HEADER_PATH,
  IDEMPOTENCY_STALE_AFTER_MS,
  IDEMPOTENCY_TTL_SECONDS,
  idempotencyKeyErrors,
  idempotencyRecordId,
  IdempotencyRecordSchema,
  IdempotencyStore,
  requestFingerprint,
  type BeginResult,
  type IdempotencyClaim,
  type IdempotencyDecision,
  type IdempotencyRecord,
  type StoredResponse,
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
  rolledBackService,
  rollbackDraft,
  scaleService,
  type ReleaseContext,
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
export { API_BASE, releaseLinks, serviceLinks, type ReleaseLinks } from './links';
export {
  ChangeWriter,
  enqueueOn,
  type CommittedChange,
  type EnqueueJob,
  type ServiceChange,
} from './change-writer';
export {
  hostsToRead,
  NO_CLAIMS,
  planDomainClaims,
  releasedByDeletion,
  type DomainClaims,
} from './domain-claims';
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
export { ServiceStatusViewSchema, type ServiceStatusView } from './status-view';
