import { Watch, type KubeConfig } from '@kubernetes/client-node';

export interface WatchEvent {
  type: string;
  object: {
    metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> };
    [key: string]: unknown;
  };
}

/** A watch whose events are awaited one at a time (bounded by a timeout), never by sleeping. */
export class EventQueue {
  private readonly events: WatchEvent[] = [];
  private waiter: (() => void) | undefined;
  done = false;
  private controller: AbortController | undefined;

  static async open(
    kubeConfig: KubeConfig,
    path: string,
    query: Record<string, string | number | boolean | undefined>,
  ): Promise<EventQueue> {
    const queue = new EventQueue();
    queue.controller = await new Watch(kubeConfig).watch(
      path,
      query,
      (type, object) => queue.push({ type, object }),
      () => {
        queue.done = true;
        queue.waiter?.();
      },
    );
    return queue;
  }

  private push(event: WatchEvent): void {
    this.events.push(event);
    this.waiter?.();
  }

  private wake(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async next(timeoutMs = 5000): Promise<WatchEvent> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length === 0) {
      if (this.done) throw new Error('watch ended');
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error('no watch event in time');
      await this.wake(remaining);
      this.waiter = undefined;
    }
    return this.events.shift() as WatchEvent;
  }

  /** The next event that satisfies `accept` (others, e.g. a real cluster's controllers' updates, are dropped). */
  async nextMatching(accept: (event: WatchEvent) => boolean, timeoutMs = 5000): Promise<WatchEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = await this.next(Math.max(1, deadline - Date.now()));
      if (accept(event)) return event;
    }
  }

  /** Waits until the server ends the stream. */
  async ended(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.done) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error('watch did not end');
      await this.wake(remaining);
      this.waiter = undefined;
    }
  }

  close(): void {
    this.controller?.abort();
  }
}
