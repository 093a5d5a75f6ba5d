/**
 * The read-only cache an informer fills, with two additions:
 *
 * - **indexes** (`byIndex('node', name)`), so a scheduler does not scan every pod for every node;
 * - a **write overlay** giving this process read-your-writes: after a controller creates, updates or deletes an
 *   object it records the server's answer here, and every reader sees that answer until the watch delivers an
 *   event at least as new. This is what client-go's "expectations" and the scheduler's "assume" cache are for:
 *   without it a controller that reconciles again before its own write comes back would create a second pod,
 *   or scale from a stale replica count.
 *
 * Resource versions are compared as integers when both are integers (etcd revisions, and this emulator's
 * counter); otherwise an entry is dropped at the first event for its key.
 *
 * A write's answer can arrive after the watch has already delivered a newer version of the object, or its
 * deletion (a status patch racing the kubelet's final delete, say). Such an answer is stale: it is not
 * recorded, or it would shadow the cache, and resurrect a deleted object, until the overlay TTL.
 */
import { type KubeObject, keyOf } from './wire';

export type IndexFn<T> = (object: T) => string[];

interface OverlayEntry<T> {
  /** The object as this process last wrote it, or null when it deleted it. */
  object: T | null;
  uid: string;
  /** Drop the entry once an event at or past this version is seen (null: at the first event for the key). */
  minVersion: bigint | null;
  recordedAt: number;
}

function versionOf(object: KubeObject): bigint | null {
  const text = object.metadata?.resourceVersion;
  return text && /^\d+$/.test(text) ? BigInt(text) : null;
}

function namespaceKey(object: KubeObject): string {
  return object.metadata?.namespace ?? '';
}

export class Store<T extends KubeObject> {
  private readonly objects = new Map<string, Map<string, T>>();
  private readonly indexes = new Map<string, { fn: IndexFn<T>; entries: Map<string, Set<string>> }>();
  private readonly overlay = new Map<string, Map<string, OverlayEntry<T>>>();
  /** uids whose deletion the watch delivered, with when: late write answers for them are ignored. */
  private readonly deletedUids = new Map<string, number>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly overlayTtlMs = 60_000,
  ) {}

  addIndex(name: string, fn: IndexFn<T>): void {
    const entries = new Map<string, Set<string>>();
    this.indexes.set(name, { fn, entries });
    for (const byName of this.objects.values()) {
      for (const object of byName.values()) addToIndex(entries, fn(object), keyOf(object));
    }
  }

  get(namespace: string, name: string): T | undefined {
    const entry = this.liveEntry(namespace, name);
    if (entry) return entry.object ?? undefined;
    return this.objects.get(namespace)?.get(name);
  }

  getByKey(key: string): T | undefined {
    const slash = key.indexOf('/');
    return slash < 0 ? this.get('', key) : this.get(key.slice(0, slash), key.slice(slash + 1));
  }

  /** Every object, or those in one namespace (`''` is the cluster scope). */
  list(namespace?: string): T[] {
    if (namespace !== undefined)
      return this.merge(namespace, [...(this.objects.get(namespace)?.values() ?? [])]);
    const all: T[] = [];
    const namespaces = new Set([...this.objects.keys(), ...this.overlay.keys()]);
    for (const ns of namespaces) all.push(...this.merge(ns, [...(this.objects.get(ns)?.values() ?? [])]));
    return all;
  }

  byIndex(index: string, value: string): T[] {
    const definition = this.indexes.get(index);
    if (!definition) throw new Error(`no index ${JSON.stringify(index)}`);
    const result = new Map<string, T>();
    for (const key of definition.entries.get(value) ?? []) {
      const object = this.getByKey(key);
      if (object && definition.fn(object).includes(value)) result.set(key, object);
    }
    for (const byKey of this.overlay.values()) {
      for (const [key, entry] of byKey) {
        if (
          entry.object &&
          !result.has(key) &&
          this.isLive(entry) &&
          definition.fn(entry.object).includes(value)
        )
          result.set(key, entry.object);
      }
    }
    return [...result.values()];
  }

  /** What the watch delivered, without the overlay (the informer diffs a re-list against it). */
  cached(): T[] {
    const all: T[] = [];
    for (const byName of this.objects.values()) all.push(...byName.values());
    return all;
  }

  /** Raw cache size (tests, diagnostics). */
  get size(): number {
    let count = 0;
    for (const byName of this.objects.values()) count += byName.size;
    return count;
  }

  // ── fed by the informer ────────────────────────────────────────────────────────────────────────────────

  /** Stores an object from the watch; returns what the cache held before. */
  upsert(object: T): T | undefined {
    const namespace = namespaceKey(object);
    const name = object.metadata?.name ?? '';
    let byName = this.objects.get(namespace);
    if (!byName) this.objects.set(namespace, (byName = new Map()));
    const old = byName.get(name);
    byName.set(name, object);
    this.reindex(old, object);
    this.observe(object, false);
    return old;
  }

  remove(object: T): T | undefined {
    const namespace = namespaceKey(object);
    const name = object.metadata?.name ?? '';
    const byName = this.objects.get(namespace);
    const old = byName?.get(name);
    if (byName && old) {
      byName.delete(name);
      if (byName.size === 0) this.objects.delete(namespace);
      this.reindex(old, undefined);
    }
    const uid = object.metadata?.uid;
    if (uid) this.rememberDeleted(uid);
    this.observe(object, true);
    return old;
  }

  private rememberDeleted(uid: string): void {
    const now = this.now();
    this.deletedUids.set(uid, now);
    if (this.deletedUids.size % 1024 === 0) {
      for (const [known, at] of this.deletedUids)
        if (now - at > this.overlayTtlMs) this.deletedUids.delete(known);
    }
  }

  /** True when the watch already delivered this object's deletion, or a version at least as new. */
  private superseded(object: T, minVersion: bigint | null): boolean {
    const uid = object.metadata?.uid ?? '';
    const deletedAt = uid ? this.deletedUids.get(uid) : undefined;
    if (deletedAt !== undefined && this.now() - deletedAt <= this.overlayTtlMs) return true;
    if (minVersion === null) return false;
    const cached = this.objects.get(namespaceKey(object))?.get(object.metadata?.name ?? '');
    const cachedVersion = cached ? versionOf(cached) : null;
    return cached?.metadata?.uid === uid && cachedVersion !== null && cachedVersion >= minVersion;
  }

  // ── the write overlay ──────────────────────────────────────────────────────────────────────────────────

  /** The server's answer to a create, update or patch (or a graceful delete that returned the object). */
  recordWrite(object: T): void {
    const minVersion = versionOf(object);
    if (this.superseded(object, minVersion)) return;
    this.setEntry(object, { object, uid: object.metadata?.uid ?? '', minVersion });
  }

  /** A change the server made without returning the object (a pod binding): newer than the cached version. */
  recordAssumed(object: T): void {
    const version = versionOf(object);
    const minVersion = version === null ? null : version + 1n;
    if (this.superseded(object, minVersion)) return;
    this.setEntry(object, { object, uid: object.metadata?.uid ?? '', minVersion });
  }

  /** The object is gone (or going) as far as this process knows. */
  recordDeleted(object: T): void {
    this.setEntry(object, { object: null, uid: object.metadata?.uid ?? '', minVersion: null });
  }

  private setEntry(object: T, entry: Omit<OverlayEntry<T>, 'recordedAt'>): void {
    const namespace = namespaceKey(object);
    let byKey = this.overlay.get(namespace);
    if (!byKey) this.overlay.set(namespace, (byKey = new Map()));
    byKey.set(keyOf(object), { ...entry, recordedAt: this.now() });
  }

  private observe(object: T, deleted: boolean): void {
    const namespace = namespaceKey(object);
    const byKey = this.overlay.get(namespace);
    const key = keyOf(object);
    const entry = byKey?.get(key);
    if (!byKey || !entry) return;
    const uid = object.metadata?.uid ?? '';
    const version = versionOf(object);
    let seen: boolean;
    if (entry.object === null) seen = deleted ? uid === entry.uid || entry.uid === '' : uid !== entry.uid;
    else if (entry.minVersion === null || version === null) seen = true;
    else seen = version >= entry.minVersion;
    if (seen) {
      byKey.delete(key);
      if (byKey.size === 0) this.overlay.delete(namespace);
    }
  }

  private isLive(entry: OverlayEntry<T>): boolean {
    return this.now() - entry.recordedAt <= this.overlayTtlMs;
  }

  private liveEntry(namespace: string, name: string): OverlayEntry<T> | undefined {
    const byKey = this.overlay.get(namespace);
    const key = namespace ? `${namespace}/${name}` : name;
    const entry = byKey?.get(key);
    if (!byKey || !entry) return undefined;
    if (this.isLive(entry)) return entry;
    byKey.delete(key);
    if (byKey.size === 0) this.overlay.delete(namespace);
    return undefined;
  }

  private merge(namespace: string, cached: T[]): T[] {
    const byKey = this.overlay.get(namespace);
    if (!byKey || byKey.size === 0) return cached;
    const result: T[] = [];
    const seen = new Set<string>();
    for (const object of cached) {
      const key = keyOf(object);
      seen.add(key);
      const entry = this.liveEntry(namespace, object.metadata?.name ?? '');
      if (!entry) result.push(object);
      else if (entry.object) result.push(entry.object);
    }
    for (const [key, entry] of [...byKey]) {
      if (seen.has(key) || !entry.object) continue;
      if (this.isLive(entry)) result.push(entry.object);
      else byKey.delete(key);
    }
    return result;
  }

  private reindex(old: T | undefined, current: T | undefined): void {
    for (const { fn, entries } of this.indexes.values()) {
      if (old) removeFromIndex(entries, fn(old), keyOf(old));
      if (current) addToIndex(entries, fn(current), keyOf(current));
    }
  }
}

function addToIndex(entries: Map<string, Set<string>>, values: string[], key: string): void {
  for (const value of values) {
    let keys = entries.get(value);
    if (!keys) entries.set(value, (keys = new Set()));
    keys.add(key);
  }
}

function removeFromIndex(entries: Map<string, Set<string>>, values: string[], key: string): void {
  for (const value of values) {
    const keys = entries.get(value);
    keys?.delete(key);
    if (keys && keys.size === 0) entries.delete(value);
  }
}
