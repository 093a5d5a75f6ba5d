import { ConflictError, CorruptValueError, InputError, NotFoundError } from '@cite/errors';
import { testEtcdEndpoint } from '@cite/test-support';
import { Etcd3 } from 'etcd3';
import { z } from 'zod';
import type { EtcdStore } from './etcd-store';
import type { Repository } from './repository';
import type { RepositoryWatch, WatchEvent } from './repository-watch';
import { createTestStore } from './testing';

const Widget = z.object({ name: z.string().min(1), size: z.number().int().nonnegative() });
type Widget = z.infer<typeof Widget>;

let store: EtcdStore;
let widgets: Repository<Widget>;

/** Writes raw bytes behind the repository's back (what another tool or an old version might have stored). */
async function putRaw(relativeKey: string, raw: string): Promise<void> {
  const client = new Etcd3({ hosts: testEtcdEndpoint() });
  try {
    await client.put(store.key(relativeKey)).value(raw);
  } finally {
    client.close();
  }
}

/** Reads the next `count` events of a watch. */
async function take<T>(watch: RepositoryWatch<T>, count: number): Promise<WatchEvent<T>[]> {
  const events: WatchEvent<T>[] = [];
  for await (const event of watch) {
    events.push(event);
    if (events.length === count) break;
  }
  return events;
}

beforeAll(async () => {
  store = await createTestStore('repository');
  widgets = store.repository({ keyspace: 'widgets/', kind: 'widget', schema: Widget });
});

afterAll(async () => {
  await store.close();
});

describe('Repository', () => {
  it('creates once and reads back with the revision', async () => {
    const created = await widgets.create('a', { name: 'a', size: 1 });
    expect(created.modRevision).toBeGreaterThan(0);
    await expect(widgets.get('a')).resolves.toEqual({
      value: { name: 'a', size: 1 },
      modRevision: created.modRevision,
    });
    const again = widgets.create('a', { name: 'a', size: 2 });
    await expect(again).rejects.toBeInstanceOf(ConflictError);
    await expect(again).rejects.toThrow(`${store.prefix}widgets/a`);
    await expect(widgets.get('missing')).resolves.toBeNull();
    await expect(widgets.require('missing')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('stores keys under the prefix in the layout', async () => {
    expect(widgets.keyOf('x/y')).toBe(`${store.prefix}widgets/x/y`);
    expect(store.prefix).toMatch(/^\/cite-test\/repository-.*\/$/);
  });

  it('compare-and-swaps updates and names the key when stale', async () => {
    const v1 = await widgets.create('cas', { name: 'cas', size: 1 });
    const v2 = await widgets.update('cas', { name: 'cas', size: 2 }, v1.modRevision);
    expect(v2.modRevision).toBeGreaterThan(v1.modRevision);
    const stale = widgets.update('cas', { name: 'cas', size: 3 }, v1.modRevision);
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.toThrow(`${store.prefix}widgets/cas`);
    await expect(widgets.update('nope', { name: 'n', size: 1 }, v1.modRevision)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(widgets.require('cas')).resolves.toMatchObject({
      value: { size: 2 },
      modRevision: v2.modRevision,
    });
  });

  it('retries read-modify-write when a concurrent writer wins', async () => {
    await widgets.create('counter', { name: 'counter', size: 0 });
    await Promise.all(
      Array.from({ length: 10 }, () => widgets.modify('counter', (w) => ({ ...w, size: w.size + 1 }), 50)),
    );
    await expect(widgets.require('counter')).resolves.toMatchObject({ value: { size: 10 } });
  });

  it('deletes, optionally only at the expected revision', async () => {
    const created = await widgets.create('del', { name: 'del', size: 1 });
    const updated = await widgets.update('del', { name: 'del', size: 2 }, created.modRevision);
    await expect(widgets.delete('del', created.modRevision)).rejects.toBeInstanceOf(ConflictError);
    await widgets.delete('del', updated.modRevision);
    await expect(widgets.get('del')).resolves.toBeNull();
    await expect(widgets.delete('del')).rejects.toBeInstanceOf(NotFoundError);
    await widgets.create('del2', { name: 'del2', size: 1 });
    await widgets.delete('del2');
    await expect(widgets.get('del2')).resolves.toBeNull();
  });

  it('validates on write with field paths and never writes an invalid value', async () => {
    const attempt = widgets.create('bad', { name: '', size: -1 } as Widget);
    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await attempt.catch((error: InputError) => {
      expect(error.details.map((d) => d.path).sort()).toEqual(['name', 'size']);
    });
    await expect(widgets.get('bad')).resolves.toBeNull();
    await expect(widgets.create('', { name: 'x', size: 1 })).rejects.toBeInstanceOf(InputError);
    await expect(widgets.create('../escape', { name: 'x', size: 1 })).rejects.toBeInstanceOf(InputError);
  });

  it('reports corrupt values: get throws naming the key, list reports them and goes on', async () => {
    const books = store.repository({ keyspace: 'books/', kind: 'book', schema: Widget });
    await books.create('1', { name: 'one', size: 1 });
    await putRaw('books/2', JSON.stringify({ name: 'two', size: 'big' }));
    await books.create('3', { name: 'three', size: 3 });
    await putRaw('books/4', '{not json');

    await expect(books.get('2')).rejects.toBeInstanceOf(CorruptValueError);
    await expect(books.get('2')).rejects.toMatchObject({ key: `${store.prefix}books/2` });
    await expect(books.get('4')).rejects.toBeInstanceOf(CorruptValueError);

    const page = await books.list();
    expect(page.items.map((i) => i.id)).toEqual(['1', '3']);
    expect(page.corrupt.map((c) => c.id)).toEqual(['2', '4']);
    expect(page.corrupt[0]!.error).toBeInstanceOf(CorruptValueError);
    expect(page.corrupt[0]!.key).toBe(`${store.prefix}books/2`);
    expect(page.corrupt[0]!.error.details.map((d) => d.path)).toEqual(['size']);
    expect(page.corrupt[1]!.error.message).toContain('not JSON');
    expect(page.revision).toBeGreaterThan(0);
  });

  it('pages through a prefix with an opaque cursor, both ways', async () => {
    const items = store.repository({ keyspace: 'paged/', kind: 'item', schema: Widget });
    for (let i = 0; i < 7; i++) await items.create(`p/${i}`, { name: `p${i}`, size: i });
    await items.create('q/0', { name: 'q', size: 0 });
    await items.create('p', { name: 'bare', size: 0 });

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await items.list({ prefix: 'p/', limit: 3, cursor });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(['p/0', 'p/1', 'p/2', 'p/3', 'p/4', 'p/5', 'p/6']);
    expect(pages).toBe(3);

    const first = await items.list({ prefix: 'p/', limit: 4, order: 'desc' });
    const second = await items.list({ prefix: 'p/', limit: 4, order: 'desc', cursor: first.nextCursor });
    expect([...first.items, ...second.items].map((i) => i.id)).toEqual([
      'p/6',
      'p/5',
      'p/4',
      'p/3',
      'p/2',
      'p/1',
      'p/0',
    ]);
    expect(second.nextCursor).toBeUndefined();

    const all: string[] = [];
    for await (const item of items.all({ limit: 2 })) all.push(item.id);
    expect(all).toEqual(['p', 'p/0', 'p/1', 'p/2', 'p/3', 'p/4', 'p/5', 'p/6', 'q/0']);

    await expect(items.list({ limit: 0 })).rejects.toBeInstanceOf(InputError);
    await expect(items.list({ limit: 1001 })).rejects.toBeInstanceOf(InputError);
    await expect(items.list({ cursor: 'not a cursor' })).rejects.toBeInstanceOf(InputError);
    await expect(items.list({ prefix: 'q/', cursor: first.nextCursor })).rejects.toBeInstanceOf(InputError);
  });

  it('watches puts and deletes in order, reports corrupt puts and keeps going', async () => {
    const things = store.repository({ keyspace: 'watched/', kind: 'thing', schema: Widget });
    const watch = await things.watch();
    const a = await things.create('a', { name: 'a', size: 1 });
    await putRaw('watched/b', '{broken');
    const a2 = await things.update('a', { name: 'a', size: 2 }, a.modRevision);
    await things.delete('a');
    const events = await take(watch, 4);
    expect(events.map((e) => [e.type, e.id, e.value?.size, Boolean(e.corrupt)])).toEqual([
      ['put', 'a', 1, false],
      ['put', 'b', undefined, true],
      ['put', 'a', 2, false],
      ['delete', 'a', undefined, false],
    ]);
    expect(events[0]!.modRevision).toBe(a.modRevision);
    expect(events[2]!.modRevision).toBe(a2.modRevision);
    expect(events[3]!.modRevision).toBeGreaterThan(a2.modRevision);
    expect(events[1]!.corrupt).toBeInstanceOf(CorruptValueError);
    await watch.close();
  });

  it('replays from a revision: list, then watch from revision + 1 misses nothing', async () => {
    const things = store.repository({ keyspace: 'replay/', kind: 'thing', schema: Widget });
    await things.create('x/1', { name: 'one', size: 1 });
    const page = await things.list({ prefix: 'x/' });
    await things.create('x/2', { name: 'two', size: 2 });
    await things.create('y/1', { name: 'other', size: 9 });
    await things.create('x/3', { name: 'three', size: 3 });
    const watch = await things.watch({ prefix: 'x/', fromRevision: page.revision + 1 });
    const events = await take(watch, 2);
    expect(events.map((e) => e.id)).toEqual(['x/2', 'x/3']);
    await watch.close();
  });

  it('ends a for-await loop when closed', async () => {
    const things = store.repository({ keyspace: 'closing/', kind: 'thing', schema: Widget });
    const watch = await things.watch();
    let firstSeen: () => void = () => undefined;
    const seen = new Promise<void>((resolve) => {
      firstSeen = resolve;
    });
    const reading = (async () => {
      const got: string[] = [];
      for await (const event of watch) {
        got.push(event.id);
        firstSeen();
      }
      return got;
    })();
    await things.create('only', { name: 'only', size: 1 });
    await seen;
    await watch.close();
    await expect(reading).resolves.toEqual(['only']);
  });
});
