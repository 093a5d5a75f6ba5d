import { ConflictError, InputError, NotFoundError } from '@cite/errors';
import { testEtcdEndpoint } from '@cite/test-support';
import { z } from 'zod';
import type { EtcdStore } from './etcd-store';
import { StoreChild } from './fixtures/child-process';
import { allocationBackoff } from './sequence-allocator';
import { createTestStore } from './testing';

const Release = z.object({ service: z.string(), number: z.number().int().positive(), pid: z.number() });
type Release = z.infer<typeof Release>;

let store: EtcdStore;

beforeAll(async () => {
  store = await createTestStore('sequence');
});

afterAll(async () => {
  await store.close();
});

function releasesOf(s: EtcdStore) {
  return s.repository({ keyspace: 'releases/', kind: 'release', schema: Release });
}

async function storedNumbers(service: string): Promise<number[]> {
  const numbers: number[] = [];
  for await (const item of releasesOf(store).all({ prefix: `${service}/`, limit: 1000 }))
    numbers.push(item.value.number);
  return numbers;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('SequenceAllocator', () => {
  it('gives 500 concurrent allocations for one service exactly 1..500', async () => {
    const releases = releasesOf(store);
    const sequence = store.sequence(releases);
    const started = performance.now();
    const allocated = await Promise.all(
      range(500).map(() =>
        sequence.allocate('busy', (number) => ({ service: 'busy', number, pid: process.pid })),
      ),
    );
    const elapsed = performance.now() - started;
    console.info(`500 concurrent allocations (one process) took ${elapsed.toFixed(0)} ms`);
    expect(allocated.map((a) => a.number).sort((a, b) => a - b)).toEqual(range(500));
    expect(new Set(allocated.map((a) => a.modRevision)).size).toBe(500);
    expect(allocated[0]!.id).toBe('busy/0000000001');
    await expect(storedNumbers('busy')).resolves.toEqual(range(500));
  });

  it('builds a record valid only at its real number in a fresh allocator (rollbacks name an earlier release)', async () => {
    const Ref = z
      .object({ service: z.string(), number: z.number().int().positive(), of: z.number().int().positive() })
      .refine((value) => value.of < value.number, { message: 'must name an earlier record', path: ['of'] });
    const records = () => store.repository({ keyspace: 'releases/', kind: 'release', schema: Ref });
    const seeded = store.sequence(releasesOf(store));
    await seeded.allocate('refs', (number) => ({ service: 'refs', number, pid: 0 }));
    await seeded.allocate('refs', (number) => ({ service: 'refs', number, pid: 0 }));
    // A new allocator (another process) knows nothing and would first try number 1, where `of: 2` is invalid.
    const fresh = store.sequence(records());
    const allocated = await fresh.allocate('refs', (number) => ({ service: 'refs', number, of: 2 }));
    expect(allocated.number).toBe(3);
    // A record invalid at any number is still refused.
    await expect(
      store.sequence(records()).allocate('refs', (number) => ({ service: 'refs', number, of: number })),
    ).rejects.toBeInstanceOf(InputError);
  });

  it('numbers each service on its own, stored in the zero-padded layout', async () => {
    const sequence = store.sequence(releasesOf(store));
    const a = await sequence.allocate('alpha', (number) => ({ service: 'alpha', number, pid: 0 }));
    const b = await sequence.allocate('beta', (number) => ({ service: 'beta', number, pid: 0 }));
    expect([a.number, b.number]).toEqual([1, 1]);
    await expect(releasesOf(store).get('alpha/0000000001')).resolves.toMatchObject({ value: { number: 1 } });
  });

  it('is correct across independent allocators (no shared in-process state)', async () => {
    const stores = await Promise.all(
      [0, 1, 2].map(() => createTestStore('unused', { prefix: store.prefix })),
    );
    try {
      const sequences = stores.map((s) => s.sequence(releasesOf(s)));
      const allocated = await Promise.all(
        range(150).map((i) =>
          sequences[i % 3]!.allocate('shared', (number) => ({ service: 'shared', number, pid: i % 3 })),
        ),
      );
      expect(allocated.map((a) => a.number).sort((a, b) => a - b)).toEqual(range(150));
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('notices numbers taken elsewhere even with a warm cache, and restarts after all are deleted', async () => {
    const releases = releasesOf(store);
    const mine = store.sequence(releases);
    const theirs = store.sequence(releases);
    const build = (number: number) => ({ service: 'warm', number, pid: 0 });
    expect((await mine.allocate('warm', build)).number).toBe(1);
    expect((await theirs.allocate('warm', build)).number).toBe(2);
    expect((await theirs.allocate('warm', build)).number).toBe(3);
    expect((await mine.allocate('warm', build)).number).toBe(4);
    for (const n of [1, 2, 3, 4]) await releases.delete(`warm/${String(n).padStart(10, '0')}`);
    expect((await mine.allocate('warm', build)).number).toBe(1);
  });

  it('requires the owning record when asked, and refuses invalid drafts without retrying', async () => {
    const releases = releasesOf(store);
    const services = store.repository({
      keyspace: 'services/',
      kind: 'service',
      schema: z.object({ name: z.string() }),
    });
    const sequence = store.sequence(releases);
    const guarded = { requireKey: services.keyOf('ghost'), requireKind: 'service' };
    const build = (number: number) => ({ service: 'ghost', number, pid: 0 });
    await expect(sequence.allocate('ghost', build, guarded)).rejects.toBeInstanceOf(NotFoundError);
    await services.create('ghost', { name: 'ghost' });
    await expect(sequence.allocate('ghost', build, guarded)).resolves.toMatchObject({ number: 1 });
    let calls = 0;
    const invalid = sequence.allocate('ghost', (number) => {
      calls++;
      return { service: 'ghost', number: -number, pid: 0 };
    });
    await expect(invalid).rejects.toBeInstanceOf(InputError);
    // Once at the cached number, once more at the highest number read from etcd (the cache may be stale), no more.
    expect(calls).toBe(2);
    await expect(sequence.allocate('a/b', build)).rejects.toBeInstanceOf(InputError);
  });

  it('gives up with ConflictError only after maxAttempts', async () => {
    const releases = releasesOf(store);
    const build = (number: number) => ({ service: 'stubborn', number, pid: 0 });
    await store.sequence(releases).allocate('stubborn', build);
    const pauses: number[] = [];
    const impatient = store.sequence(releases, {
      maxAttempts: 1,
      sleep: async (ms) => {
        pauses.push(ms);
      },
    });
    // A fresh allocator first tries 1, which is taken: with one attempt allowed, it gives up.
    await expect(impatient.allocate('stubborn', build)).rejects.toBeInstanceOf(ConflictError);
    expect(pauses).toEqual([]);
  });

  it('backs off with full jitter, capped', () => {
    expect(allocationBackoff(1, () => 1)).toBe(2);
    expect(allocationBackoff(3, () => 0.5)).toBe(4);
    expect(allocationBackoff(30, () => 1)).toBe(50);
    expect(allocationBackoff(5, () => 0)).toBe(0);
  });

  it('is gap-free and duplicate-free across three processes and this one', async () => {
    const command = {
      command: 'allocate' as const,
      endpoint: testEtcdEndpoint(),
      prefix: store.prefix,
      service: 'multi',
      count: 100,
      barrier: 'go',
    };
    const children = await Promise.all([0, 1, 2].map(() => StoreChild.start(command)));
    await Promise.all(children.map((child) => child.next('ready', 20_000)));
    // Everyone starts together: the children are watching for this record.
    const started = performance.now();
    await store.repository({ keyspace: 'barrier/', kind: 'barrier', schema: z.unknown() }).put('go', true);
    const sequence = store.sequence(releasesOf(store));
    const local = await Promise.all(
      range(100).map(() =>
        sequence.allocate('multi', (number) => ({ service: 'multi', number, pid: process.pid })),
      ),
    );
    const remote = await Promise.all(children.map((child) => child.next('allocated', 20_000)));
    console.info(`400 allocations from 4 processes took ${(performance.now() - started).toFixed(0)} ms`);
    const numbers = [
      ...local.map((a) => a.number),
      ...remote.flatMap((event) => event['numbers'] as number[]),
    ];
    expect(numbers.sort((a, b) => a - b)).toEqual(range(400));
    const stored = [];
    for await (const item of releasesOf(store).all({ prefix: 'multi/' })) stored.push(item.value);
    expect(new Set(stored.map((r) => r.pid)).size).toBe(4);
    await Promise.all(children.map((child) => child.exited));
  }, 40_000);
});
