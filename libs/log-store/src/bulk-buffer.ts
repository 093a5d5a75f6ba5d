/**
 * Log documents on their way to the engine without ever holding up the code that made them: `push` returns at
 * once; a timer writes what is queued in bulk; a failed write is kept and tried again with back-off, so an engine
 * that is away for a while loses nothing. The queue is bounded: beyond `maxQueued` the oldest lines are dropped
 * and counted (memory never grows without end), and the count is reported once the engine answers again.
 */
import type { LogDocument } from './documents';
import type { LogStore } from './log-store';

export interface BulkBufferOptions {
  /** @defaultValue 500 */
  batchSize?: number;
  /** @defaultValue 1000 */
  flushMs?: number;
  /** @defaultValue 20000 */
  maxQueued?: number;
  /** Told about drops and failures (not through the logger that feeds this buffer: that would loop). */
  warn?: (message: string) => void;
}

export class BulkBuffer {
  private readonly queue: LogDocument[] = [];
  private dropped = 0;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly logs: Pick<LogStore, 'write'>,
    private readonly options: BulkBufferOptions = {},
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  push(doc: LogDocument): void {
    if (this.closed) return;
    this.queue.push(doc);
    const max = this.options.maxQueued ?? 20_000;
    if (this.queue.length > max) {
      this.dropped += this.queue.length - max;
      this.queue.splice(0, this.queue.length - max);
    }
    this.schedule(this.queue.length >= (this.options.batchSize ?? 500) ? 0 : (this.options.flushMs ?? 1000));
  }

  /** Writes what is queued (tries for at most `graceMs`), then stops. */
  async close(graceMs = 5_000): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const deadline = Date.now() + graceMs;
    while (this.queue.length > 0 && Date.now() < deadline) {
      await (this.writing ?? this.flush());
      if (this.queue.length > 0 && this.failures > 0)
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private schedule(delayMs: number): void {
    if (this.writing || (this.timer && delayMs > 0)) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
    this.timer.unref();
  }

  private flush(): Promise<void> {
    if (this.writing || this.queue.length === 0) return this.writing ?? Promise.resolve();
    const batch = this.queue.slice(0, this.options.batchSize ?? 500);
    this.writing = this.logs
      .write(batch)
      .then(() => {
        // Drops happen at the front, so the batch is still the queue's head unless it was dropped meanwhile.
        const head = this.queue.indexOf(batch[batch.length - 1]!);
        this.queue.splice(0, head + 1);
        if (this.dropped > 0)
          this.options.warn?.(`dropped ${this.dropped} log lines while the search engine was away`);
        this.dropped = 0;
        this.failures = 0;
      })
      .catch((error: unknown) => {
        this.failures++;
        if (this.failures === 1) this.options.warn?.(`log lines held back: ${String(error)}`);
      })
      .finally(() => {
        this.writing = undefined;
        if (this.queue.length > 0 && !this.closed)
          this.schedule(this.failures > 0 ? Math.min(10_000, 250 * 2 ** Math.min(this.failures, 6)) : 0);
      });
    return this.writing;
  }
}
