import { InputError } from '@cite/errors';

/** Why a snapshot file was rejected. */
export type SnapshotProblem =
  /** `<file>.sha256` does not exist. */
  | 'checksum-missing'
  /** `<file>.sha256` is not one `sha256sum` line for this file. */
  | 'checksum-unreadable'
  /** The file's sha256 differs from its `.sha256` file. */
  | 'checksum-mismatch'
  /** The sha256 etcd appended to the database differs from the database's own. */
  | 'etcd-hash-mismatch'
  /** The file is not a bbolt database with an etcd key bucket (truncated, another format, a broken page). */
  | 'malformed';

/**
 * A snapshot file that must not be used: its checksum is missing or wrong, or it is not an etcd snapshot.
 * The one-line message names the file and says why. An `InputError` (the file is the caller's input).
 */
export class SnapshotVerificationError extends InputError {
  constructor(
    readonly file: string,
    readonly problem: SnapshotProblem,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`snapshot ${file}: ${reason}`, options);
  }
}
