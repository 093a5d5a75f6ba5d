/** Writing the keys of a snapshot under one prefix into an etcd whose prefix is empty. */
import { ConflictError } from '@cite/errors';
import { DEFAULT_BATCH_LIMITS, inBatches, type BatchLimits } from './batches';
import { EtcdClient, prefixEnd, type EtcdEndpoint } from './etcd-client';
import { normalizePrefix } from './prefix';
import { readSnapshotKeys } from './read-keys';
import { verifySnapshot } from './verify';

export interface RestoreOptions extends EtcdEndpoint {
  /** The snapshot file; its `.sha256` file must be beside it. */
  file: string;
  /** Only keys under this prefix are restored (`/cite/v1/`: cite's records); it must be empty in the target. */
  prefix: string;
  signal?: AbortSignal;
  /** After each transaction: keys and bytes written so far. */
  onProgress?: (progress: { keys: number; bytes: number }) => void;
  /** Transaction size. @defaultValue 100 puts, 1 MiB */
  batch?: BatchLimits;
  /**
   * Leave out keys that had a lease (locks, elections, expiring records): without their lease they would never
   * go, and a lock restored without one would be held forever. @defaultValue false (written without a lease)
   */
  skipLeased?: boolean;
}

export interface RestoreResult {
  /** Keys written. */
  keys: number;
  /** Key and value bytes written. */
  bytes: number;
  /** Keys that had a lease in the snapshot: written without one, or left out with `skipLeased`. */
  leasedKeys: number;
}

/**
 * Restores the live keys under `prefix` from a snapshot file, byte for byte, into the etcd at `endpoints`:
 *
 * 1. Verifies the file (`verifySnapshot`); a missing or wrong checksum fails before etcd is touched.
 * 2. Refuses (`ConflictError` naming the prefix) when the target has any key under `prefix`.
 * 3. Reads the snapshot's live keys under `prefix` (nothing outside it is written) and puts them in key order,
 *    in transactions of at most 100 puts and about 1 MiB (etcd's defaults: 128 ops, 1.5 MiB). Each transaction
 *    is guarded by "no key exists from this batch's first key to the end of the prefix", so a writer that puts
 *    keys there meanwhile stops the restore with a `ConflictError` instead of being overwritten.
 *
 * Keys with a lease are written without one and counted in `leasedKeys`. A failure part way leaves the keys of
 * the transactions that succeeded; the error says how many.
 */
export async function restoreKeys(options: RestoreOptions): Promise<RestoreResult> {
  const prefix = normalizePrefix(options.prefix);
  const prefixBytes = Buffer.from(prefix);
  const end = prefixEnd(prefixBytes);
  options.signal?.throwIfAborted();
  await verifySnapshot(options.file, { signal: options.signal });
  const client = EtcdClient.open(options);
  try {
    const existing = await client.count(prefixBytes);
    if (existing && existing.count > 0)
      throw new ConflictError(
        `etcd already has ${existing.count} key(s) under ${prefix}: restore only into an empty prefix`,
      );
    const result: RestoreResult = { keys: 0, bytes: 0, leasedKeys: 0 };
    const read = readSnapshotKeys(options.file, { prefix: prefixBytes, signal: options.signal });
    const keys = options.skipLeased ? withoutLeased(read, result) : read;
    for await (const batch of inBatches(keys, options.batch ?? DEFAULT_BATCH_LIMITS)) {
      options.signal?.throwIfAborted();
      const from = result.keys === 0 ? prefixBytes : batch[0]!.key;
      if (!(await client.putIfRangeEmpty(batch, from, end)))
        throw new ConflictError(
          result.keys === 0
            ? `etcd already has keys under ${prefix}: restore only into an empty prefix`
            : `keys appeared under ${prefix} while restoring; stopped after ${result.keys} key(s)`,
        );
      for (const entry of batch) {
        result.keys += 1;
        result.bytes += entry.key.length + entry.value.length;
        if (entry.lease !== 0 && !options.skipLeased) result.leasedKeys += 1;
      }
      options.onProgress?.({ keys: result.keys, bytes: result.bytes });
    }
    return result;
  } finally {
    client.close();
  }
}

/** The keys without a lease; those with one are only counted. */
async function* withoutLeased<T extends { lease: number }>(
  keys: AsyncIterable<T>,
  result: RestoreResult,
): AsyncGenerator<T> {
  for await (const entry of keys) {
    if (entry.lease === 0) yield entry;
    else result.leasedKeys += 1;
  }
}
