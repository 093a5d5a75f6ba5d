import type { ControllerLogger } from './logger';
import { runWorkers } from './run-workers';
import { WorkQueue } from './work-queue';

const logger = (lines: string[]): ControllerLogger => ({
  debug: (message) => lines.push(`debug ${message}`),
  info: (message) => lines.push(`info ${message}`),
  warn: (message) => lines.push(`warn ${message}`),
  error: (message) => lines.push(`error ${message}`),
});

describe('runWorkers', () => {
  it('retries a failing key with backoff until it succeeds, then forgets its failures', async () => {
    const queue = new WorkQueue({ baseDelayMs: 1, maxDelayMs: 4 });
    const lines: string[] = [];
    let attempts = 0;
    let succeeded!: () => void;
    const done = new Promise<void>((resolve) => (succeeded = resolve));
    const workers = runWorkers(
      'test',
      queue,
      async () => {
        attempts++;
        if (attempts < 3) throw Object.assign(new Error('conflict'), { code: attempts === 1 ? 409 : 500 });
        succeeded();
      },
      logger(lines),
    );
    queue.add('ns/a');
    await done;
    await workers.stop();
    expect(attempts).toBe(3);
    expect(queue.numFailures('ns/a')).toBe(0);
    // Conflicts are routine (debug); other failures are worth a warning.
    expect(lines).toEqual(['debug reconcile conflict, retrying', 'warn reconcile failed, retrying']);
  });

  it('reconciles again after the delay a reconcile asks for', async () => {
    const queue = new WorkQueue();
    const seen: number[] = [];
    let twice!: () => void;
    const done = new Promise<void>((resolve) => (twice = resolve));
    const workers = runWorkers(
      'test',
      queue,
      async () => {
        seen.push(Date.now());
        if (seen.length === 2) twice();
        return seen.length === 1 ? { requeueAfterMs: 20 } : undefined;
      },
      logger([]),
    );
    queue.add('ns/a');
    await done;
    await workers.stop();
    expect(seen[1]! - seen[0]!).toBeGreaterThanOrEqual(15);
  });
});
