import { ConflictError, isCiteError, UnavailableError } from '@cite/errors';
import { ClientClosedError, isRecoverableError } from 'etcd3';

/**
 * A watch that can no longer resume because etcd compacted the revision it needed. Like Kubernetes' 410 Gone:
 * the caller re-lists and watches again from the list's revision.
 */
export class WatchCompactedError extends ConflictError {}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Translates an etcd3 failure at the edge: a transport failure (unreachable, deadline passed, connection reset)
 * becomes `UnavailableError('etcd')`, a closed client too; cite's own errors pass through; anything else (a
 * request etcd rejects) is rethrown unchanged so it is never swallowed.
 */
export function translateEtcdError(error: unknown, action: string): Error {
  if (isCiteError(error)) return error;
  if (error instanceof ClientClosedError) {
    return new UnavailableError('etcd', `etcd client is closed (${action})`, { cause: error });
  }
  if (error instanceof Error && isRecoverableError(error)) {
    return new UnavailableError('etcd', `etcd unavailable during ${action}: ${describe(error)}`, {
      cause: error,
    });
  }
  // etcd 3.4 cancels a watch whose start revision is compacted with an empty reason (and only sets
  // compact_revision, which etcd3 does not pass on); 3.5 says "compacted".
  if (
    error instanceof Error &&
    (/compacted/i.test(error.message) || /^Watcher canceled:\s*$/.test(error.message))
  ) {
    return new WatchCompactedError(
      `${action}: ${describe(error)}; re-list and watch from the list's revision`,
      {
        cause: error,
      },
    );
  }
  return error instanceof Error ? error : new Error(`${action}: ${describe(error)}`);
}
