/**
 * Locks as the page shows them (`GET /api/v1/locks`) and the path that releases one (`DELETE
 * /api/v1/locks/<name>`, the name's `/` kept as path separators, each segment encoded). Pure.
 */

/** A held lock, as `GET /api/v1/locks` lists it. */
export interface LockView {
  name: string;
  owner: string;
  acquiredAt: string;
  ttlSeconds: number;
  /** Seconds left on the holder's lease; null when etcd did not say (the lease is already gone). */
  ttlRemainingSeconds: number | null;
  revision: number;
}

/** The API path that releases lock `name`. */
export function lockPath(name: string): string {
  return `/locks/${name.split('/').map(encodeURIComponent).join('/')}`;
}

/** The service a lock is about (`service/web`, `report/web/7`: the deployer's and the reporter's), if any. */
export function lockService(name: string): string | undefined {
  const match = /^(?:service|report)\/([a-z0-9][-a-z0-9]*)(?:\/|$)/.exec(name);
  return match?.[1];
}

/** `12 s of 15 s left`, or that the lease is gone. */
export function leaseText(lock: Pick<LockView, 'ttlSeconds' | 'ttlRemainingSeconds'>): string {
  if (lock.ttlRemainingSeconds === null) return `lease gone (TTL ${lock.ttlSeconds} s)`;
  return `${lock.ttlRemainingSeconds} s of ${lock.ttlSeconds} s left`;
}
