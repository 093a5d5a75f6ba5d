export { createRedis, pingRedis, type RedisClient } from './redis';
export * from './jobs';
export { CAPPED_BACKOFF_TYPE, cappedBackoffMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
export { classifyJobError, HandBackError, PermanentJobError, type JobFailureKind } from './job-errors';
export { BullJobQueue, createJobQueue, QUEUE_PREFIX, type JobQueueOptions, type JobState } from './job-queue';
export {
  createWorker,
  type CloseOptions,
  type JobHandler,
  type JobRun,
  type JobWorker,
  type WorkerOptions,
} from './worker';
