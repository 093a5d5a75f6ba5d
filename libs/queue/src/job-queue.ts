import { UnavailableError } from '@cite/errors';
import type { QueueDepths, RedisMetrics } from '@cite/metrics';
import { Queue, type JobsOptions } from 'bullmq';
import { CAPPED_BACKOFF_TYPE } from './backoff';
import {
  deletionJobId,
  QUEUES,
  releaseJobId,
  reportJobId,
  deliveryJobId,
  type DeletionJob,
  type DeliveryJob,
  type ReportJob,
  type JobPayloads,
  type JobQueue,
  type QueueName,
  type ReleaseJob,
} from './jobs';
import { createRedis, pingRedis, type RedisClient } from './redis';

/** BullMQ's Redis key prefix for every cite queue (`cite:releases:…`). */
export const QUEUE_PREFIX = 'cite';

export interface JobQueueOptions {
  /**
   * Runs of a job before it fails for good (the first run included). Transient failures retry with capped
   * exponential backoff (1 s doubling to 30 s), so 20 runs cover about eight minutes of an outage.
   * @defaultValue 20
   */
  attempts?: number;
  /**
   * Finished jobs kept in Redis for inspection: the newest `count` completed jobs, and failed jobs for `failedAgeSeconds`.
   * While a completed job is kept, enqueueing the same id again is still a no-op.
   * @defaultValue `{ count: 1000, failedAgeSeconds: 604800 }`
   */
  keep?: { count?: number; failedAgeSeconds?: number };
  /**
   * How long an enqueue may wait for Redis before it fails with `UnavailableError`.
   * @defaultValue 3000
   */
  timeoutMs?: number;
  /**
   * Redis key prefix; producer and workers must agree. Tests sharing one Redis use their own.
   * @defaultValue `QUEUE_PREFIX` ('cite')
   */
  prefix?: string;
  /** Records the latency of each Redis command of the producer's connection (`createJobQueue`). @defaultValue none */
  metrics?: RedisMetrics;
}

/** Runs of a GitHub report job: with the capped backoff, about two hours. */
export const REPORT_ATTEMPTS = 240;

/** The states `depths()` counts: jobs not yet done, and those that failed for good. */
export const DEPTH_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

export type JobState = 'waiting' | 'active' | 'delayed' | 'completed' | 'failed' | 'prioritized' | 'unknown';

/**
 * The producer over BullMQ. Job ids are deterministic (`releaseJobId`, `deletionJobId`), so enqueueing the same
 * release twice — an API retry, the deployer healing a lost enqueue — yields one job.
 */
export class BullJobQueue implements JobQueue {
  private readonly queues: { [Q in QueueName]: Queue<JobPayloads[Q]> };
  private readonly jobOptions: JobsOptions;
  private readonly timeoutMs: number;

  constructor(
    private readonly redis: RedisClient,
    options: JobQueueOptions = {},
  ) {
    const attempts = options.attempts ?? 20;
    if (!Number.isInteger(attempts) || attempts < 1)
      throw new RangeError(`attempts must be ≥ 1, got ${attempts}`);
    this.timeoutMs = options.timeoutMs ?? 3_000;
    this.jobOptions = {
      attempts,
      backoff: { type: CAPPED_BACKOFF_TYPE },
      removeOnComplete: { count: options.keep?.count ?? 1_000 },
      removeOnFail: { age: options.keep?.failedAgeSeconds ?? 7 * 24 * 3600, count: 10_000 },
    };
    this.queues = {
      releases: new Queue(QUEUES.releases, { connection: redis, prefix: options.prefix ?? QUEUE_PREFIX }),
      deletions: new Queue(QUEUES.deletions, { connection: redis, prefix: options.prefix ?? QUEUE_PREFIX }),
      reports: new Queue(QUEUES.reports, { connection: redis, prefix: options.prefix ?? QUEUE_PREFIX }),
      deliveries: new Queue(QUEUES.deliveries, { connection: redis, prefix: options.prefix ?? QUEUE_PREFIX }),
    };
  }

  async enqueueRelease(job: ReleaseJob): Promise<void> {
    await this.add('releases', releaseJobId(job), {
      service: job.service,
      release: job.release,
      ...rid(job),
    });
  }

  async enqueueDeletion(job: DeletionJob, deletedAt: string): Promise<void> {
    await this.add('deletions', deletionJobId(job, deletedAt), {
      service: job.service,
      namespace: job.namespace,
      ...rid(job),
    });
  }

  async enqueueReport(job: ReportJob): Promise<void> {
    const { service, release, stage } = job;
    // Capped backoff reaches 30 s after a few runs: 240 runs outlast about two hours of GitHub being down.
    await this.add('reports', reportJobId(job), { service, release, stage }, { attempts: REPORT_ATTEMPTS });
  }

  /**
   * Deliveries arrive in bursts (a webhook receiver at hundreds a second): the ones enqueued within one turn of
   * the event loop go to Redis together, in one `addBulk`, and each caller learns whether its batch landed.
   */
  enqueueDelivery(job: DeliveryJob): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pendingDeliveries.push({ job, resolve, reject });
      if (this.pendingDeliveries.length === 1) setImmediate(() => void this.flushDeliveries());
    });
  }

  private pendingDeliveries: {
    job: DeliveryJob;
    resolve: () => void;
    reject: (error: unknown) => void;
  }[] = [];

  private async flushDeliveries(): Promise<void> {
    const batch = this.pendingDeliveries;
    this.pendingDeliveries = [];
    try {
      await this.bounded(`${batch.length} deliveries`, () =>
        this.queues.deliveries.addBulk(
          batch.map(({ job }) => ({
            name: 'deliveries',
            data: job,
            opts: { ...this.jobOptions, jobId: deliveryJobId(job) },
          })),
        ),
      );
      for (const { resolve } of batch) resolve();
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
  }

  /** Where a job is now (for tests and operators); `unknown` once it was removed or never existed. */
  async state(queue: QueueName, jobId: string): Promise<JobState> {
    return (await this.queues[queue].getJobState(jobId)) as JobState;
  }

  /** Jobs per state in one queue. */
  async counts(queue: QueueName): Promise<Record<string, number>> {
    return this.queues[queue].getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
  }

  /** Jobs per state (`DEPTH_STATES`) in every queue, for the `cite_queue_jobs` gauge. */
  async depths(): Promise<QueueDepths> {
    const names = Object.keys(this.queues) as QueueName[];
    const counts = await Promise.all(names.map((name) => this.queues[name].getJobCounts(...DEPTH_STATES)));
    return Object.fromEntries(names.map((name, i) => [name, counts[i] ?? {}]));
  }

  ping(): Promise<void> {
    return pingRedis(this.redis);
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.queues).map((queue) => queue.close()));
    // QUIT needs an answer; with Redis down just drop the connection (and its reconnect loop).
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }

  private async add<Q extends QueueName>(
    queue: Q,
    jobId: string,
    data: JobPayloads[Q],
    extra: JobsOptions = {},
  ): Promise<void> {
    await this.bounded(jobId, () =>
      // BullMQ's generic add signature does not narrow per queue; the payload type is checked by `add`'s own.
      (this.queues[queue] as Queue<JobPayloads[QueueName]>).add(queue, data, {
        ...this.jobOptions,
        ...extra,
        jobId,
      }),
    );
  }

  /** Runs an enqueue, bounded by `timeoutMs`; any failure is `UnavailableError` (Redis cannot take it). */
  private async bounded(what: string, call: () => Promise<unknown>): Promise<void> {
    // While connecting the command waits (bounded below); while Redis is known to be down, fail at once.
    if (this.redis.status === 'reconnecting' || this.redis.status === 'end') {
      throw new UnavailableError('redis', `cannot enqueue ${what}: redis is ${this.redis.status}`);
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        call(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer in ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
    } catch (error) {
      throw new UnavailableError('redis', `cannot enqueue ${what}: ${(error as Error).message}`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }
}

function rid(job: { requestId?: string }): { requestId?: string } {
  return job.requestId === undefined ? {} : { requestId: job.requestId };
}

/** The BullMQ producer on its own Redis connection (closed by `close()`). */
export function createJobQueue(redisUrl: string, options: JobQueueOptions = {}): BullJobQueue {
  const redis = createRedis(redisUrl, {
    name: 'cite-producer',
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  redis.on('error', () => undefined); // ioredis reconnects by itself; enqueue reports the outage
  return new BullJobQueue(redis, options);
}
