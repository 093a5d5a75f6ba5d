export {
  deployLineDocument,
  parseLevel,
  podLineDocument,
  systemLogDocument,
  timeOf,
  type DeployLine,
  type LogDocument,
  type PodLine,
} from './documents';
export {
  deployLogIndex,
  indexDate,
  indexPattern,
  serviceLogIndex,
  systemLogIndex,
  type LogKind,
} from './indices';
export { LogStore, type LogHit, type LogPage, type LogStoreOptions, type WriteResult } from './log-store';
export {
  decodeLogCursor,
  encodeLogCursor,
  LOG_MAPPINGS,
  MAX_PAGE,
  searchBody,
  type LogQuery,
} from './queries';
export {
  comparePositions,
  LineSequencer,
  normalizeTimestamp,
  sinceTimeOf,
  splitTimestamped,
  type LogPosition,
} from './positions';
export { BulkBuffer, type BulkBufferOptions } from './bulk-buffer';
export { EngineTransport } from './engine-transport';
export { DeployLogIndexer } from './deploy-log-indexer';
export { appLogging, type AppLogging } from './app-logging';
