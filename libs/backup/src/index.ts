/**
 * @cite/backup — snapshots of cite's etcd and a verified restore of cite's keys from them.
 *
 * What:
 * - `takeSnapshot` streams a snapshot of the whole etcd database through etcd's maintenance API (what
 *   `etcdctl snapshot save` does) into a directory, writes its checksum file, and keeps only the newest N.
 * - `verifySnapshot` checks a snapshot against its checksum file and against etcd's own hash inside it.
 * - `readSnapshotKeys` reads the live keys straight out of a snapshot file (no etcd needed).
 * - `restoreKeys` writes the keys under one prefix from a verified snapshot into an etcd where that prefix is
 *   empty.
 *
 * The files:
 * - `<dir>/cite-etcd-<UTC time>.db`, the time in ISO 8601 basic format with milliseconds
 *   (`cite-etcd-20250102T030405.678Z.db`): sortable, no colons. The content is exactly what etcd's Snapshot RPC
 *   sends, so etcd's own tools read it (`etcdutl snapshot restore`, or `etcdctl snapshot restore` in etcd 3.4):
 *   etcd's bbolt database (pages; meta pages 0 and 1; the `key` bucket holds every revision still kept, keyed
 *   by 8-byte main revision, `_`, 8-byte sub revision, plus `t` for a delete, valued by `mvccpb.KeyValue`
 *   protobuf), followed by the 32-byte sha256 of that database.
 * - `<file>.sha256`: one `sha256sum` line, `<hex>  <basename>\n`, so `sha256sum -c` in the directory checks it.
 * - A snapshot is written to a hidden temporary name, fsynced, and only then given its name; retention deletes
 *   only files named like the above (and their checksum files), nothing else in the directory.
 *
 * The restore rule: the snapshot's checksum must verify first (a file that fails changes nothing), and the target
 * etcd must have no key under the prefix (`ConflictError` otherwise; restore goes into an empty etcd, or at least
 * an empty prefix). Then every live key under the prefix is written byte for byte, nothing outside it, in
 * transactions below etcd's limits, each guarded so that a concurrent writer stops the restore rather than being
 * overwritten. Leases do not survive: leased keys are written without a lease and counted.
 *
 * Restoring a whole member (every key, revisions, leases, members) is etcd's job: `etcdutl snapshot restore`
 * on the same file into a new data directory.
 */
export { DEFAULT_BATCH_LIMITS, type BatchLimits } from './batches';
export type { EtcdEndpoint } from './etcd-client';
export { SnapshotVerificationError, type SnapshotProblem } from './errors';
export type { SnapshotKey } from './mvcc';
export { isSnapshotFileName, snapshotFileName } from './naming';
export { DEFAULT_PREFIX } from './prefix';
export { readSnapshotKeys, snapshotRevision, type ReadKeysOptions } from './read-keys';
export { restoreKeys, type RestoreOptions, type RestoreResult } from './restore';
export { takeSnapshot, type SnapshotOptions, type SnapshotResult } from './snapshot';
export { verifySnapshot, type VerifiedSnapshot } from './verify';
