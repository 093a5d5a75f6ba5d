/**
 * cite's batch tasks (`cite-batch <task>`): gc, etcd backup and restore, log retention, health checks, the node
 * report. Each is a `BatchTaskRun`; `runTask` runs one under its lock and saves its report. The deciding parts
 * (`planGc`, `planRetention`, `nodeRows`, `healthOf`, `driftOf`) are pure and exported for tests and tools.
 */
export { buildReport, oneLine, reportId, runTask, type RunTaskOptions, type TaskOutcome } from './run-task';
export {
  emptyResult,
  SILENT_PROGRESS,
  type BatchTaskRun,
  type Progress,
  type TaskContext,
  type TaskResult,
} from './task';
export {
  describeObject,
  keptReleases,
  planGc,
  type GcDecision,
  type GcKind,
  type GcObject,
  type GcPolicy,
  type GcServiceState,
} from './gc-plan';
export { gcTask, paceDelayMs, type GcOptions } from './gc';
export { logRetentionTask, planRetention, type RetentionDays, type RetentionDecision } from './log-retention';
export { nodeReportTask, nodeRows, RANGE_WARNING_RATIO, type NodeRow } from './node-report';
export {
  driftOf,
  healthCheckTask,
  healthOf,
  restartingPods,
  type Health,
  type HealthCheckOptions,
  type Probe,
  type ServiceHealth,
} from './health-check';
export { etcdBackupTask, etcdRestoreTask, newestSnapshot, type BackupOptions } from './backup-tasks';
