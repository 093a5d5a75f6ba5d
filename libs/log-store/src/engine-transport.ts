/**
 * A winston transport that sends an app's own log lines to the engine (`cite-system-YYYY.MM.DD`, ECS fields)
 * besides stdout, through a `BulkBuffer`: logging never waits for the engine, and an engine that is down for a
 * while loses nothing (up to the buffer's bound).
 */
import TransportStream from 'winston-transport';
import { BulkBuffer } from './bulk-buffer';
import { systemLogDocument } from './documents';
import type { LogStore } from './log-store';

export class EngineTransport extends TransportStream {
  private readonly buffer: BulkBuffer;
  private seq = 0;

  constructor(
    private readonly app: string,
    logs: Pick<LogStore, 'write'>,
  ) {
    super();
    // Warnings about the engine go to stderr: sending them through the logger would feed this transport.
    this.buffer = new BulkBuffer(logs, {
      warn: (message) => process.stderr.write(`cite-${app}: ${message}\n`),
    });
  }

  override log(info: Record<string, unknown>, callback: () => void): void {
    this.buffer.push(systemLogDocument(this.app, { ...info }, this.seq++, process.pid));
    callback();
  }

  /** Sends what is still queued (at shutdown). */
  flush(graceMs?: number): Promise<void> {
    return this.buffer.close(graceMs);
  }
}
