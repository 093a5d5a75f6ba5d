import type { KubeObject } from '../api-types';
import { WatchCache, type StoredEvent, type WatchEventType } from './watch-cache';

/**
 * An object as stored: never mutated after storing. `bytes` is its JSON, encoded once: GETs, lists (which
 * concatenate these buffers) and every watcher's event line use it as is.
 */
export interface StoredObject {
  readonly object: KubeObject;
  readonly bytes: Buffer;
  readonly resourceVersion: number;
}

export type EventListener = (event: StoredEvent) => void;

/** All objects of one resource (e.g. `apps/deployments`), its watch cache and its live watchers. */
export class ResourceBucket {
  readonly objects = new Map<string, StoredObject>();
  readonly listeners = new Set<EventListener>();
  /** Keys in sorted order, rebuilt lazily after a create or delete, so lists and paging are stable. */
  private sortedKeys: string[] | undefined;

  constructor(
    readonly key: string,
    readonly cache: WatchCache,
  ) {}

  keys(): string[] {
    if (!this.sortedKeys) this.sortedKeys = [...this.objects.keys()].sort();
    return this.sortedKeys;
  }

  invalidateOrder(): void {
    this.sortedKeys = undefined;
  }
}

export interface ObjectStoreOptions {
  /** Events each resource's watch cache keeps; watches from older resourceVersions get 410 Expired. */
  watchCacheSize: number;
  /** Start after this resourceVersion (a loaded snapshot's). */
  initialResourceVersion?: number;
}

function encode(object: KubeObject): Buffer {
  return Buffer.from(JSON.stringify(object));
}

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/**
 * In-memory storage with one global, monotonically increasing resourceVersion, as etcd's revision is for
 * kube-apiserver. Writes are synchronous, so every write is atomic with respect to every other.
 */
export class ObjectStore {
  private revision: number;
  private readonly buckets = new Map<string, ResourceBucket>();
  private readonly startRevision: number;

  constructor(private readonly options: ObjectStoreOptions) {
    this.revision = options.initialResourceVersion ?? 0;
    this.startRevision = this.revision;
  }

  get resourceVersion(): number {
    return this.revision;
  }

  bucket(resourceKey: string): ResourceBucket {
    let bucket = this.buckets.get(resourceKey);
    if (!bucket) {
      bucket = new ResourceBucket(
        resourceKey,
        new WatchCache(this.options.watchCacheSize, this.startRevision),
      );
      this.buckets.set(resourceKey, bucket);
    }
    return bucket;
  }

  bucketKeys(): string[] {
    return [...this.buckets.keys()];
  }

  get(resourceKey: string, namespace: string | undefined, name: string): StoredObject | undefined {
    return this.buckets.get(resourceKey)?.objects.get(objectKey(namespace, name));
  }

  /** Stores a new object or a new version; assigns and returns its resourceVersion. */
  put(resourceKey: string, object: KubeObject): StoredObject {
    const bucket = this.bucket(resourceKey);
    const key = objectKey(object.metadata.namespace, object.metadata.name ?? '');
    const previous = bucket.objects.get(key);
    this.revision += 1;
    object.metadata.resourceVersion = String(this.revision);
    const stored: StoredObject = { object, bytes: encode(object), resourceVersion: this.revision };
    bucket.objects.set(key, stored);
    if (!previous) bucket.invalidateOrder();
    this.emit(bucket, previous ? 'MODIFIED' : 'ADDED', stored, previous?.object);
    return stored;
  }

  /** Removes an object; the DELETED event carries a new resourceVersion, as kube's does. */
  remove(resourceKey: string, namespace: string | undefined, name: string): StoredObject | undefined {
    const bucket = this.bucket(resourceKey);
    const key = objectKey(namespace, name);
    const previous = bucket.objects.get(key);
    if (!previous) return undefined;
    bucket.objects.delete(key);
    bucket.invalidateOrder();
    this.revision += 1;
    const object = {
      ...previous.object,
      metadata: { ...previous.object.metadata, resourceVersion: String(this.revision) },
    };
    const stored: StoredObject = { object, bytes: encode(object), resourceVersion: this.revision };
    this.emit(bucket, 'DELETED', stored, previous.object);
    return stored;
  }

  /** Drops a whole resource (a deleted CRD's objects), without events. */
  drop(resourceKey: string): void {
    this.buckets.delete(resourceKey);
  }

  /** Loads objects as they were saved (snapshot), keeping their resourceVersions and emitting nothing. */
  restore(resourceKey: string, object: KubeObject): void {
    const bucket = this.bucket(resourceKey);
    const resourceVersion = Number(object.metadata.resourceVersion ?? 0);
    bucket.objects.set(objectKey(object.metadata.namespace, object.metadata.name ?? ''), {
      object,
      bytes: encode(object),
      resourceVersion,
    });
    bucket.invalidateOrder();
  }

  private emit(
    bucket: ResourceBucket,
    type: WatchEventType,
    stored: StoredObject,
    previous?: KubeObject,
  ): void {
    const event: StoredEvent = {
      type,
      resourceVersion: stored.resourceVersion,
      object: stored.object,
      bytes: stored.bytes,
      previous,
    };
    bucket.cache.push(event);
    for (const listener of [...bucket.listeners]) listener(event);
  }
}
