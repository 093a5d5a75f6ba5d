import type { EtcdConnection } from './etcd-connection';
import { cancelWatch, openWatch } from './etcd-watch';

export type WaitOutcome = 'deleted' | 'timeout' | 'aborted';

/**
 * Waits until `key` is deleted at or after `fromRevision` (pass the revision of the read that saw it, plus one,
 * so a delete between that read and this watch is not missed), until `timeoutMs` passes, or until `signal`
 * aborts. Watches; never polls.
 */
export async function waitForDelete(
  conn: EtcdConnection,
  key: string,
  fromRevision: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<WaitOutcome> {
  if (signal?.aborted) return 'aborted';
  if (timeoutMs <= 0) return 'timeout';
  let settle: (outcome: WaitOutcome) => void = () => undefined;
  let failWith: (error: Error) => void = () => undefined;
  const outcome = new Promise<WaitOutcome>((resolve, reject) => {
    settle = resolve;
    failWith = reject;
  });
  const timer = setTimeout(() => settle('timeout'), timeoutMs);
  const onAbort = () => settle('aborted');
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const opening = openWatch(conn, {
      target: { key },
      fromRevision,
      only: 'delete',
      onEvents: (events) => {
        if (events.some((event) => event.type === 'Delete')) settle('deleted');
      },
      onError: (error) => failWith(error),
    });
    const watcher = await Promise.race([opening, outcome.then(() => null)]);
    if (!watcher) {
      // Settled (timeout, abort) while the watch was still opening: close it whenever it opens.
      void opening.then((late) => cancelWatch(late, conn.timeoutMs)).catch(() => undefined);
      return await outcome;
    }
    try {
      return await outcome;
    } finally {
      await cancelWatch(watcher, conn.timeoutMs);
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
