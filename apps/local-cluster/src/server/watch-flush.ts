/**
 * When watch streams write their queued events. Every write to a watcher is a syscall that also wakes the
 * client, and with many watchers of one resource the fan-out is the API server's main cost, so writes are
 * coalesced: all pending streams are flushed together, as soon as the current turn of the event loop ends
 * (setImmediate), but no sooner than COALESCE_MS after the previous flush. A lone event goes out at once; under
 * a steady stream of writes each watcher gets at most one write per window, holding every event of it.
 */
export const COALESCE_MS = 2;

export interface Flushable {
  flush(): void;
}

const pending = new Set<Flushable>();
let scheduled: { cancel(): void } | undefined;
let lastFlush = -Infinity;

function flushAll(): void {
  scheduled = undefined;
  lastFlush = performance.now();
  const streams = [...pending];
  pending.clear();
  for (const stream of streams) stream.flush();
}

/** Queues `stream` for the next flush. */
export function scheduleFlush(stream: Flushable): void {
  pending.add(stream);
  if (scheduled) return;
  const wait = lastFlush + COALESCE_MS - performance.now();
  if (wait > 0) {
    const timer = setTimeout(flushAll, Math.ceil(wait));
    scheduled = { cancel: () => clearTimeout(timer) };
  } else {
    const immediate = setImmediate(flushAll);
    scheduled = { cancel: () => clearImmediate(immediate) };
  }
}

/** Drops `stream` from the next flush (it ended or was closed). */
export function cancelFlush(stream: Flushable): void {
  pending.delete(stream);
  if (pending.size === 0 && scheduled) {
    scheduled.cancel();
    scheduled = undefined;
  }
}
