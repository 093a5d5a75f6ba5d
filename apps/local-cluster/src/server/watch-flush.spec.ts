import { COALESCE_MS, cancelFlush, scheduleFlush } from './watch-flush';

/** Streams that log their flushes, each with whether a macrotask ran since the first flush of the batch. */
function recorders(count: number) {
  const log: { stream: number; time: number; sameTurn: boolean }[] = [];
  let turnEnded = false;
  let done!: () => void;
  const flushed = new Promise<void>((resolve) => (done = resolve));
  const streams = Array.from({ length: count }, (_, index) => ({
    flush() {
      if (log.length === 0) setImmediate(() => (turnEnded = true));
      log.push({ stream: index, time: performance.now(), sameTurn: !turnEnded });
      if (log.length === count) done();
    },
  }));
  return { log, flushed, streams };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('watch flush scheduling', () => {
  it('flushes every pending stream once, together, when the current turn ends', async () => {
    await pause(COALESCE_MS + 1);
    const { log, flushed, streams } = recorders(2);
    scheduleFlush(streams[0]!);
    scheduleFlush(streams[1]!);
    scheduleFlush(streams[0]!);
    expect(log).toEqual([]);
    await flushed;
    expect(log.map((entry) => [entry.stream, entry.sameTurn])).toEqual([
      [0, true],
      [1, true],
    ]);
  });

  it('waits out the coalescing window after a flush, then flushes what came meanwhile', async () => {
    const first = recorders(1);
    // The window starts when the first flush starts, which is after this instant (and may be well before the
    // stream's own flush returns on a loaded machine), so measure from here.
    const before = performance.now();
    scheduleFlush(first.streams[0]!);
    await first.flushed;
    const second = recorders(1);
    scheduleFlush(second.streams[0]!);
    await second.flushed;
    // Timers have millisecond resolution.
    expect(second.log[0]!.time - before).toBeGreaterThanOrEqual(COALESCE_MS - 1);
  });

  it('drops a cancelled stream', async () => {
    await pause(COALESCE_MS + 1);
    const { log, flushed, streams } = recorders(1);
    let droppedFlushed = false;
    const dropped = { flush: () => (droppedFlushed = true) };
    scheduleFlush(dropped);
    scheduleFlush(streams[0]!);
    cancelFlush(dropped);
    await flushed;
    expect(log).toHaveLength(1);
    expect(droppedFlushed).toBe(false);
  });
});
