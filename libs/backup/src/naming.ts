/**
 * The names of snapshot files and which of them retention removes. Pure: no file system here.
 *
 * A snapshot is `cite-etcd-<UTC time>.db`, the time in ISO 8601 basic format with milliseconds
 * (`cite-etcd-20250102T030405.678Z.db`): fixed width, so names sort by time; no colons, so they are valid
 * file names everywhere. Its checksum is `<name>.sha256` beside it.
 */

export const SNAPSHOT_PREFIX = 'cite-etcd-';
export const SNAPSHOT_SUFFIX = '.db';
export const CHECKSUM_SUFFIX = '.sha256';

const NAME = /^cite-etcd-(\d{8}T\d{6}\.\d{3}Z)\.db$/;

/** `cite-etcd-20250102T030405.678Z.db` for 2025-01-02T03:04:05.678Z. */
export function snapshotFileName(at: Date): string {
  const iso = at.toISOString(); // 2025-01-02T03:04:05.678Z (always UTC, always milliseconds)
  if (!/^\d{4}-/.test(iso)) throw new RangeError(`snapshot time out of range: ${iso}`);
  return `${SNAPSHOT_PREFIX}${iso.replace(/[-:]/g, '')}${SNAPSHOT_SUFFIX}`;
}

/** Whether `name` is a snapshot file this module wrote (its own pattern; a checksum file is not). */
export function isSnapshotFileName(name: string): boolean {
  return NAME.test(name);
}

export function checksumFileName(snapshotName: string): string {
  return snapshotName + CHECKSUM_SUFFIX;
}

/**
 * Of the file names in a directory, the snapshots to delete so that `keep` remain: `current` (the one just
 * taken, kept whatever its time says) and the newest others. Names that are not this module's snapshots are
 * never chosen. Oldest first.
 */
export function snapshotsToRemove(names: readonly string[], keep: number, current?: string): string[] {
  const others = names.filter((name) => isSnapshotFileName(name) && name !== current).sort();
  const keepOthers = Math.max(0, keep - (current === undefined ? 0 : 1));
  return others.slice(0, Math.max(0, others.length - keepOthers));
}
