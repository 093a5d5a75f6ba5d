import type { CorruptValueError } from '@cite/errors';
import type { IEvent, Watcher } from 'etcd3';
import type { EtcdConnection } from './etcd-connection';
import { cancelWatch, openWatch } from './etcd-watch';
import { EventQueue } from './event-queue';
import type { ValueCodec } from './value-codec';

/**
 * One change to a record. `value` is set on a valid put; a put whose value is not valid carries `corrupt`
 * instead (the watch keeps going). `modRevision` is the revision of the change, deletes included.
 */
export interface WatchEvent<T> {
  type: 'put' | 'delete';
  id: string;
  value?: T;
  modRevision: number;
  corrupt?: CorruptValueError;
}

export interface WatchOptions {
  /** Only ids starting with this. */
  prefix?: string;
  /** First revision to deliver (e.g. a list's `revision + 1`); default: changes after the watch opens. */
  fromRevision?: number;
}

/**
 * A live stream of changes, read with `for await`. It survives etcd disconnections (resuming from the last
 * revision seen); it ends when closed, and fails with `WatchCompactedError` when etcd no longer has the
 * revision it needs to resume (re-list, then watch again).
 */
export class RepositoryWatch<T> implements AsyncIterable<WatchEvent<T>> {
  private readonly queue: EventQueue<WatchEvent<T>>;
  private watcher: Watcher | null = null;
  private untrack: () => void = () => undefined;
  private closing: Promise<void> | null = null;

  private constructor(private readonly conn: EtcdConnection) {
    this.queue = new EventQueue(() => this.close());
  }

  static async open<T>(
    conn: EtcdConnection,
    keyspace: string,
    codec: ValueCodec<T>,
    options: WatchOptions = {},
  ): Promise<RepositoryWatch<T>> {
    const watch = new RepositoryWatch<T>(conn);
    const base = conn.key(keyspace);
    const toEvent = (event: IEvent): WatchEvent<T> => {
      const key = event.kv.key.toString();
      const common = { id: key.slice(base.length), modRevision: Number(event.kv.mod_revision) };
      if (event.type === 'Delete') return { type: 'delete', ...common };
      const decoded = codec.tryDecode(key, event.kv.value, event.kv.mod_revision);
      return 'value' in decoded
        ? { type: 'put', ...common, value: decoded.value }
        : { type: 'put', ...common, corrupt: decoded.error };
    };
    watch.watcher = await openWatch(conn, {
      target: { range: conn.prefixRange(keyspace + (options.prefix ?? '')) },
      fromRevision: options.fromRevision,
      onEvents: (events) => events.forEach((event) => watch.queue.push(toEvent(event))),
      onError: (error) => {
        watch.queue.fail(error);
        void watch.close(); // never rejects; the reader learns of the failure from the queue
      },
    });
    watch.untrack = conn.track(watch);
    return watch;
  }

  /** Events received and not yet read. */
  get pending(): number {
    return this.queue.pending;
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    return this.queue[Symbol.asyncIterator]();
  }

  /** Stops the watch; a reader waiting in `for await` finishes. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.queue.end();
      this.untrack();
      if (this.watcher) await cancelWatch(this.watcher, this.conn.timeoutMs);
    })();
    return this.closing;
  }
}
