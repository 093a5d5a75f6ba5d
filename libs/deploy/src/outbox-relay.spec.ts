import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { createLogger } from '@cite/logging';
import type { OutboxEntry } from '@cite/model';
import { outboxEntryId } from '@cite/model';
import { createJobQueue, type BullJobQueue } from '@cite/queue';
import { enqueueOn, MetadataStore } from '@cite/store';
import { createTestStore } from '@cite/store/testing';
import { pollUntil, testRedisUrl } from '@cite/test-support';
import { isDue, OutboxRelay } from './outbox-relay';

const logger = createLogger({ app: 'test', level: 'error', stream: new PassThrough() });

describe('isDue', () => {
  const entry = (createdAt: string): OutboxEntry => ({
    kind: 'release',
    service: 'web',
    release: 1,
    createdAt,
  });
  it.each([
    ['older than the grace period', '2024-05-01T12:00:00.000Z', true],
    ['exactly the grace period old', '2024-05-01T12:00:08.000Z', true],
    ['younger: left to its writer', '2024-05-01T12:00:09.000Z', false],
  ])('%s', (_, createdAt, due) => {
    expect(isDue(entry(createdAt), new Date('2024-05-01T12:00:10.000Z'), 2_000)).toBe(due);
  });
});

describe('OutboxRelay (real etcd and Redis)', () => {
  let store: MetadataStore;
  let queue: BullJobQueue;

  beforeAll(async () => {
    store = new MetadataStore(await createTestStore('outbox-relay'));
    queue = createJobQueue(testRedisUrl(), { prefix: `cite-test-relay-${randomBytes(4).toString('hex')}` });
  });
  afterAll(async () => {
    await queue.close();
    await store.close();
  });

  const put = async (entry: OutboxEntry) => store.outbox.create(outboxEntryId(entry), entry);

  it('enqueues the due entries a crash left behind, removes them, and leaves young ones to their writer', async () => {
    const now = new Date();
    const old = new Date(now.getTime() - 10_000).toISOString();
    await put({ kind: 'release', service: 'left', release: 7, requestId: 'req-1', createdAt: old });
    await put({
      kind: 'deletion',
      service: 'gone',
      namespace: 'cite-qa',
      deletingSince: old,
      createdAt: old,
    });
    await put({ kind: 'release', service: 'young', release: 1, createdAt: now.toISOString() });
    const relay = new OutboxRelay({
      store,
      enqueue: enqueueOn(queue),
      logger,
      graceMs: 2_000,
      clock: () => now,
    });
    expect(await relay.sweep()).toBe(2);
    expect(await queue.state('releases', 'release.left.7')).toBe('waiting');
    expect(await queue.state('deletions', `delete.gone.${old.replace(/[^0-9A-Za-z]/g, '')}`)).toBe('waiting');
    expect((await store.outbox.list()).items.map((item) => item.value.service)).toEqual(['young']);
    // Delivering again is harmless: one entry is one job id.
    await put({ kind: 'release', service: 'left', release: 7, createdAt: old });
    expect(await relay.sweep()).toBe(1);
    expect((await queue.counts('releases'))['waiting']).toBe(1);
  });

  it('keeps entries while the queue cannot take them, and delivers them once it can', async () => {
    const old = new Date(Date.now() - 10_000).toISOString();
    await put({ kind: 'release', service: 'waits', release: 3, createdAt: old });
    let down = true;
    const relay = new OutboxRelay({
      store,
      logger,
      enqueue: (entry) =>
        down ? Promise.reject(new Error('redis is reconnecting')) : enqueueOn(queue)(entry),
    });
    await expect(relay.sweep()).rejects.toThrow(/reconnecting/);
    expect((await store.outbox.get('release.waits.3'))?.value.service).toBe('waits');
    down = false;
    relay.start();
    try {
      await pollUntil(
        'the relay to deliver the entry',
        async () => (await store.outbox.get('release.waits.3')) === null,
      );
    } finally {
      await relay.stop();
    }
    expect(await store.outbox.get('release.waits.3')).toBeNull();
    expect(await queue.state('releases', 'release.waits.3')).toBe('waiting');
  });
});
