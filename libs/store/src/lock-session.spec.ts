/**
 * Locks share one session lease per TTL for the life of the process, so nothing a lock leaves on the session may
 * outlive the lock: thousands of deploys take thousands of locks on one lease.
 */
import type { EtcdStore } from './etcd-store';
import type { HeldLease } from './held-lease';
import { createTestStore } from './testing';

let store: EtcdStore;

beforeAll(async () => {
  store = await createTestStore('lock-session');
});

afterAll(async () => {
  await store?.close();
});

const sessionOf = (lock: object) => (lock as { session: HeldLease }).session;

describe('the session lease under many locks', () => {
  it('holds a listener per held lock only: released and broken locks leave none behind', async () => {
    const first = await store.acquireLock('many/first', { ttlSeconds: 9 });
    const session = sessionOf(first);
    expect(session.listenerCount).toBe(1);
    for (let i = 0; i < 40; i++) {
      const lock = await store.acquireLock(`many/${i % 5}`, { ttlSeconds: 9 });
      expect(sessionOf(lock)).toBe(session);
      await lock.release();
    }
    const broken = await store.acquireLock('many/broken', { ttlSeconds: 9 });
    await store.breakLock('many/broken');
    await broken.ended;
    expect(session.listenerCount).toBe(1);
    await first.release();
    expect(session.listenerCount).toBe(0);
  });

  it('still tells every held lock when the session ends', async () => {
    const a = await store.acquireLock('ending/a', { ttlSeconds: 11 });
    const b = await store.acquireLock('ending/b', { ttlSeconds: 11 });
    await sessionOf(a).release();
    await expect(a.ended).resolves.toMatchObject({ reason: 'released' });
    await expect(b.ended).resolves.toMatchObject({ reason: 'released' });
    expect(a.isHeld()).toBe(false);
  });
});
