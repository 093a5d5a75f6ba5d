/**
 * Retry timing for jobs: exponential from `baseMs`, capped at `maxMs`, with "equal jitter" (half fixed, half
 * random) so that many jobs failing together (Redis or etcd came back) do not retry in lockstep. Pure.
 */
export interface BackoffPolicy {
  /**
   * Delay before the first retry, in milliseconds.
   * @defaultValue 1000
   */
  baseMs: number;
  /**
   * No retry waits longer than this.
   * @defaultValue 30000
   */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 30_000 };

/** The name the capped strategy is registered under in BullMQ job options. */
export const CAPPED_BACKOFF_TYPE = 'capped-exponential';

/**
 * The wait before retry number `attemptsMade` (1 after the first failure): `baseMs · 2^(n-1)` capped at
 * `maxMs`, then between half of that and all of it.
 */
export function cappedBackoffMs(
  attemptsMade: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.min(attemptsMade - 1, 30));
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
