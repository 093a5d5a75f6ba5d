export { EtcdStore } from './etcd-store';
export { DEFAULT_PREFIX, DEFAULT_TIMEOUT_MS, type EtcdStoreOptions } from './etcd-connection';
export { WatchCompactedError } from './etcd-errors';
export {
  Repository,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  type CorruptEntry,
  type ListItem,
  type ListOptions,
  type Page,
  type RepositoryOptions,
  type Versioned,
} from './repository';
export { RepositoryWatch, type WatchEvent, type WatchOptions } from './repository-watch';
export { ValueCodec } from './value-codec';
export {
  SequenceAllocator,
  type AllocateOptions,
  type Allocated,
  type SequenceAllocatorOptions,
} from './sequence-allocator';
export {
  DEFAULT_LOCK_TTL_SECONDS,
  LockManager,
  type AcquireLockOptions,
  type Lock,
  type LockAttempt,
  type LockInfo,
  type LockWithReads,
} from './locks';
export type { Read, ReadResults } from './reads';
export type { LeaseEnd } from './held-lease';
export {
  Leadership,
  DEFAULT_ELECTION_TTL_SECONDS,
  type CampaignEnd,
  type CampaignOptions,
  type LeaderInfo,
  type LeadershipState,
} from './election';
export {
  KEYSPACES,
  LOG_SEQ_WIDTH,
  RELEASE_NUMBER_WIDTH,
  decodeCursor,
  encodeCursor,
  ids,
  keys,
  lockNames,
  padLogSeq,
  padReleaseNumber,
  parseReleaseNumber,
} from './keys';
export { MetadataStore, NetworkPoolRecord } from './metadata-store';
export { ReleaseStore, type ReleaseListOptions } from './release-store';
export { AuditLog, type AuditListOptions } from './audit-log';
export { WriteBatch, type Committed } from './write-batch';
export { KeyedMutex } from './keyed-mutex';
export {
  ChangeWriter,
  enqueueOn,
  type CommittedChange,
  type DomainClaims,
  type RepoClaims,
  type EnqueueJob,
  type OutboxJobSink,
  type ServiceChange,
} from './change-writer';
export { ObservedStatusStore } from './observed-status';
export { ReleaseLog, type LogEntry, type LogPage } from './release-log';
export {
  IDEMPOTENCY_TTL_SECONDS,
  IdempotencyStore,
  type BeginResult,
  type IdempotencyClaim,
} from './idempotency-store';
export { Mirror, type MirrorChange } from './mirror';
export { BatchReportStore, DEFAULT_REPORTS_KEPT } from './batch-reports';
