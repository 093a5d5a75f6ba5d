import { CorruptValueError, InputError, TimeoutError } from '@cite/errors';
import { TcpRelay, testEtcdEndpoint } from '@cite/test-support';
import { Etcd3 } from 'etcd3';
import { z } from 'zod';
import type { EtcdStore } from './etcd-store';
import { StoreChild } from './fixtures/child-process';
import { guardRetryDelayMs } from './locks';
import { createTestStore } from './testing';

let store: EtcdStore;

beforeAll(async () => {
  store = await createTestStore('locks');
});

afterAll(async () => {
  await store.close();
});

/** Rejects when `promise` has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

describe('locks', () => {
  it('lets one holder in at a time and hands over at release without polling', async () => {
    const first = await store.acquireLock('deploy/web', { ttlSeconds: 5, owner: 'worker-1' });
    expect(first.key).toBe(`${store.prefix}locks/deploy/web`);
    expect(first.isHeld()).toBe(true);
    await expect(store.acquireLock('deploy/web', { owner: 'worker-2' })).rejects.toBeInstanceOf(TimeoutError);
    await expect(store.acquireLock('deploy/web', { owner: 'worker-2' })).rejects.toThrow('held by worker-1');

    const waiting = store.acquireLock('deploy/web', { ttlSeconds: 5, waitMs: 10_000, owner: 'worker-2' });
    const releasedAt = Date.now();
    await first.release();
    const second = await waiting;
    expect(Date.now() - releasedAt).toBeLessThan(1_000);
    expect(second.owner).toBe('worker-2');
    expect(second.revision).toBeGreaterThan(first.revision);
    await expect(first.ended).resolves.toEqual({ reason: 'released' });
    expect(first.isHeld()).toBe(false);
    await second.release();
    await second.release();
  });

  it('times out after waitMs when the holder keeps it', async () => {
    const held = await store.acquireLock('busy', { ttlSeconds: 5 });
    const started = Date.now();
    await expect(store.acquireLock('busy', { waitMs: 400 })).rejects.toBeInstanceOf(TimeoutError);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(390);
    expect(waited).toBeLessThan(2_000);
    await held.release();
  });

  it('stops waiting when aborted', async () => {
    const held = await store.acquireLock('aborted', { ttlSeconds: 5 });
    const abort = new AbortController();
    const waiting = store.acquireLock('aborted', { waitMs: 10_000, signal: abort.signal });
    abort.abort();
    await expect(waiting).rejects.toBeInstanceOf(TimeoutError);
    await held.release();
  });

  it('runs work under the lock and releases it afterwards, even on failure', async () => {
    await expect(
      store.locks.withLock('with', { ttlSeconds: 5 }, async (lock) => lock.isHeld()),
    ).resolves.toBe(true);
    await expect(
      store.locks.withLock('with', { ttlSeconds: 5 }, async () => Promise.reject(new Error('work failed'))),
    ).rejects.toThrow('work failed');
    const again = await store.acquireLock('with', { ttlSeconds: 5 });
    await again.release();
  });

  it('lists held locks with owner and lease time left, and lets an admin break one', async () => {
    const held = await store.acquireLock('admin/target', { ttlSeconds: 30, owner: 'stuck-worker' });
    const listed = await store.listLocks();
    const info = listed.find((l) => l.name === 'admin/target');
    expect(info).toMatchObject({ owner: 'stuck-worker', ttlSeconds: 30, revision: held.revision });
    expect(info!.ttlRemainingSeconds).toBeGreaterThan(20);
    expect(info!.ttlRemainingSeconds).toBeLessThanOrEqual(30);

    await expect(store.breakLock('admin/target')).resolves.toBe(true);
    await expect(store.breakLock('admin/target')).resolves.toBe(false);
    const taken = await store.acquireLock('admin/target', { ttlSeconds: 5, owner: 'admin' });
    // The old holder is told at once (it watches its key), not at its next keepalive (TTL/3 = 10 s).
    const brokenAt = Date.now();
    await expect(held.ended).resolves.toMatchObject({ reason: 'lost' });
    expect(Date.now() - brokenAt).toBeLessThan(1_000);
    expect(held.isHeld()).toBe(false);
    await taken.release();
    expect((await store.listLocks()).some((l) => l.name === 'admin/target')).toBe(false);
  }, 20_000);

  it('refuses bad names', async () => {
    await expect(store.acquireLock('')).rejects.toBeInstanceOf(InputError);
    await expect(store.acquireLock('a//b')).rejects.toBeInstanceOf(InputError);
  });

  it('is acquired within TTL + slack after its holder process is SIGKILLed', async () => {
    const ttlSeconds = 3;
    const child = await StoreChild.start({
      command: 'lock',
      endpoint: testEtcdEndpoint(),
      prefix: store.prefix,
      name: 'crashy',
      ttlSeconds,
    });
    await child.next('acquired');
    await expect(store.acquireLock('crashy')).rejects.toThrow(`held by child-${child.pid}`);
    await child.kill();
    const killedAt = Date.now();
    const lock = await store.acquireLock('crashy', { ttlSeconds: 5, waitMs: (ttlSeconds + 3) * 1_000 });
    const waited = Date.now() - killedAt;
    console.info(`lock of a SIGKILLed holder (TTL ${ttlSeconds} s) acquired after ${waited} ms`);
    expect(waited).toBeLessThan((ttlSeconds + 1.5) * 1_000);
    await lock.release();
  }, 20_000);

  describe('one session lease per process', () => {
    let raw: Etcd3;
    beforeAll(() => {
      raw = new Etcd3({ hosts: testEtcdEndpoint() });
    });
    afterAll(() => raw.close());
    const leaseOf = async (key: string) => (await raw.get(key).exec()).kvs[0]?.lease;

    it('hangs the locks of one TTL on one lease, and breaking or releasing one leaves the others held', async () => {
      const a = await store.acquireLock('session/a', { ttlSeconds: 7 });
      const b = await store.acquireLock('session/b', { ttlSeconds: 7 });
      const other = await store.acquireLock('session/c', { ttlSeconds: 8 });
      expect(await leaseOf(a.key)).toBe(await leaseOf(b.key));
      expect(await leaseOf(other.key)).not.toBe(await leaseOf(a.key));

      await expect(store.breakLock('session/a')).resolves.toBe(true);
      await expect(a.ended).resolves.toMatchObject({ reason: 'lost' });
      await b.release();
      await expect(b.ended).resolves.toEqual({ reason: 'released' });
      expect(await leaseOf(b.key)).toBeUndefined();
      expect(other.isHeld()).toBe(true);
      expect((await store.listLocks()).map((lock) => lock.name)).toContain('session/c');
      await other.release();
    });

    it('takes the lock again after release on the same lease, and never mistakes the old deletion for a break', async () => {
      const first = await store.acquireLock('session/again', { ttlSeconds: 7 });
      await first.release();
      const second = await store.acquireLock('session/again', { ttlSeconds: 7 });
      // The first release's deletion reaches the process's watch on locks/ some time after this. Rather than sleep
      // and hope it came, break a marker lock now: the watch delivers deletions in revision order, so once it has
      // ended the marker, it has handed over the older deletion too — and `second` must still be held.
      const marker = await store.acquireLock('session/again-marker', { ttlSeconds: 7 });
      await expect(store.breakLock('session/again-marker')).resolves.toBe(true);
      await expect(marker.ended).resolves.toMatchObject({ reason: 'lost' });
      expect(second.isHeld()).toBe(true);
      await second.release();
    });

    it('deletes every key of a closed store at once, so others take over without waiting for the TTL', async () => {
      const closing = await createTestStore('locks-close', { prefix: store.prefix });
      await closing.acquireLock('session/closed-1', { ttlSeconds: 30 });
      await closing.acquireLock('session/closed-2', { ttlSeconds: 30 });
      await closing.close();
      const after = await Promise.all([
        store.acquireLock('session/closed-1'),
        store.acquireLock('session/closed-2'),
      ]);
      await Promise.all(after.map((lock) => lock.release()));
    });
  });

  describe('guardRetryDelayMs', () => {
    it.each<[number, number, number]>([
      [0, 0.5, 0],
      [1, 0, 50],
      [1, 1, 100],
      [3, 0.5, 300],
      [5, 0, 800],
      [6, 1, 2_000],
      [40, 1, 2_000],
    ])('reopen attempt %i (random %d) waits %i ms', (attempt, random, ms) => {
      expect(guardRetryDelayMs(attempt, () => random)).toBe(ms);
    });
  });

  describe('the watch on locks/ after etcd cancels it', () => {
    let proxy: TcpRelay;
    let guarded: EtcdStore;
    let raw: Etcd3;
    beforeEach(async () => {
      proxy = await TcpRelay.start(testEtcdEndpoint());
      guarded = await createTestStore('locks-guard', { endpoints: [proxy.endpoint], prefix: store.prefix });
      raw = new Etcd3({ hosts: testEtcdEndpoint() });
    });
    afterEach(async () => {
      raw.close();
      await guarded.close();
      await proxy.close();
    });

    /**
     * Disconnects `guarded` from etcd, runs `meanwhile`, and compacts past it: its watch on `locks/` cannot resume
     * from the revision it had seen, so etcd cancels the watch when it reconnects.
     */
    async function cancelGuardedWatch(meanwhile: () => Promise<void> = async () => undefined): Promise<void> {
      proxy.cut();
      await meanwhile();
      // Two writes, so the compacted revision is above the one the watch would resume from (seen + 1).
      await raw.put(`${store.prefix}guard-filler`).value('1').exec();
      const filler = await raw.put(`${store.prefix}guard-filler`).value('2').exec();
      await raw.kv.compact({ revision: filler.header.revision, physical: true });
      proxy.restore();
    }

    it('notices a lock broken while the watch was down, once it is reopened', async () => {
      const broken = await guarded.acquireLock('guard/down', { ttlSeconds: 30 });
      const kept = await guarded.acquireLock('guard/kept', { ttlSeconds: 30 });
      await cancelGuardedWatch(async () => {
        await expect(store.breakLock('guard/down')).resolves.toBe(true);
      });
      await expect(
        within(broken.ended, 10_000, 'the break made while the watch was down'),
      ).resolves.toMatchObject({ reason: 'lost' });
      expect(kept.isHeld()).toBe(true);
      await kept.release();
    }, 20_000);

    it('reopens it at once: a lock broken after the cancel ends without any new acquisition', async () => {
      const held = await guarded.acquireLock('guard/after', { ttlSeconds: 30 });
      // Taken before the cancel too, so nothing acquired afterwards can reopen the watch in its place.
      const marker = await guarded.acquireLock('guard/after-marker', { ttlSeconds: 30 });
      await cancelGuardedWatch();
      await within(guarded.listLocks(), 10_000, 'the store answering again');
      // Once the store answers again, its watch stream reconnects (within etcd3's backoff) and etcd cancels it.
      // Rather than sleep past that, break the marker and wait for it to end: after the cancel only the reopened
      // watch, or the re-read of the held keys that follows its reopening, can end it — so once it has ended, the
      // watch is open again, and the break of `held` below comes after the cancel.
      await expect(store.breakLock('guard/after-marker')).resolves.toBe(true);
      await expect(within(marker.ended, 10_000, 'the marker break')).resolves.toMatchObject({
        reason: 'lost',
      });
      expect(held.isHeld()).toBe(true);
      await expect(store.breakLock('guard/after')).resolves.toBe(true);
      // Seen by the watch, well before the lease (30 s) could end it; the bound only keeps a failure short.
      await expect(within(held.ended, 10_000, 'the break after the cancel')).resolves.toMatchObject({
        reason: 'lost',
      });
    }, 30_000);
  });

  describe('reads with the lock', () => {
    const things = () =>
      store.repository({ keyspace: 'things/', schema: z.object({ n: z.number() }), kind: 'thing' });

    it('returns the reads of the acquiring transaction, and of a failed attempt with the holder', async () => {
      const repo = things();
      await repo.put('one', { n: 1 });
      await repo.put('two', { n: 2 });
      const reads = [
        repo.getRead('one'),
        repo.getRead('missing'),
        repo.firstRead({ order: 'desc' }),
      ] as const;
      const lock = await store.acquireLock('reads/x', { owner: 'first', reads });
      expect(lock.reads[0]?.value).toEqual({ n: 1 });
      expect(lock.reads[1]).toBeNull();
      expect(lock.reads[2]?.value).toEqual({ n: 2 });
      expect(lock.reads[0]?.modRevision).toBeLessThan(lock.revision);

      await repo.put('one', { n: 11 });
      const attempt = await store.tryAcquireLock('reads/x', { reads });
      expect(attempt).toMatchObject({ heldBy: 'first' });
      expect('reads' in attempt && attempt.reads[0]?.value).toEqual({ n: 11 });

      const waiting = store.acquireLock('reads/x', { waitMs: 5_000, reads });
      await repo.put('one', { n: 111 });
      await lock.release();
      const next = await waiting;
      expect(next.reads[0]?.value).toEqual({ n: 111 });
      await next.release();
    });

    it('fails on a read that does not decode and leaves the lock free', async () => {
      const repo = things();
      const raw = new Etcd3({ hosts: testEtcdEndpoint() });
      await raw.put(repo.keyOf('corrupt')).value('{not json');
      raw.close();
      await expect(
        store.acquireLock('reads/corrupt', { reads: [repo.getRead('corrupt')] as const }),
      ).rejects.toBeInstanceOf(CorruptValueError);
      const lock = await store.acquireLock('reads/corrupt');
      await lock.release();
    });

    it('reads several records in one transaction at one revision', async () => {
      const repo = things();
      await repo.put('r1', { n: 1 });
      const [one, none] = await store.read([repo.getRead('r1'), repo.getRead('r-none')]);
      expect(one).toMatchObject({ value: { n: 1 } });
      expect(none).toBeNull();
    });
  });
});
