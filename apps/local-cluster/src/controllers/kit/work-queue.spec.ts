import { WorkQueue } from './work-queue';

describe('WorkQueue', () => {
  it('queues a key once however often it is added', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    queue.add('a');
    queue.add('b');
    expect(queue.length).toBe(2);
    expect(await queue.get()).toBe('a');
    expect(await queue.get()).toBe('b');
    queue.shutDown();
  });

  it('does not hand out a key being processed, and processes it again if it was added meanwhile', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    const key = await queue.get();
    queue.add('a');
    expect(queue.length).toBe(0);
    queue.done(key!);
    expect(queue.length).toBe(1);
    queue.shutDown();
  });

  it('backs off exponentially up to the cap, and forget resets it', () => {
    const queue = new WorkQueue({ baseDelayMs: 10, maxDelayMs: 50 });
    expect([1, 2, 3, 4, 5].map((n) => queue.backoffFor(n))).toEqual([10, 20, 40, 50, 50]);
    queue.addRateLimited('a');
    queue.addRateLimited('a');
    expect(queue.numFailures('a')).toBe(2);
    queue.forget('a');
    expect(queue.numFailures('a')).toBe(0);
    queue.shutDown();
  });

  it('delivers a delayed key, the earliest wake-up winning', async () => {
    const queue = new WorkQueue();
    queue.addAfter('a', 10_000);
    queue.addAfter('a', 5);
    const started = Date.now();
    expect(await queue.get()).toBe('a');
    expect(Date.now() - started).toBeLessThan(5000);
    queue.shutDown();
  });

  it('releases waiting workers on shutdown', async () => {
    const queue = new WorkQueue();
    const waiting = queue.get();
    queue.shutDown();
    expect(await waiting).toBeUndefined();
  });
});
