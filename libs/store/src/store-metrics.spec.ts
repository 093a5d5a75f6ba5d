/** What the store records: every etcd call through the one funnel, and every lock wait. Real etcd. */
import { createMetrics } from '@cite/metrics';
import { parseExposition, sumOf } from '@cite/metrics/testing';
import { z } from 'zod';
import { EtcdStore } from './etcd-store';
import { createTestStore } from './testing';

describe('store metrics', () => {
  const metrics = createMetrics({ processMetrics: false });
  let store: EtcdStore;

  beforeAll(async () => {
    store = await createTestStore('store-metrics', { metrics });
  });
  afterAll(() => store.close());

  const count = async (sample: string, labels: Record<string, string>) =>
    sumOf(parseExposition(await metrics.exposition()), sample, labels);

  it('times each etcd call by operation and outcome, never by key', async () => {
    const things = store.repository({
      keyspace: 'things/',
      schema: z.object({ n: z.number() }),
      kind: 'thing',
    });
    await things.create('secret-name', { n: 1 });
    await things.get('secret-name');
    await things.delete('secret-name');
    const ops = parseExposition(await metrics.exposition())
      .get('cite_etcd_request_duration_seconds')!
      .samples.map((sample) => sample.labels);
    expect(ops.some((labels) => labels['op'] === 'txn' && labels['outcome'] === 'ok')).toBe(true);
    expect(ops.some((labels) => labels['op'] === 'get' && labels['outcome'] === 'ok')).toBe(true);
    expect(JSON.stringify(ops)).not.toContain('secret-name');
  });

  it('records an unreachable etcd as unavailable', async () => {
    const offline = createMetrics({ processMetrics: false });
    const nowhere = await EtcdStore.create({
      endpoints: ['http://127.0.0.1:1'],
      timeoutMs: 200,
      verify: false,
      metrics: offline,
    });
    await expect(nowhere.ping()).rejects.toThrow(/unavailable|unreachable|etcd/i);
    await nowhere.close();
    const families = parseExposition(await offline.exposition());
    expect(
      sumOf(families, 'cite_etcd_request_duration_seconds_count', { op: 'status', outcome: 'unavailable' }),
    ).toBe(1);
  });

  it('records lock waits: taken at once, taken after the holder let go, and given up', async () => {
    const first = await store.acquireLock('metrics-a', { ttlSeconds: 5 });
    expect(await count('cite_lock_wait_seconds_count', { outcome: 'acquired' })).toBe(1);

    const waiting = store.acquireLock('metrics-a', { ttlSeconds: 5, waitMs: 20_000 });
    await expect(store.acquireLock('metrics-a', { ttlSeconds: 5, waitMs: 0 })).rejects.toThrow(/held by/);
    expect(await count('cite_lock_wait_seconds_count', { outcome: 'timeout' })).toBe(1);
    await first.release();
    const second = await waiting;
    expect(await count('cite_lock_wait_seconds_count', { outcome: 'acquired' })).toBe(2);
    await second.release();
  });
});
