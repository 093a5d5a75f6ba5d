// Quantities and name rules, as Kubernetes states them.
export {
  compareQuantities,
  formatQuantity,
  isQuantity,
  MAX_QUANTITY_UNITS,
  NANOS_PER_UNIT,
  parseQuantity,
  QUANTITY_FORMAT_MESSAGE,
  quantityErrors,
  type QuantityFormat,
} from './quantity';
export {
  DNS1035_LABEL_MAX_LENGTH,
  DNS1123_LABEL_MAX_LENGTH,
  DNS1123_SUBDOMAIN_MAX_LENGTH,
  dns1035LabelErrors,
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  envVarNameErrors,
  hostnameErrors,
  isDns1035Label,
  isDns1123Label,
  isDns1123Subdomain,
  isEnvVarName,
  isHostname,
  isLabelKey,
  isLabelValue,
  isValidPort,
  LABEL_VALUE_MAX_LENGTH,
  labelKeyErrors,
  labelValueErrors,
  portErrors,
  QUALIFIED_NAME_MAX_LENGTH,
} from './names';
export { isIP, isIPv4, isIPv4Cidr, isIPv6 } from './net';
export {
  DEFAULT_REGISTRY,
  formatImageReference,
  IMAGE_NAME_MAX_LENGTH,
  imageRepositoryErrors,
  isImageDigest,
  isImageRepository,
  isPinnedImageReference,
  parseImageReference,
  pinnedImageReferenceErrors,
  resolveImageReference,
  type ImageReference,
  type ResolvedImage,
} from './image';
export { branchNameErrors, githubRepoErrors, isBranchName, isGitHubRepo, isGitSha } from './git';
export { branchForTag, DEFAULT_TAG_TEMPLATE, renderTag, tagTemplateErrors } from './tag-template';
export { environmentOf, previewName } from './preview';
export {
  DeliveryOutcome,
  GitHubCommentSchema,
  GitHubReportSchema,
  RepoClaimSchema,
  WebhookDeliverySchema,
  type GitHubComment,
  type GitHubReport,
  type RepoClaim,
  type WebhookDelivery,
} from './github-records';

// Field schemas and parsing.
export {
  ActorSchema,
  IdSchema,
  IPSchema,
  IPv4Schema,
  NamespaceSchema,
  ObjectNameSchema,
  PortSchema,
  QuantitySchema,
  ServiceNameSchema,
  TEAM_NAME_MAX_LENGTH,
  TEAM_NAMESPACE_PREFIX,
  TeamNameSchema,
  teamNamespace,
  TimestampSchema,
} from './fields';
export { formatIssuePath, parseOrThrow, toFieldIssues } from './parse';

// Records.
export {
  DEFAULT_DEPLOY_POLICY,
  DEFAULT_HEALTH_CHECK,
  DEFAULT_RESOURCES,
  DeployPolicySchema,
  DomainsSchema,
  ENV_LIMITS,
  MAX_DOMAINS,
  MAX_LABELS,
  EnvSchema,
  EnvVarSchema,
  HealthCheckSchema,
  LabelsSchema,
  ReplicasSchema,
  ResourcesSchema,
  type DeployPolicy,
  type EnvVar,
  type HealthCheck,
  type Labels,
  type Resources,
  type ResourcesPatch,
} from './spec';
export {
  applyServicePatch,
  newService,
  SERVICE_DEFAULTS,
  ServiceCreateSchema,
  ServicePatchSchema,
  PreviewSchema,
  ServiceSchema,
  ServiceState,
  type Preview,
  type Service,
  type ServiceCreate,
  type ServiceCreateInput,
  type ServicePatch,
} from './service';
export {
  canTransitionRelease,
  isTerminalReleaseStatus,
  ReleaseCause,
  releaseConfigOf,
  ReleaseConfigSchema,
  ReleaseSchema,
  ReleaseStatus,
  TERMINAL_RELEASE_STATUSES,
  type Release,
  type ReleaseConfig,
  type ReleaseDraft,
} from './release';
export { rollbackDraft, rolledBackService, type ReleaseContext } from './rollback';
export { DomainSchema, IngressRefSchema, type Domain } from './domain';
export {
  IpRecordSchema,
  LogPositionRecordSchema,
  NodeUsageRecordSchema,
  type IpRecord,
  type LogPositionRecord,
  type NodeUsageRecord,
} from './network';
export { LbEndpointSchema, LbEndpointsSchema, type LbEndpoint, type LbEndpoints } from './lb-endpoints';
export { IpPoolNodeSchema, IpPoolSchema, type IpPool, type IpPoolNode } from './ip-pool';
export { TokenRole, TokenSchema, type Token } from './token';
export { AuditEntrySchema, AuditOutcome, type AuditEntry } from './audit';
export { OutboxEntrySchema, outboxEntryId, type OutboxEntry } from './outbox';
export {
  ClusterEventSchema,
  ObservedStatusSchema,
  PodStatusSchema,
  type ClusterEvent,
  type ObservedStatus,
  type PodStatus,
} from './observed-status';
export { LOG_LEVELS, MAX_LOG_MESSAGE_LENGTH, ReleaseLogLineSchema, type ReleaseLogLine } from './release-log';
export {
  decideIdempotency,
  IDEMPOTENCY_STALE_AFTER_MS,
  IdempotencyRecordSchema,
  type IdempotencyDecision,
  type IdempotencyRecord,
  type StoredResponse,
} from './idempotency';
export {
  BATCH_TASKS,
  BatchItemSchema,
  BatchOutcome,
  BatchReportSchema,
  BatchTaskSchema,
  type BatchItem,
  type BatchReport,
  type BatchTask,
} from './batch-report';
