import type { KubeObject } from '../api-types';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change to one object. `bytes` is the object's JSON, encoded once and shared by every watcher. */
export interface StoredEvent {
  type: WatchEventType;
  resourceVersion: number;
  object: KubeObject;
  bytes: Buffer;
  /** The object before the change (MODIFIED, DELETED): watchers with selectors need it. */
  previous?: KubeObject;
}

/**
 * The recent events of one resource in a fixed-size ring, like kube-apiserver's watch cache: a watch may start
 * from any resourceVersion at or after the oldest it still remembers; older ones are "too old" (410 Expired).
 */
export class WatchCache {
  private readonly ring: (StoredEvent | undefined)[];
  private start = 0;
  private size = 0;

  /** @param lowWatermark resourceVersion before which history is unknown (0 from an empty store). */
  constructor(
    readonly capacity: number,
    private lowWatermark: number,
  ) {
    this.ring = new Array<StoredEvent | undefined>(Math.max(1, capacity));
  }

  push(event: StoredEvent): void {
    if (this.size === this.ring.length) {
      const evicted = this.ring[this.start];
      if (evicted) this.lowWatermark = evicted.resourceVersion;
      this.ring[this.start] = event;
      this.start = (this.start + 1) % this.ring.length;
    } else {
      this.ring[(this.start + this.size) % this.ring.length] = event;
      this.size += 1;
    }
  }

  /** The oldest resourceVersion a watch may still start from. */
  get oldestResourceVersion(): number {
    return this.lowWatermark;
  }

  /** Events after `resourceVersion`, in order, or `undefined` when some of them were already evicted. */
  since(resourceVersion: number): StoredEvent[] | undefined {
    if (resourceVersion < this.lowWatermark) return undefined;
    // Binary search for the first event newer than resourceVersion.
    let low = 0;
    let high = this.size;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const event = this.at(middle);
      if (event.resourceVersion <= resourceVersion) low = middle + 1;
      else high = middle;
    }
    const events: StoredEvent[] = [];
    for (let index = low; index < this.size; index += 1) events.push(this.at(index));
    return events;
  }

  private at(index: number): StoredEvent {
    return this.ring[(this.start + index) % this.ring.length] as StoredEvent;
  }
}
