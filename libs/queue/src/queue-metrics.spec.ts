/** What the queue records, against the test Redis: commands, queue waits, and the depths read at scrape time. */
import { createMetrics } from '@cite/metrics';
import { parseExposition, sumOf } from '@cite/metrics/testing';
import { testRedisUrl } from '@cite/test-support';
import { createJobQueue } from './job-queue';
import { createRedis } from './redis';
import { createWorker } from './worker';

const scraped = async (metrics: ReturnType<typeof createMetrics>) =>
  parseExposition(await metrics.exposition());

describe('queue metrics', () => {
  it('times each command of a connection, leaves blocking commands out, and counts failures', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const redis = createRedis(testRedisUrl(), { name: 'cite-metrics-test', metrics });
    try {
      await redis.ping();
      await redis.get(`cite-metrics-test-${process.pid}`);
      await redis.bzpopmin(`cite-metrics-test-${process.pid}-empty`, 0.01);
      await expect(redis.call('NOSUCHCOMMAND')).rejects.toThrow();
      const f = await scraped(metrics);
      const count = (labels: Record<string, string>) =>
        sumOf(f, 'cite_redis_command_duration_seconds_count', labels);
      expect(count({ command: 'ping', outcome: 'ok' })).toBe(1);
      expect(count({ command: 'get', outcome: 'ok' })).toBe(1);
      // The unknown command is `other`; the blocking one is not recorded at all.
      expect(count({ command: 'other' })).toBe(1);
      expect(count({ command: 'other', outcome: 'error' })).toBe(1);
    } finally {
      redis.disconnect();
    }
  });

  it('records the wait of a job until its first run, and reads the depths of every queue', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const prefix = `cite-test-metrics-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const queue = createJobQueue(testRedisUrl(), { prefix, metrics });
    metrics.collectQueueDepths(() => queue.depths());
    try {
      await queue.enqueueRelease({ service: 'web', release: 1 });
      await queue.enqueueRelease({ service: 'web', release: 2 });
      let f = await scraped(metrics);
      expect(sumOf(f, 'cite_queue_jobs', { queue: 'releases', state: 'waiting' })).toBe(2);
      expect(sumOf(f, 'cite_queue_jobs', { queue: 'deletions', state: 'waiting' })).toBe(0);
      expect(f.get('cite_queue_jobs')?.samples).toHaveLength(16);

      let ran!: () => void;
      const runs = new Promise<void>((resolve) => (ran = resolve));
      let seen = 0;
      const worker = createWorker(
        'releases',
        async () => {
          if (++seen === 2) ran();
        },
        { redisUrl: testRedisUrl(), prefix, metrics },
      );
      await runs;
      await worker.close();
      f = await scraped(metrics);
      expect(sumOf(f, 'cite_queue_wait_seconds_count', { queue: 'releases' })).toBe(2);
      expect(sumOf(f, 'cite_queue_jobs', { queue: 'releases', state: 'waiting' })).toBe(0);
      expect(sumOf(f, 'cite_redis_command_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThan(0);
    } finally {
      await queue.close();
    }
  });
});
