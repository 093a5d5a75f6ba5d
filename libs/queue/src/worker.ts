import type { Logger } from '@cite/logging';
import { NO_METRICS, type QueueMetrics } from '@cite/metrics';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { CAPPED_BACKOFF_TYPE, cappedBackoffMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import { classifyJobError } from './job-errors';
import { QUEUE_PREFIX } from './job-queue';
import type { JobPayloads, QueueName } from './jobs';
import { createRedis } from './redis';

/** What a handler sees of one run of a job. */
export interface JobRun<Q extends QueueName> {
  queue: Q;
  id: string;
  data: JobPayloads[Q];
  /** 1 for the first run; hand-backs and stalls do not count. */
  attempt: number;
  maxAttempts: number;
  /** No retry follows if this run fails transiently: record the outcome now if there is one to record. */
  isFinalAttempt: boolean;
  /** Aborted when the worker shuts down past its grace period: stop, and throw (the job is handed back). */
  signal: AbortSignal;
}

export type JobHandler<Q extends QueueName> = (run: JobRun<Q>) => Promise<void>;

export interface WorkerOptions {
  redisUrl: string;
  /**
   * Jobs of this queue run at once in this process.
   * @defaultValue 1
   */
  concurrency?: number;
  /**
   * BullMQ job lock, renewed while the job runs. A worker that dies loses it after this long and its job is moved
   * back to wait by the next stalled-job check (every `lockDurationMs / 2`).
   * @defaultValue 30000
   */
  lockDurationMs?: number;
  /**
   * Times a job may be found stalled (its worker died) and run again before it fails.
   * @defaultValue 5
   */
  maxStalledCount?: number;
  /** Retry timing for transient failures. @defaultValue 1 s doubling to 30 s */
  backoff?: BackoffPolicy;
  logger?: Logger;
  /** Redis key prefix, as given to the producer. @defaultValue `QUEUE_PREFIX` ('cite') */
  prefix?: string;
  /** Worker name stored on the jobs it takes (host/pid). */
  name?: string;
  /** Records queue waits and the latency of the worker connection's Redis commands. @defaultValue none */
  metrics?: QueueMetrics;
}

export interface CloseOptions {
  /**
   * How long running jobs may take to finish; then their `signal` is aborted and they are handed back.
   * @defaultValue 20000
   */
  graceMs?: number;
}

export interface JobWorker {
  readonly queue: QueueName;
  /** Jobs running now. */
  active(): number;
  /** Stops taking jobs, lets running ones finish within `graceMs`, hands back the rest, closes Redis. Idempotent. */
  close(options?: CloseOptions): Promise<void>;
}

/**
 * A BullMQ worker on `queue` running `handler` for each job. The handler's error decides what happens next
 * (`classifyJobError`): transient → retried with capped exponential backoff while attempts remain; permanent →
 * failed at once (`UnrecoverableError`); hand-back, or anything thrown after shutdown aborted the run → back to
 * wait without using an attempt, for another worker.
 */
export function createWorker<Q extends QueueName>(
  queue: Q,
  handler: JobHandler<Q>,
  options: WorkerOptions,
): JobWorker {
  const lockDuration = options.lockDurationMs ?? 30_000;
  if (lockDuration < 1_000) throw new RangeError(`lockDurationMs must be ≥ 1000, got ${lockDuration}`);
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const running = new Map<string, AbortController>();
  const connection = createRedis(options.redisUrl, {
    name: `cite-worker-${queue}`,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  connection.on('error', () => undefined); // reconnects by itself; BullMQ reports failures as 'error' events

  const worker = new Worker<JobPayloads[Q]>(queue, processorOf(queue, handler, running, options), {
    connection,
    prefix: options.prefix ?? QUEUE_PREFIX,
    concurrency: options.concurrency ?? 1,
    lockDuration,
    stalledInterval: Math.max(500, Math.floor(lockDuration / 2)),
    maxStalledCount: options.maxStalledCount ?? 5,
    name: options.name,
    settings: {
      backoffStrategy: (attemptsMade: number, type?: string) =>
        type === CAPPED_BACKOFF_TYPE ? cappedBackoffMs(attemptsMade, backoff) : -1,
    },
  });
  logWorkerEvents(worker, queue, options.logger);
  return workerHandle(queue, worker, connection, running);
}

/** BullMQ's processor: one run of a job through `handler`, its error turned into what BullMQ does next. */
function processorOf<Q extends QueueName>(
  queue: Q,
  handler: JobHandler<Q>,
  running: Map<string, AbortController>,
  options: WorkerOptions,
): (job: Job<JobPayloads[Q]>, token?: string) => Promise<void> {
  const metrics = options.metrics ?? NO_METRICS;
  return async (job, token) => {
    const id = job.id ?? '';
    const controller = new AbortController();
    running.set(id, controller);
    const maxAttempts = job.opts.attempts ?? 1;
    const attempt = job.attemptsMade + 1;
    if (job.attemptsMade === 0)
      metrics.queueWait(queue, ((job.processedOn ?? Date.now()) - job.timestamp) / 1000);
    try {
      await handler({
        queue,
        id,
        data: job.data,
        attempt,
        maxAttempts,
        isFinalAttempt: attempt >= maxAttempts,
        signal: controller.signal,
      });
    } catch (error) {
      const kind = controller.signal.aborted ? 'hand-back' : classifyJobError(error);
      const message = error instanceof Error ? error.message : String(error);
      if (kind === 'hand-back') {
        options.logger?.info('job handed back', { queue, jobId: id, reason: message });
        await job.moveToWait(token);
        throw new WaitingError();
      }
      options.logger?.warn('job run failed', {
        queue,
        jobId: id,
        attempt,
        maxAttempts,
        kind,
        error: message,
      });
      if (kind === 'permanent') throw new UnrecoverableError(message);
      throw error;
    } finally {
      running.delete(id);
    }
  };
}

function logWorkerEvents(worker: Worker, queue: QueueName, logger: Logger | undefined): void {
  worker.on('error', (error) => logger?.warn('queue worker error', { queue, error: error.message }));
  worker.on('failed', (job, error) => {
    if (job && job.finishedOn) {
      logger?.error('job failed for good', { queue, jobId: job.id, error: error.message });
    }
  });
  worker.on('stalled', (jobId) => logger?.warn('stalled job moved back to wait', { queue, jobId }));
}

/** The worker as its owner sees it: how busy it is, and a graceful, idempotent `close`. */
function workerHandle(
  queue: QueueName,
  worker: Worker,
  connection: ReturnType<typeof createRedis>,
  running: Map<string, AbortController>,
): JobWorker {
  let closing: Promise<void> | undefined;
  return {
    queue,
    active: () => running.size,
    close(closeOptions = {}) {
      closing ??= (async () => {
        const graceMs = closeOptions.graceMs ?? 20_000;
        const handBack = setTimeout(() => {
          for (const controller of running.values()) controller.abort(new Error('worker shutting down'));
        }, graceMs);
        try {
          await worker.close();
        } finally {
          clearTimeout(handBack);
          if (connection.status === 'ready') await connection.quit().catch(() => connection.disconnect());
          else connection.disconnect();
        }
      })();
      return closing;
    },
  };
}
