/**
 * The etcd keys this library adds to the layout (relative to the store prefix, default `/cite/v1/`). They are
 * a contract: the deployer and the watcher write `releaselogs/` and `status/`, the api reads them.
 *
 * - `releaselogs/<service>/<release, 10 digits>/<seq, 10 digits>`: one deploy log line each, seq from 1.
 * - `status/<service>`: what the cluster runs for a service, as last observed.
 * - `idempotency/<sha256(actor, key)>`: a request's `Idempotency-Key` record, on a 24 h lease.
 */
export const CATALOG_KEYSPACES = {
  releaseLogs: 'releaselogs/',
  observedStatus: 'status/',
  idempotency: 'idempotency/',
} as const;

/** Zero-padded like release numbers, so that key order is number order. */
export const LOG_SEQ_WIDTH = 10;
