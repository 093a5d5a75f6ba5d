import { Store } from './store';
import type { Pod } from './wire';

function pod(
  name: string,
  rv: string,
  extra: Partial<NonNullable<Pod['metadata']>> = {},
  nodeName?: string,
): Pod {
  return {
    metadata: { name, namespace: 'ns', uid: `${name}-uid`, resourceVersion: rv, ...extra },
    spec: { containers: [], ...(nodeName ? { nodeName } : {}) },
  };
}

describe('Store', () => {
  it('lists per namespace and everything', () => {
    const store = new Store<Pod>();
    store.upsert(pod('a', '1'));
    store.upsert({
      ...pod('b', '2'),
      metadata: { name: 'b', namespace: 'other', uid: 'b', resourceVersion: '2' },
    });
    expect(store.list('ns').map((p) => p.metadata?.name)).toEqual(['a']);
    expect(
      store
        .list()
        .map((p) => p.metadata?.name)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(store.get('ns', 'a')?.metadata?.resourceVersion).toBe('1');
  });

  it('keeps indexes current across updates and deletes', () => {
    const store = new Store<Pod>();
    store.addIndex('node', (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
    store.upsert(pod('a', '1', {}, 'n1'));
    store.upsert(pod('b', '2', {}, 'n1'));
    expect(store.byIndex('node', 'n1')).toHaveLength(2);
    store.upsert(pod('a', '3', {}, 'n2'));
    expect(store.byIndex('node', 'n1').map((p) => p.metadata?.name)).toEqual(['b']);
    store.remove(pod('b', '4'));
    expect(store.byIndex('node', 'n1')).toEqual([]);
  });

  describe('write overlay (read-your-writes)', () => {
    it('shows a created object until the watch delivers it', () => {
      const store = new Store<Pod>();
      store.recordWrite(pod('new', '10'));
      expect(store.list('ns').map((p) => p.metadata?.name)).toEqual(['new']);
      store.upsert(pod('new', '10'));
      expect(store.list('ns')).toHaveLength(1);
    });

    it('prefers a written version over an older cached one, and drops it once the cache catches up', () => {
      const store = new Store<Pod>();
      store.upsert(pod('a', '5', { labels: { v: 'old' } }));
      store.recordWrite(pod('a', '9', { labels: { v: 'mine' } }));
      expect(store.get('ns', 'a')?.metadata?.labels).toEqual({ v: 'mine' });
      store.upsert(pod('a', '7', { labels: { v: 'between' } }));
      expect(store.get('ns', 'a')?.metadata?.labels).toEqual({ v: 'mine' });
      store.upsert(pod('a', '11', { labels: { v: 'newer' } }));
      expect(store.get('ns', 'a')?.metadata?.labels).toEqual({ v: 'newer' });
    });

    it('assumes a change newer than the cached version (a binding)', () => {
      const store = new Store<Pod>();
      store.addIndex('node', (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
      store.upsert(pod('a', '5'));
      store.recordAssumed(pod('a', '5', {}, 'n1'));
      expect(store.byIndex('node', 'n1')).toHaveLength(1);
      store.upsert(pod('a', '5'));
      expect(store.byIndex('node', 'n1')).toHaveLength(1);
      store.upsert(pod('a', '6', {}, 'n1'));
      expect(store.byIndex('node', 'n1')).toHaveLength(1);
      expect(store.get('ns', 'a')?.metadata?.resourceVersion).toBe('6');
    });

    it('ignores a write answer that arrives after the watch delivered the deletion', () => {
      const store = new Store<Pod>();
      store.addIndex('owner', () => ['rs']);
      store.upsert(pod('a', '5'));
      store.remove(pod('a', '7'));
      // The answer to a status patch sent before the delete, read after the DELETED event.
      store.recordWrite(pod('a', '6', { deletionTimestamp: '2026-11-27T00:00:00Z' }));
      expect(store.get('ns', 'a')).toBeUndefined();
      expect(store.byIndex('owner', 'rs')).toEqual([]);
      expect(store.list('ns')).toEqual([]);
      // A new object under the same name (another uid) is recorded as usual.
      store.recordWrite({ ...pod('a', '9'), metadata: { ...pod('a', '9').metadata, uid: 'a-2' } });
      expect(store.get('ns', 'a')?.metadata?.uid).toBe('a-2');
    });

    it('ignores a write answer older than what the watch already delivered', () => {
      const store = new Store<Pod>();
      store.upsert(pod('a', '8', { labels: { v: 'newer' } }));
      store.recordWrite(pod('a', '6', { labels: { v: 'late' } }));
      expect(store.get('ns', 'a')?.metadata?.labels).toEqual({ v: 'newer' });
      store.upsert(pod('a', '9', { labels: { v: 'newest' } }));
      expect(store.get('ns', 'a')?.metadata?.labels).toEqual({ v: 'newest' });
    });

    it('hides a deleted object until the delete event, and forgets entries after the TTL', () => {
      let now = 0;
      const store = new Store<Pod>(() => now, 1000);
      store.upsert(pod('a', '5'));
      store.recordDeleted(pod('a', '5'));
      expect(store.get('ns', 'a')).toBeUndefined();
      expect(store.list('ns')).toEqual([]);
      now = 2000;
      expect(store.get('ns', 'a')).toBeDefined();
      store.recordDeleted(pod('a', '5'));
      store.remove(pod('a', '6'));
      expect(store.get('ns', 'a')).toBeUndefined();
    });
  });
});
