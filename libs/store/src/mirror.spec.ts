/**
 * `Mirror` against the test etcd: the first list across pages, changes through the watch, own writes that the
 * watch's late, older events must not undo, a re-list after etcd compacted the revision the watch needed (the
 * mirror's connection cut meanwhile by a TCP proxy), and a clean stop.
 */
import { jest } from '@jest/globals';
import { createLogger } from '@cite/logging';
import { TcpRelay, testEtcdEndpoint } from '@cite/test-support';
import { Etcd3 } from 'etcd3';
import { PassThrough } from 'node:stream';
import { z } from 'zod';
import type { EtcdStore } from './etcd-store';
import { Mirror, type MirrorChange } from './mirror';
import type { Repository } from './repository';
import { createTestStore } from './testing';

jest.setTimeout(60_000);

const Counter = z.object({ n: z.number().int() });
type Counter = z.infer<typeof Counter>;

/** Polls `done` every 20 ms; fails naming `what` after `ms`. */
async function until(done: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

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

/** What a mirror reported, as lines: `id=n` for a value, `id deleted` for a deletion. */
function recorder() {
  const changes: MirrorChange<Counter>[] = [];
  return {
    changes,
    onChange: (change: MirrorChange<Counter>) => void changes.push(change),
    lines: (from = 0) =>
      changes.slice(from).map((c) => (c.value ? `${c.id}=${c.value.n}` : `${c.id} deleted`)),
  };
}

/** A logger whose lines the test reads. */
function capturedLogger() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { logger: createLogger({ app: 'mirror-test', level: 'warn', stream }), text: () => text };
}

let store: EtcdStore;
let proxy: TcpRelay;
/** The same prefix through the proxy: what the mirror under test reads. */
let proxied: EtcdStore;
let raw: Etcd3;
let keyspaces = 0;
const mirrors: Mirror<Counter>[] = [];

beforeAll(async () => {
  store = await createTestStore('mirror');
  proxy = await TcpRelay.start(testEtcdEndpoint());
  proxied = await createTestStore('mirror', { endpoints: [proxy.endpoint], prefix: store.prefix });
  raw = new Etcd3({ hosts: testEtcdEndpoint() });
});

afterEach(async () => {
  proxy.restore();
  await within(Promise.all(mirrors.splice(0).map((mirror) => mirror.stop())), 10_000, 'stopping the mirrors');
});

afterAll(async () => {
  await raw?.delete().prefix(store.prefix).exec();
  raw?.close();
  await proxied?.close();
  await proxy?.close();
  await store?.close();
});

/** A fresh keyspace, as the writer sees it and as the mirror (through the proxy) sees it. */
function counters(): { writer: Repository<Counter>; read: Repository<Counter> } {
  const options = { keyspace: `counters-${++keyspaces}/`, kind: 'counter', schema: Counter };
  return { writer: store.repository(options), read: proxied.repository(options) };
}

async function startMirror(
  repository: Repository<Counter>,
  onChange: (change: MirrorChange<Counter>) => void,
  logger?: ReturnType<typeof createLogger>,
): Promise<Mirror<Counter>> {
  const mirror = await Mirror.start(repository, onChange, logger);
  mirrors.push(mirror);
  return mirror;
}

/**
 * Writes a marker record and waits until the mirror reported it: every change the watch had for revisions
 * before the marker's has been read by then.
 */
async function caughtUp(writer: Repository<Counter>, seen: () => string[], marker: string): Promise<void> {
  await writer.put(marker, { n: -1 });
  await until(() => seen().includes(`${marker}=-1`), `the mirror reporting ${marker}`);
}

describe('Mirror', () => {
  it('holds every record after the first list, read page by page', async () => {
    const { writer } = counters();
    const revisions = new Map<string, number>();
    for (let batch = 0; batch < 11; batch++) {
      const writes = store.batch();
      const ids = Array.from({ length: 100 }, (_, i) => `r${String(batch * 100 + i).padStart(4, '0')}`);
      for (const id of ids) writes.put(writer, id, { n: Number(id.slice(1)) });
      const committed = await writes.commit('seed counters');
      for (const id of ids) revisions.set(id, committed!.revision);
    }
    const pages = jest.spyOn(writer, 'list');
    const seen = recorder();
    const mirror = await startMirror(writer, seen.onChange);

    expect(pages.mock.calls.length).toBeGreaterThanOrEqual(2); // 1,100 records, pages of at most 1,000
    expect(mirror.size).toBe(1_100);
    expect(new Set(mirror.ids())).toEqual(new Set(revisions.keys()));
    expect(seen.changes).toHaveLength(1_100);
    expect(new Set(seen.lines())).toEqual(
      new Set([...revisions.keys()].map((id) => `${id}=${Number(id.slice(1))}`)),
    );
    expect(mirror.get('r1099')).toEqual({ value: { n: 1099 }, modRevision: revisions.get('r1099') });
    expect(mirror.get('r0000')).toEqual({ value: { n: 0 }, modRevision: revisions.get('r0000') });

    // It follows on from the list's revision.
    const next = await writer.put('r1100', { n: 1100 });
    await until(() => seen.lines().includes('r1100=1100'), 'a put after the paged list');
    expect(mirror.get('r1100')).toEqual({ value: { n: 1100 }, modRevision: next.modRevision });
  });

  it('reports puts, updates and deletes made after it started, with their revisions', async () => {
    const { writer } = counters();
    const kept = await writer.put('kept', { n: 1 });
    const seen = recorder();
    const mirror = await startMirror(writer, seen.onChange);
    expect(seen.lines()).toEqual(['kept=1']);

    const created = await writer.create('new', { n: 1 });
    await until(() => seen.lines().includes('new=1'), 'the put');
    expect(mirror.get('new')).toEqual({ value: { n: 1 }, modRevision: created.modRevision });

    const updated = await writer.update('new', { n: 2 }, created.modRevision);
    await until(() => seen.lines().includes('new=2'), 'the update');
    expect(mirror.get('new')).toEqual({ value: { n: 2 }, modRevision: updated.modRevision });

    await writer.delete('kept');
    await until(() => seen.lines().includes('kept deleted'), 'the delete');
    expect(mirror.get('kept')).toBeUndefined();
    expect(mirror.size).toBe(1);
    expect(kept.modRevision).toBeLessThan(created.modRevision);
    expect(seen.lines()).toEqual(['kept=1', 'new=1', 'new=2', 'kept deleted']);
  });

  it('keeps what it wrote when the watch later brings an older change of the key', async () => {
    const { writer, read } = counters();
    await writer.put('w', { n: 1 });
    const seen = recorder();
    const mirror = await startMirror(read, seen.onChange);
    // The mirror's watch is cut off while the key changes twice; the process records the newer write itself.
    proxy.cut();
    await writer.put('w', { n: 2 });
    const newest = await writer.put('w', { n: 3 });
    mirror.wrote('w', { n: 3 }, newest.modRevision);
    expect(mirror.get('w')).toEqual({ value: { n: 3 }, modRevision: newest.modRevision });
    proxy.restore();
    const before = seen.changes.length;
    await caughtUp(writer, () => seen.lines(before), 'marker');

    // The watch resumed from before both puts and brought them late: neither replaced nor was reported.
    expect(seen.lines(before)).toEqual(['marker=-1']);
    expect(mirror.get('w')).toEqual({ value: { n: 3 }, modRevision: newest.modRevision });

    // An older revision handed to wrote() is ignored too.
    mirror.wrote('w', { n: 0 }, newest.modRevision - 1);
    expect(mirror.get('w')?.value).toEqual({ n: 3 });
  });

  it('does not bring back a key it deleted when an older put of it arrives late', async () => {
    const { writer, read } = counters();
    await writer.put('d', { n: 1 });
    const seen = recorder();
    const mirror = await startMirror(read, seen.onChange);
    proxy.cut();
    await writer.put('d', { n: 2 });
    const deleted = await raw.delete().key(writer.keyOf('d')).exec();
    mirror.wrote('d', undefined, Number(deleted.header.revision));
    expect(mirror.get('d')).toBeUndefined();
    proxy.restore();
    const before = seen.changes.length;
    await caughtUp(writer, () => seen.lines(before), 'marker');

    expect(seen.lines(before)).toEqual(['marker=-1']);
    expect(mirror.get('d')).toBeUndefined();

    // A put after the deletion is a new record: the tombstone does not hide it.
    const again = await writer.put('d', { n: 4 });
    await until(() => seen.lines(before).includes('d=4'), 'the put after the deletion');
    expect(mirror.get('d')).toEqual({ value: { n: 4 }, modRevision: again.modRevision });
  });

  it('lists again when etcd compacted past its revision while the watch was cut off, reporting what vanished', async () => {
    const { writer, read } = counters();
    await writer.put('a', { n: 1 });
    await writer.put('b', { n: 1 });
    await writer.put('c', { n: 1 });
    const seen = recorder();
    const log = capturedLogger();
    const mirror = await startMirror(read, seen.onChange, log.logger);
    expect(seen.lines().sort()).toEqual(['a=1', 'b=1', 'c=1']);

    proxy.cut();
    await writer.delete('b');
    const changed = await writer.put('c', { n: 2 });
    const added = await writer.put('e', { n: 1 });
    // Two more writes, so the compacted revision is above the one the watch resumes from.
    await writer.put('filler', { n: 0 });
    await writer.delete('filler');
    const { revision } = await writer.list({ limit: 1 });
    await raw.kv.compact({ revision: String(revision), physical: true });
    const before = seen.changes.length;
    proxy.restore();

    await until(() => seen.changes.length - before >= 3, 'the re-list');
    expect(seen.lines(before).sort()).toEqual(['b deleted', 'c=2', 'e=1']);
    expect(log.text()).toContain('etcd mirror re-listing');
    expect(log.text()).toMatch(/compacted/i);
    expect(mirror.get('b')).toBeUndefined();
    expect(mirror.get('a')).toEqual({ value: { n: 1 }, modRevision: (await writer.get('a'))!.modRevision });
    expect(mirror.get('c')).toEqual({ value: { n: 2 }, modRevision: changed.modRevision });
    expect(mirror.get('e')).toEqual({ value: { n: 1 }, modRevision: added.modRevision });
    expect(new Set(mirror.ids())).toEqual(new Set(['a', 'c', 'e']));

    // And it follows on from the re-list's revision.
    await writer.delete('a');
    await until(() => seen.lines(before).includes('a deleted'), 'a delete after the re-list');
    expect(new Set(mirror.ids())).toEqual(new Set(['c', 'e']));
  });

  it('holds only what slim keeps of each record, listed or watched', async () => {
    const Noted = z.object({ n: z.number().int(), note: z.string().optional() });
    const notes = store.repository({ keyspace: `noted-${++keyspaces}/`, kind: 'noted', schema: Noted });
    await notes.put('listed', { n: 1, note: 'long text the mirror does not need' });
    const changes: MirrorChange<z.infer<typeof Noted>>[] = [];
    const mirror = await Mirror.start(
      notes,
      (change) => void changes.push(change),
      undefined,
      ({ n }) => ({ n }),
    );
    try {
      await notes.put('watched', { n: 2, note: 'more text' });
      await until(() => changes.some((c) => c.id === 'watched'), 'the watched put');
      expect(mirror.get('listed')?.value).toEqual({ n: 1 });
      expect(mirror.get('watched')?.value).toEqual({ n: 2 });
      expect(changes.map((c) => c.value)).toEqual([{ n: 1 }, { n: 2 }]);
    } finally {
      await mirror.stop();
    }
  });

  it('stops cleanly while following: the watch ends, nothing more is reported, nothing is logged', async () => {
    const { writer } = counters();
    await writer.put('s', { n: 1 });
    const seen = recorder();
    const log = capturedLogger();
    const mirror = await Mirror.start(writer, seen.onChange, log.logger);
    await writer.put('s', { n: 2 });
    await until(() => seen.lines().includes('s=2'), 'a change before the stop');
    await within(mirror.stop(), 5_000, 'stop');
    await writer.put('s', { n: 3 });
    await writer.put('t', { n: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.lines()).toEqual(['s=1', 's=2']);
    expect(mirror.get('s')?.value).toEqual({ n: 2 });
    expect(log.text()).toBe('');
  });

  it('stops cleanly right after it started, while its watch is still being opened', async () => {
    const { writer } = counters();
    await writer.put('s', { n: 1 });
    const seen = recorder();
    const log = capturedLogger();
    const mirror = await Mirror.start(writer, seen.onChange, log.logger);
    await within(mirror.stop(), 5_000, 'stop right after start');
    await writer.put('s', { n: 2 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.lines()).toEqual(['s=1']);
    expect(log.text()).toBe('');
  });
});
