/**
 * Delivers what the outbox holds: jobs written in etcd with the change that needs them (`outbox/<id>`) and not
 * (yet) on the queue — because the writer crashed between its transaction and its enqueue, or Redis was down.
 * Every deployer runs one; delivering a job twice is harmless (one entry is one job id), so they need no
 * election. An entry younger than the grace period is left to its writer, which normally removes it at once.
 */
import type { Logger } from '@cite/logging';
import type { OutboxEntry } from '@cite/model';
import type { EnqueueJob, ListItem, MetadataStore } from '@cite/store';

export interface OutboxRelayOptions {
  store: MetadataStore;
  enqueue: EnqueueJob;
  logger: Logger;
  /**
   * Entries younger than this are left to their writer.
   * @defaultValue 2000
   */
  graceMs?: number;
  /**
   * Pause between sweeps.
   * @defaultValue 1000
   */
  intervalMs?: number;
  /** Injected for tests. @defaultValue `() => new Date()` */
  clock?: () => Date;
}

/** Whether an entry is due: older than the grace period (an unreadable time counts as due). Pure. */
export function isDue(entry: OutboxEntry, now: Date, graceMs: number): boolean {
  const created = Date.parse(entry.createdAt);
  return Number.isNaN(created) || now.getTime() - created >= graceMs;
}

export class OutboxRelay {
  private readonly graceMs: number;
  private readonly intervalMs: number;
  private readonly clock: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> = Promise.resolve();
  private stopped = false;
  /** The last failure logged, so an outage is one line, not one per sweep. */
  private failing: string | undefined;

  constructor(private readonly options: OutboxRelayOptions) {
    this.graceMs = options.graceMs ?? 2_000;
    this.intervalMs = options.intervalMs ?? 1_000;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Sweeps now and then every `intervalMs` until `stop`. */
  start(): void {
    const loop = () => {
      this.sweeping = this.sweep()
        .catch((error: unknown) => this.failed(error))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.intervalMs);
        });
    };
    loop();
  }

  /** Delivers every due entry once; returns how many went to the queue. Stops at the first queue failure. */
  async sweep(): Promise<number> {
    const { store } = this.options;
    let delivered = 0;
    for await (const item of store.outbox.all({ limit: 100 })) {
      if (this.stopped) break;
      if (!isDue(item.value, this.clock(), this.graceMs)) continue;
      await this.deliver(item);
      delivered++;
    }
    if (this.failing !== undefined) this.options.logger.info('outbox relay delivering again');
    this.failing = undefined;
    return delivered;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.sweeping;
  }

  private async deliver(item: ListItem<OutboxEntry>): Promise<void> {
    await this.options.enqueue(item.value);
    this.options.logger.info('outbox job delivered', { ...item.value, entry: item.id });
    // Only the entry as read: one written again meanwhile is delivered again later (the same job id).
    await this.options.store.outbox.delete(item.id, item.modRevision).catch(() => undefined);
  }

  private failed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (message !== this.failing) this.options.logger.warn('outbox relay cannot deliver', { error: message });
    this.failing = message;
  }
}
