import { InputError } from '@cite/errors';
import { testEtcdEndpoint } from '@cite/test-support';
import { Etcd3 } from 'etcd3';
import type { Leadership } from './election';
import type { EtcdStore } from './etcd-store';
import { StoreChild } from './fixtures/child-process';
import { createTestStore } from './testing';

let store: EtcdStore;

beforeAll(async () => {
  store = await createTestStore('election');
});

afterAll(async () => {
  await store.close();
});

describe('leader election', () => {
  it('elects the first candidate and hands over to the next on resign', async () => {
    const first = await store.campaign('watcher', 'pod-a', { ttlSeconds: 5 });
    await first.whenElected();
    expect(first.isLeader()).toBe(true);
    const second = await store.campaign('watcher', 'pod-b', { ttlSeconds: 5 });
    expect(second.currentState).toBe('campaigning');
    await expect(store.leader('watcher')).resolves.toMatchObject({ candidateId: 'pod-a' });
    expect(first.key.startsWith(`${store.prefix}election/watcher/`)).toBe(true);

    const resignedAt = Date.now();
    await first.resign();
    await second.whenElected();
    expect(Date.now() - resignedAt).toBeLessThan(1_000);
    expect(first.isLeader()).toBe(false);
    await expect(first.whenEnded()).resolves.toEqual({ reason: 'resigned', wasLeader: true });
    await expect(store.leader('watcher')).resolves.toMatchObject({ candidateId: 'pod-b' });
    await second.resign();
    await expect(store.leader('watcher')).resolves.toBeNull();
  });

  it('never has two leaders while leadership passes down a line of candidates', async () => {
    const candidates: Leadership[] = [];
    const leading = new Set<string>();
    let most = 0;
    for (let i = 0; i < 5; i++) {
      const candidate = await store.campaign('line', `c${i}`, { ttlSeconds: 5 });
      candidate.onChange((state) => {
        if (state === 'leader') leading.add(candidate.candidateId);
        else leading.delete(candidate.candidateId);
        most = Math.max(most, leading.size);
      });
      if (candidate.isLeader()) leading.add(candidate.candidateId);
      candidates.push(candidate);
    }
    for (const [i, candidate] of candidates.entries()) {
      await candidate.whenElected();
      expect(candidates.filter((c) => c.isLeader()).map((c) => c.candidateId)).toEqual([`c${i}`]);
      await candidate.resign();
    }
    expect(most).toBe(1);
    expect(leading.size).toBe(0);
  });

  it('lets a waiting candidate leave without disturbing the leader', async () => {
    const leader = await store.campaign('quit', 'stays', { ttlSeconds: 5 });
    await leader.whenElected();
    const quitter = await store.campaign('quit', 'leaves', { ttlSeconds: 5 });
    await quitter.resign();
    await expect(quitter.whenElected()).rejects.toThrow();
    await expect(quitter.whenEnded()).resolves.toEqual({ reason: 'resigned', wasLeader: false });
    expect(leader.isLeader()).toBe(true);
    await leader.resign();
  });

  it('ends leadership when its key is deleted, and the next candidate takes over', async () => {
    const leader = await store.campaign('deleted', 'victim', { ttlSeconds: 5 });
    await leader.whenElected();
    const next = await store.campaign('deleted', 'heir', { ttlSeconds: 5 });
    const client = new Etcd3({ hosts: testEtcdEndpoint() });
    try {
      await client.delete().key(leader.key);
    } finally {
      client.close();
    }
    await expect(leader.whenEnded()).resolves.toMatchObject({ reason: 'lost', wasLeader: true });
    await next.whenElected();
    await next.resign();
  });

  it('refuses bad names', async () => {
    await expect(store.campaign('', 'x')).rejects.toBeInstanceOf(InputError);
    await expect(store.campaign('ok', '')).rejects.toBeInstanceOf(InputError);
  });

  it('resigns on store close so another process takes over at once', async () => {
    const other = await createTestStore('unused', { prefix: store.prefix });
    const leaving = await other.campaign('closing', 'leaving', { ttlSeconds: 10 });
    await leaving.whenElected();
    const staying = await store.campaign('closing', 'staying', { ttlSeconds: 10 });
    const closedAt = Date.now();
    await other.close();
    await staying.whenElected();
    expect(Date.now() - closedAt).toBeLessThan(1_000);
    await staying.resign();
  });

  it('moves to the next candidate within the TTL when the leader process is SIGKILLed', async () => {
    const ttlSeconds = 2;
    const child = await StoreChild.start({
      command: 'campaign',
      endpoint: testEtcdEndpoint(),
      prefix: store.prefix,
      name: 'crash',
      candidateId: 'child',
      ttlSeconds,
    });
    await child.next('elected');
    const local = await store.campaign('crash', 'local', { ttlSeconds });
    expect(local.isLeader()).toBe(false);
    await expect(store.leader('crash')).resolves.toMatchObject({ candidateId: 'child' });
    await child.kill();
    const killedAt = Date.now();
    await local.whenElected();
    const took = Date.now() - killedAt;
    console.info(`leadership moved ${took} ms after the leader (TTL ${ttlSeconds} s) was SIGKILLed`);
    expect(took).toBeLessThan((ttlSeconds + 1.5) * 1_000);
    await local.resign();
  }, 20_000);
});
