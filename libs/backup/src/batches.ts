/** Grouping keys into etcd transactions of bounded size. Pure (no I/O). */

export interface BatchLimits {
  /** Puts per transaction; etcd refuses more than `--max-txn-ops` (default 128). */
  maxOps: number;
  /** Key and value bytes per transaction; etcd refuses requests over `--max-request-bytes` (default 1.5 MiB). */
  maxBytes: number;
}

/** 100 puts and 1 MiB: below etcd's defaults (128 ops, 1.5 MiB per request) with room for the request framing. */
export const DEFAULT_BATCH_LIMITS: BatchLimits = { maxOps: 100, maxBytes: 1024 * 1024 };

/** What a batch counts per item. */
const OVERHEAD = 16;

/**
 * Consecutive groups of `items`, in order, each within `limits` (an item bigger than `maxBytes` alone goes
 * in a group of its own; etcd decides whether it fits its request limit).
 */
export async function* inBatches<T extends { key: Buffer; value: Buffer }>(
  items: AsyncIterable<T> | Iterable<T>,
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): AsyncGenerator<T[]> {
  if (!(limits.maxOps >= 1) || !(limits.maxBytes >= 1))
    throw new RangeError('batch limits must be at least 1');
  let batch: T[] = [];
  let bytes = 0;
  for await (const item of items) {
    const size = item.key.length + item.value.length + OVERHEAD;
    if (batch.length > 0 && (batch.length >= limits.maxOps || bytes + size > limits.maxBytes)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}
