import { InputError, TimeoutError } from '@cite/errors';
import { testEtcdEndpoint } from '@cite/test-support';
import type { EtcdStore } from './etcd-store';
import { StoreChild } from './fixtures/child-process';
import { createTestStore } from './testing';

let store: EtcdStore;

beforeAll(async () => {
  store = await createTestStore('locks');
});

afterAll(async () => {
  await store.close();
});

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
});
