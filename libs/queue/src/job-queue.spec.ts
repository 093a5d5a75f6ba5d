import { NotFoundError, UnavailableError } from '@cite/errors';
import { startRedis, testRedisUrl } from '@cite/test-support';
import { createJobQueue, type BullJobQueue, type JobState } from './job-queue';
import { releaseJobId, type QueueName } from './jobs';
import { createWorker, type JobRun, type JobWorker } from './worker';

const fastBackoff = { baseMs: 20, maxMs: 100 };

function prefix(): string {
  return `cite-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Polls `read` until it returns `want` (bounded; never a fixed sleep standing in for an outcome). */
async function until<T>(read: () => Promise<T>, want: T, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (last === want) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`still ${String(last)}, wanted ${String(want)}`);
}

describe('BullMQ job queue', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function setUp(redisUrl = testRedisUrl()): { queue: BullJobQueue; prefix: string; redisUrl: string } {
    const p = prefix();
    const queue = createJobQueue(redisUrl, { prefix: p, attempts: 3 });
    cleanups.push(() => queue.close());
    return { queue, prefix: p, redisUrl };
  }

  function work<Q extends QueueName>(
    queue: Q,
    p: string,
    handler: (run: JobRun<Q>) => Promise<void>,
    redisUrl = testRedisUrl(),
  ): JobWorker {
    const worker = createWorker(queue, handler, {
      redisUrl,
      prefix: p,
      backoff: fastBackoff,
      lockDurationMs: 2_000,
    });
    cleanups.push(() => worker.close({ graceMs: 0 }));
    return worker;
  }

  const state = (queue: BullJobQueue, id: string) => (): Promise<JobState> => queue.state('releases', id);

  it('keeps one job when the same release is enqueued twice', async () => {
    const { queue } = setUp();
    await queue.enqueueRelease({ service: 'web', release: 7, requestId: 'r-1' });
    await queue.enqueueRelease({ service: 'web', release: 7, requestId: 'r-2' });
    await queue.enqueueRelease({ service: 'web', release: 8 });
    const counts = await queue.counts('releases');
    expect(counts['waiting']).toBe(2);
    expect(await queue.state('releases', releaseJobId({ service: 'web', release: 7 }))).toBe('waiting');
  });

  it('takes a burst of deliveries in one go, one job per delivery id, and a worker gets each payload', async () => {
    const { queue, prefix: p } = setUp();
    const job = (i: number) => ({
      id: `guid-${i}`,
      event: 'push',
      payload: { kind: 'push', n: i },
      receivedAt: '2026-01-01T00:00:00.000Z',
    });
    // 40 at once, two of them the same delivery again.
    await Promise.all(
      [...Array.from({ length: 38 }, (_, i) => job(i)), job(3), job(7)].map((j) => queue.enqueueDelivery(j)),
    );
    expect((await queue.counts('deliveries'))['waiting']).toBe(38);
    const seen = new Set<number>();
    work('deliveries', p, async (run) => void seen.add((run.data.payload as { n: number }).n));
    await until(async () => seen.size, 38);
  });

  it('runs a job on a worker with its payload, and completes it', async () => {
    const { queue, prefix: p } = setUp();
    const runs: JobRun<'releases'>[] = [];
    work('releases', p, async (run) => {
      runs.push(run);
    });
    await queue.enqueueRelease({ service: 'api', release: 1, requestId: 'req-9' });
    const id = releaseJobId({ service: 'api', release: 1 });
    await until(state(queue, id), 'completed');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      queue: 'releases',
      id,
      data: { service: 'api', release: 1, requestId: 'req-9' },
      attempt: 1,
      maxAttempts: 3,
      isFinalAttempt: false,
    });
  });

  it('retries a transient failure with backoff, and tells the last run it is the last', async () => {
    const { queue, prefix: p } = setUp();
    const attempts: [number, boolean][] = [];
    work('releases', p, async (run) => {
      attempts.push([run.attempt, run.isFinalAttempt]);
      if (run.attempt < 3) throw new UnavailableError('etcd', 'etcd unreachable');
    });
    await queue.enqueueRelease({ service: 'api', release: 2 });
    await until(state(queue, releaseJobId({ service: 'api', release: 2 })), 'completed');
    expect(attempts).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
  });

  it('fails a permanent failure at once, without retrying', async () => {
    const { queue, prefix: p } = setUp();
    let runs = 0;
    work('releases', p, async () => {
      runs += 1;
      throw new NotFoundError('release api/3 not found');
    });
    await queue.enqueueRelease({ service: 'api', release: 3 });
    await until(state(queue, releaseJobId({ service: 'api', release: 3 })), 'failed');
    expect(runs).toBe(1);
  });

  it('hands a running job back on shutdown, without using an attempt, and another worker finishes it', async () => {
    const { queue, prefix: p } = setUp();
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const first = work('releases', p, (run) => {
      started();
      return new Promise<void>((_, reject) =>
        run.signal.addEventListener('abort', () => reject(new Error('stopping'))),
      );
    });
    await queue.enqueueRelease({ service: 'api', release: 4 });
    await running;
    await first.close({ graceMs: 50 });
    const id = releaseJobId({ service: 'api', release: 4 });
    expect(await queue.state('releases', id)).toBe('waiting');
    const attempts: number[] = [];
    work('releases', p, async (run) => {
      attempts.push(run.attempt);
    });
    await until(state(queue, id), 'completed');
    expect(attempts).toEqual([1]);
  });

  it('lets a job finish within the grace period on shutdown', async () => {
    const { queue, prefix: p } = setUp();
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const worker = work('releases', p, () => {
      started();
      return new Promise<void>((resolve) => (release = resolve));
    });
    await queue.enqueueRelease({ service: 'api', release: 5 });
    await running;
    const closed = worker.close({ graceMs: 10_000 });
    release();
    await closed;
    expect(await queue.state('releases', releaseJobId({ service: 'api', release: 5 }))).toBe('completed');
  });

  it('reports Redis down as UnavailableError', async () => {
    const redis = await startRedis({ appendOnly: false });
    const { queue } = setUp(redis.url);
    await queue.enqueueRelease({ service: 'api', release: 5 });
    await queue.ping();
    await redis.stop();
    await expect(queue.enqueueRelease({ service: 'api', release: 6 })).rejects.toBeInstanceOf(
      UnavailableError,
    );
    await expect(queue.ping()).rejects.toBeInstanceOf(UnavailableError);
  });

  it('keeps a queued job across a Redis restart (append-only file) and runs it afterwards', async () => {
    const redis = await startRedis({ appendOnly: true });
    const { queue, prefix: p } = setUp(redis.url);
    await queue.enqueueRelease({ service: 'api', release: 7 });
    await redis.stop();
    const again = await startRedis({ appendOnly: true, port: redis.port, dataDir: redis.dataDir });
    cleanups.unshift(() => again.stop());
    const ran: number[] = [];
    work(
      'releases',
      p,
      async (run) => {
        ran.push(run.data.release);
      },
      again.url,
    );
    await until(state(queue, releaseJobId({ service: 'api', release: 7 })), 'completed', 15_000);
    expect(ran).toEqual([7]);
  });
});
