/**
 * A push-to-pull bridge: a producer pushes events (or a failure, or the end), a consumer reads them with
 * `for await`. Events are buffered until read, so nothing is lost between two reads. Pure; no I/O.
 */
export class EventQueue<E> implements AsyncIterable<E> {
  private readonly buffer: E[] = [];
  private reader: { resolve: (result: IteratorResult<E>) => void; reject: (error: Error) => void } | null =
    null;
  private done = false;
  private failure: Error | null = null;

  constructor(private readonly onReturn: () => Promise<void> = async () => undefined) {}

  /** Queues an event; ignored once the queue has ended or failed. */
  push(event: E): void {
    if (this.done || this.failure) return;
    if (this.reader) {
      const { resolve } = this.reader;
      this.reader = null;
      resolve({ value: event, done: false });
    } else {
      this.buffer.push(event);
    }
  }

  /** Ends the stream with an error, after the events already queued have been read. */
  fail(error: Error): void {
    if (this.done || this.failure) return;
    if (this.reader && this.buffer.length === 0) {
      const { reject } = this.reader;
      this.reader = null;
      this.done = true;
      reject(error);
      return;
    }
    this.failure = error;
  }

  /** Ends the stream; events already queued are still read. */
  end(): void {
    if (this.done) return;
    this.done = true;
    if (this.reader && this.buffer.length === 0) {
      const { resolve } = this.reader;
      this.reader = null;
      resolve({ value: undefined, done: true });
    }
  }

  get pending(): number {
    return this.buffer.length;
  }

  next(): Promise<IteratorResult<E>> {
    if (this.buffer.length > 0) return Promise.resolve({ value: this.buffer.shift() as E, done: false });
    if (this.failure) {
      // Delivered once; after that the stream is simply over.
      const error = this.failure;
      this.failure = null;
      this.done = true;
      return Promise.reject(error);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    if (this.reader) return Promise.reject(new Error('EventQueue supports one reader at a time'));
    return new Promise((resolve, reject) => {
      this.reader = { resolve, reject };
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<E> {
    return {
      next: () => this.next(),
      return: async () => {
        this.end();
        this.buffer.length = 0;
        await this.onReturn();
        return { value: undefined, done: true };
      },
    };
  }
}
