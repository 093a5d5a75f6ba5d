/** The records this library adds to etcd, against the real etcd. */
import { ConflictError } from '@cite/errors';
import { createTestStore } from '@cite/store/testing';
import type { EtcdStore } from '@cite/store';
import { IdempotencyStore, requestFingerprint } from './idempotency';
import { ObservedStatusStore } from './observed-status';
import { ReleaseLog } from './release-log';

let store: EtcdStore;

beforeAll(async () => {
  store = await createTestStore('catalog');
});
afterAll(() => store.close());

describe('ReleaseLog', () => {
  it('appends numbered lines under releaselogs/<service>/<release>/<seq> and lists after a seq', async () => {
    const log = new ReleaseLog(store, () => new Date('2024-05-01T12:00:00Z'));
    const written = await log.append('web', 3, [
      { message: 'pulling' },
      { message: 'x'.repeat(9000), level: 'warn', source: 'deployer' },
    ]);
    expect(written.map((line) => line.seq)).toEqual([1, 2]);
    expect(written[1]!.message).toHaveLength(8192);
    expect(store.key(`releaselogs/${ReleaseLog.lineId('web', 3, 2)}`)).toMatch(
      /releaselogs\/web\/0000000003\/0000000002$/,
    );
    const page = await log.list('web', 3, { after: 1 });
    expect(page.lines).toEqual([expect.objectContaining({ seq: 2, level: 'warn', source: 'deployer' })]);
    expect((await log.list('web', 4)).lines).toEqual([]);
  });

  it('keeps numbering when another writer (a deployer taking over) appended meanwhile', async () => {
    const first = new ReleaseLog(store);
    const second = new ReleaseLog(store);
    await first.append('api', 1, [{ message: 'a' }]);
    await second.append('api', 1, [{ message: 'b' }]);
    await first.append('api', 1, [{ message: 'c' }]);
    const all = await first.list('api', 1);
    expect(all.lines.map((line) => [line.seq, line.message])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
    const concurrent = await Promise.all([
      first.append('api', 2, [{ message: 'x' }]),
      second.append('api', 2, [{ message: 'y' }]),
    ]);
    expect(
      concurrent
        .flat()
        .map((line) => line.seq)
        .sort(),
    ).toEqual([1, 2]);
  });
});

describe('ObservedStatusStore', () => {
  it('stores status/<service>, last write wins, and removes it', async () => {
    const statuses = new ObservedStatusStore(store);
    const status = {
      service: 'web',
      namespace: 'cite-web',
      replicas: { desired: 1, updated: 1, ready: 1, available: 1 },
      pods: [],
      events: [],
      observedAt: '2024-05-01T12:00:00Z',
    };
    await statuses.put(status);
    await statuses.put({ ...status, release: 2 });
    expect((await statuses.get('web'))?.value.release).toBe(2);
    await statuses.remove('web');
    await statuses.remove('web');
    expect(await statuses.get('web')).toBeNull();
  });
});

describe('IdempotencyStore', () => {
  const request = {
    fingerprint: requestFingerprint({ method: 'POST', path: '/x', body: {} }),
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
