/** The live keys of an etcd snapshot file, read from its bbolt database (no etcd needed). */
import { NotFoundError } from '@cite/errors';
import { Bbolt, BboltFormatError, type BucketRef } from './bbolt';
import { SnapshotVerificationError } from './errors';
import { LiveKeys, parseRevisionKey, type SnapshotKey } from './mvcc';
import { openPageFile, type PageFile } from './page-file';

export interface ReadKeysOptions {
  /** Only keys starting with this (bytes, or a string as UTF-8). @defaultValue every key */
  prefix?: string | Buffer;
  signal?: AbortSignal;
}

async function withSnapshot<T>(
  file: string,
  use: (db: Bbolt, key: BucketRef, meta?: BucketRef) => Promise<T>,
): Promise<T> {
  let source: PageFile;
  try {
    source = await openPageFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new NotFoundError(`snapshot ${file} does not exist`, { cause: error });
    throw error;
  }
  try {
    const db = await Bbolt.open(source);
    const key = await db.bucket(db.root, 'key');
    if (!key) throw new BboltFormatError('no "key" bucket (not an etcd database?)');
    return await use(db, key, await db.bucket(db.root, 'meta'));
  } catch (error) {
    if (error instanceof BboltFormatError || error instanceof RangeError)
      throw new SnapshotVerificationError(
        file,
        'malformed',
        `not a readable etcd database: ${error.message}`,
        {
          cause: error,
        },
      );
    throw error;
  } finally {
    await source.close();
  }
}

/**
 * The live keys of the snapshot at its last revision, in key order: for each key its newest record, keys whose
 * newest record is a delete left out. Reads every record of the `key` bucket (every revision the snapshot still
 * holds) and keeps the live keys in memory, so memory grows with the live data under `prefix`. Does not check
 * the checksum (`verifySnapshot` does); a file that is no etcd database fails with `SnapshotVerificationError`.
 */
export async function* readSnapshotKeys(
  file: string,
  options: ReadKeysOptions = {},
): AsyncGenerator<SnapshotKey> {
  const prefix = typeof options.prefix === 'string' ? Buffer.from(options.prefix) : options.prefix;
  const live = await withSnapshot(file, async (db, key) => {
    const keys = new LiveKeys(prefix);
    let n = 0;
    for await (const entry of db.entries(key)) {
      if (entry.isBucket) throw new BboltFormatError('a bucket inside the "key" bucket');
      try {
        keys.add(entry.key, entry.value);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        throw new BboltFormatError(
          `unreadable record ${entry.key.toString('hex')} in the "key" bucket: ${why}`,
        );
      }
      if (++n % 4096 === 0) options.signal?.throwIfAborted();
    }
    return keys;
  });
  yield* live.drain();
}

/**
 * The snapshot's revision without reading its records: the newest revision in the `key` bucket (its last key),
 * or the compaction revision recorded in the `meta` bucket when that is higher (what etcd itself restores as its
 * current revision). 0 for an empty store.
 */
export async function snapshotRevision(file: string): Promise<number> {
  return withSnapshot(file, async (db, key, meta) => {
    const last = await db.last(key);
    let revision = last ? (parseRevisionKey(last.key)?.main ?? 0) : 0;
    if (meta) {
      for (const name of ['scheduledCompactRev', 'finishedCompactRev']) {
        const entry = await db.get(meta, Buffer.from(name));
        const compacted = entry && !entry.isBucket ? parseRevisionKey(entry.value) : undefined;
        if (compacted && compacted.main > revision) revision = compacted.main;
      }
    }
    return revision;
  });
}
