/**
 * Runs tasks one at a time per key, in arrival order, within this process; different keys run concurrently.
 * Entries are dropped when their key goes idle. Pure; no I/O.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<R>(key: string, task: () => Promise<R>): Promise<R> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    const chained = previous.then(() => tail);
    this.tails.set(key, chained);
    await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === chained) this.tails.delete(key);
    }
  }

  /** Keys with a task running or queued. */
  get activeKeys(): number {
    return this.tails.size;
  }
}
