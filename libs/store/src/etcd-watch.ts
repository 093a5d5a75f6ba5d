import { UnavailableError } from '@cite/errors';
import type { IEvent, Rangable, Watcher } from 'etcd3';
import type { EtcdConnection } from './etcd-connection';
import { translateEtcdError } from './etcd-errors';

export interface OpenWatchOptions {
  /** A single key or a range (`{ prefix }`, `{ start, end }`), full keys. */
  target: { key: string } | { range: Rangable };
  /** First revision to deliver; omitted means "changes after now". */
  fromRevision?: number;
  only?: 'put' | 'delete';
  /** Called with each batch of events, in revision order. */
  onEvents: (events: IEvent[]) => void;
  /** Called once when etcd cancels the watch (compaction, permission); the watch is over. */
  onError: (error: Error) => void;
}

/**
 * Opens an etcd watch and resolves once etcd confirmed it, so a change made after this resolves is seen.
 * Fails with `UnavailableError` when etcd does not confirm within the connection's timeout. Once open, the
 * watch survives disconnections: etcd3 re-attaches it from the last revision seen.
 */
export async function openWatch(conn: EtcdConnection, options: OpenWatchOptions): Promise<Watcher> {
  let builder = conn.client.watch();
  builder = 'key' in options.target ? builder.key(options.target.key) : builder.inRange(options.target.range);
  if (options.fromRevision !== undefined) builder = builder.startRevision(String(options.fromRevision));
  if (options.only) builder = builder.only(options.only);
  let watcher: Watcher;
  try {
    watcher = builder.watcher();
  } catch (error) {
    throw translateEtcdError(error, 'open watch');
  }
  let opened = false;
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      watcher.on('data', (response) => options.onEvents(response.events));
      watcher.on('error', (error) => {
        const translated = translateEtcdError(error, 'watch');
        if (opened) options.onError(translated);
        else reject(translated);
      });
      watcher.once('connected', () => {
        opened = true;
        resolve();
      });
      timer = setTimeout(
        () => reject(new UnavailableError('etcd', `etcd did not open a watch within ${conn.timeoutMs} ms`)),
        conn.timeoutMs,
      );
    });
  } catch (error) {
    void watcher.cancel().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return watcher;
}

/** Cancels a watch, never waiting longer than the timeout (a cancel needs etcd's answer when connected). */
export async function cancelWatch(watcher: Watcher, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    watcher.cancel().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}
