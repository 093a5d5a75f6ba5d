/**
 * Waiting on a condition that has no event to wait on: poll it. The deadline only bounds a failure, so it is
 * generous (a busy machine must not fail a test that would pass); a test never sleeps for a fixed time instead.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions {
  /** Give up (reject) after this long. @defaultValue 20000 */
  timeoutMs?: number;
  /** Between two checks. @defaultValue 25 */
  intervalMs?: number;
}

/**
 * Calls `check` until it returns something other than `undefined` or `false`, and resolves with that. A check that
 * throws counts as not yet. Rejects naming `what`, with the last value or error seen, after `timeoutMs`.
 */
export async function pollUntil<T>(
  what: string,
  check: () => T | Promise<T>,
  options: PollOptions = {},
): Promise<Exclude<T, undefined | false>> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as Exclude<T, undefined | false>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${seen})`);
    }
    await sleep(options.intervalMs ?? 25);
  }
}
