/** `Idempotency-Key` records, against the real etcd. */
import { ConflictError } from '@cite/errors';
import type { EtcdStore } from './etcd-store';
import { IdempotencyStore } from './idempotency-store';
import { createTestStore } from './testing';

let store: EtcdStore;

beforeAll(async () => {
  store = await createTestStore('idempotency');
});
afterAll(() => store.close());

describe('IdempotencyStore', () => {
  const request = {
    fingerprint: 'a'.repeat(64),
    method: 'POST',
    path: '/x',
  };

  it('reserves a key, replays its answer, refuses a different request and frees abandoned keys', async () => {
    const keys = new IdempotencyStore(store);
    const now = new Date();
    const begun = await keys.begin('k1', request, now);
    expect(begun.action).toBe('proceed');
    expect((await keys.begin('k1', request, now)).action).toBe('in_flight');
    if (begun.action !== 'proceed') throw new Error('unreachable');
    await keys.complete(
      begun.claim,
      { ...request, startedAt: now.toISOString() },
      { status: 202, body: { n: 1 } },
    );
    expect(await keys.begin('k1', request, now)).toEqual({
      action: 'replay',
      response: { status: 202, body: { n: 1 } },
    });
    expect((await keys.begin('k1', { ...request, fingerprint: 'f'.repeat(64) }, now)).action).toBe(
      'mismatch',
    );

    const other = await keys.begin('k2', request, now);
    if (other.action !== 'proceed') throw new Error('expected to proceed');
    await keys.abandon(other.claim);
    expect((await keys.begin('k2', request, now)).action).toBe('proceed');
  });

  it('lets a retry take over a request that died, once it is stale', async () => {
    const keys = new IdempotencyStore(store, { staleAfterMs: 1_000 });
    const started = new Date(Date.now() - 5_000);
    const dead = await keys.begin('k3', request, started);
    expect(dead.action).toBe('proceed');
    const retry = await keys.begin('k3', request, new Date());
    expect(retry.action).toBe('proceed');
    if (dead.action !== 'proceed') throw new Error('unreachable');
    await expect(
      keys.complete(dead.claim, { ...request, startedAt: started.toISOString() }, { status: 202, body: {} }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('forgets keys when their lease ends', async () => {
    const keys = new IdempotencyStore(store, { ttlSeconds: 1 });
    await keys.begin('k4', request, new Date());
    const deadline = Date.now() + 5_000;
    while ((await keys.records.get('k4')) !== null && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(await keys.records.get('k4')).toBeNull();
  }, 8_000);
});
