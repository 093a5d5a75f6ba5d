import { UnavailableError } from '@cite/errors';
import { freePort, startEtcd, type RunningEtcd } from '@cite/test-support';
import { z } from 'zod';
import { Etcd3 } from 'etcd3';
import fs from 'node:fs';
import { WatchCompactedError } from './etcd-errors';
import { EtcdStore } from './etcd-store';
import type { WatchEvent } from './repository-watch';

const Note = z.object({ text: z.string() });

/** Runs `attempt` and returns how long it took to fail; it must fail with `UnavailableError('etcd')`. */
async function failsUnavailable(attempt: () => Promise<unknown>): Promise<number> {
  const started = Date.now();
  const error = await attempt().then(
    () => new Error('expected UnavailableError, but it succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnavailableError);
  expect((error as UnavailableError).dependency).toBe('etcd');
  return Date.now() - started;
}

/**
 * A restarted single-node etcd answers only once it has elected itself (about a second): ping like a
 * readiness probe until it does, and say how long that took.
 */
async function untilReady(store: EtcdStore, withinMs = 10_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      await store.ping();
      return Date.now() - started;
    } catch (error) {
      if (!(error instanceof UnavailableError) || Date.now() - started > withinMs) throw error;
    }
  }
}

describe('EtcdStore when etcd is unreachable', () => {
  it('fails create promptly when nothing listens', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const took = await failsUnavailable(() => EtcdStore.create({ endpoints: [endpoint], timeoutMs: 1_000 }));
    expect(took).toBeLessThan(1_500);
  });

  it('fails every operation promptly when nothing listens', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const store = await EtcdStore.create({ endpoints: [endpoint], timeoutMs: 1_000, verify: false });
    const notes = store.repository({ keyspace: 'notes/', kind: 'note', schema: Note });
    try {
      const timings = [
        await failsUnavailable(() => store.ping()),
        await failsUnavailable(() => notes.get('a')),
        await failsUnavailable(() => notes.create('a', { text: 'a' })),
        await failsUnavailable(() => notes.list()),
        await failsUnavailable(() => notes.watch()),
        await failsUnavailable(() => store.acquireLock('l')),
        await failsUnavailable(() => store.campaign('e', 'me')),
        await failsUnavailable(() => store.sequence(notes).allocate('g', () => ({ text: 'x' }))),
      ];
      for (const took of timings) expect(took).toBeLessThan(1_500);
    } finally {
      await store.close();
    }
    await failsUnavailable(() => store.ping());
  });
});

describe('EtcdStore against an etcd that stops', () => {
  let etcd: RunningEtcd;
  let store: EtcdStore;

  beforeAll(async () => {
    etcd = await startEtcd();
    store = await EtcdStore.create({ endpoints: [etcd.endpoint], timeoutMs: 1_000 });
  });

  afterAll(async () => {
    await store.close();
    await etcd.stop();
    fs.rmSync(etcd.dataDir, { recursive: true, force: true });
  });

  it('is unavailable while etcd is down and recovers at once when it is back, data intact', async () => {
    const notes = store.repository({ keyspace: 'notes/', kind: 'note', schema: Note });
    await notes.put('kept', { text: 'survives a restart' });
    const watch = await notes.watch();

    await etcd.stop();
    expect(await failsUnavailable(() => notes.get('kept'))).toBeLessThan(1_500);
    expect(await failsUnavailable(() => store.ping())).toBeLessThan(1_500);

    etcd = await startEtcd({ clientPort: etcd.port, dataDir: etcd.dataDir });
    console.info(`store answered ${await untilReady(store)} ms after etcd's port reopened`);
    await expect(notes.require('kept')).resolves.toMatchObject({ value: { text: 'survives a restart' } });

    // The watch opened before the outage resumes by itself.
    await notes.put('after', { text: 'written after the restart' });
    const seen: WatchEvent<z.infer<typeof Note>>[] = [];
    for await (const event of watch) {
      seen.push(event);
      if (event.id === 'after') break;
    }
    expect(seen.map((e) => e.id)).toEqual(['after']);
  }, 30_000);

  it('fails a watch whose start revision was compacted, so the caller re-lists', async () => {
    const notes = store.repository({ keyspace: 'compacted/', kind: 'note', schema: Note });
    const first = await notes.put('a', { text: 'one' });
    const latest = await notes.put('a', { text: 'two' });
    const client = new Etcd3({ hosts: etcd.endpoint });
    try {
      await client.kv.compact({ revision: latest.modRevision, physical: true });
    } finally {
      client.close();
    }
    const watch = await notes.watch({ fromRevision: first.modRevision });
    const reading = (async () => {
      for await (const _event of watch) return 'got an event';
      return 'ended quietly';
    })();
    await expect(reading).rejects.toBeInstanceOf(WatchCompactedError);
  });

  it('fails a call within timeoutMs when etcd hangs (SIGSTOP)', async () => {
    const notes = store.repository({ keyspace: 'hang/', kind: 'note', schema: Note });
    await notes.put('x', { text: 'x' });
    process.kill(etcd.pid, 'SIGSTOP');
    try {
      const took = await failsUnavailable(() => notes.get('x'));
      expect(took).toBeGreaterThanOrEqual(900);
      expect(took).toBeLessThan(2_000);
    } finally {
      process.kill(etcd.pid, 'SIGCONT');
    }
    await expect(notes.require('x')).resolves.toMatchObject({ value: { text: 'x' } });
  }, 20_000);

  it('tells a lock holder it lost the lock when etcd is gone for longer than the TTL', async () => {
    const lock = await store.acquireLock('fragile', { ttlSeconds: 2 });
    await etcd.stop();
    const stoppedAt = Date.now();
    try {
      await expect(lock.ended).resolves.toMatchObject({ reason: 'lost' });
      expect(Date.now() - stoppedAt).toBeLessThan(2_500);
      expect(lock.isHeld()).toBe(false);
    } finally {
      etcd = await startEtcd({ clientPort: etcd.port, dataDir: etcd.dataDir });
      await untilReady(store);
    }
    // Back up: the lease is gone, so the lock is free.
    const again = await store.acquireLock('fragile', { ttlSeconds: 2, waitMs: 5_000 });
    await again.release();
  }, 30_000);
});
