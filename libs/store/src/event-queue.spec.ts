import { EventQueue } from './event-queue';

describe('EventQueue', () => {
  it('hands events to a waiting reader and buffers them for a late one, in order', async () => {
    const queue = new EventQueue<number>();
    const iterator = queue[Symbol.asyncIterator]();
    const first = iterator.next();
    queue.push(1);
    queue.push(2);
    queue.push(3);
    expect(await first).toEqual({ value: 1, done: false });
    expect(queue.pending).toBe(2);
    expect(await iterator.next()).toEqual({ value: 2, done: false });
    expect(await iterator.next()).toEqual({ value: 3, done: false });
  });

  it('ends after the buffered events are read', async () => {
    const queue = new EventQueue<string>();
    queue.push('a');
    queue.end();
    queue.push('ignored');
    const seen: string[] = [];
    for await (const event of queue) seen.push(event);
    expect(seen).toEqual(['a']);
  });

  it('fails a waiting reader, and a later one after the buffered events', async () => {
    const waiting = new EventQueue<number>();
    const pending = waiting.next();
    waiting.fail(new Error('gone'));
    await expect(pending).rejects.toThrow('gone');
    await expect(waiting.next()).resolves.toEqual({ value: undefined, done: true });

    const buffered = new EventQueue<number>();
    buffered.push(7);
    buffered.fail(new Error('compacted'));
    await expect(buffered.next()).resolves.toEqual({ value: 7, done: false });
    await expect(buffered.next()).rejects.toThrow('compacted');
    await expect(buffered.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it('runs the return hook when the reader breaks out of for-await', async () => {
    let closed = 0;
    const queue = new EventQueue<number>(async () => {
      closed++;
    });
    queue.push(1);
    queue.push(2);
    for await (const event of queue) {
      if (event === 1) break;
    }
    expect(closed).toBe(1);
    await expect(queue.next()).resolves.toEqual({ value: undefined, done: true });
  });
});
