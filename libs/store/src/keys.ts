/**
 * cite's etcd key layout, all of it: a contract other tools read. Every key here is relative to the store's
 * prefix (default `/cite/v1/`); no other file defines a key prefix. Pure functions; no I/O.
 */
import { InputError } from '@cite/errors';

/** Release numbers are zero-padded to this many digits so that key order is number order. */
export const RELEASE_NUMBER_WIDTH = 10;
const MAX_RELEASE_NUMBER = 10 ** RELEASE_NUMBER_WIDTH - 1;
/** Deploy-log line numbers are zero-padded like release numbers, so that key order is number order. */
export const LOG_SEQ_WIDTH = 10;

/** The folder of each kind of record, relative to the prefix. */
export const KEYSPACES = {
  services: 'services/',
  releases: 'releases/',
  domains: 'domains/',
  lbEndpoints: 'lb/',
  network: 'network/',
  /** `ips/<ip>`: the pod that holds an address, kept by the watcher. */
  networkIps: 'ips/',
  /** `nodes/<node>`: a node and its pod range's use, kept by the watcher. */
  networkNodes: 'nodes/',
  /** `logpositions/<pod uid>/<container>`: how far the log shipper got. */
  logPositions: 'logpositions/',
  tokens: 'tokens/',
  audit: 'audit/',
  webhookDeliveries: 'webhooks/deliveries/',
  locks: 'locks/',
  election: 'election/',
  batchReports: 'batch/reports/',
  /** Jobs written with the change that needs them, until they are on the queue. */
  outbox: 'outbox/',
  /** A release's deploy log, one line per key, written by the deployer and read by the api. */
  releaseLogs: 'releaselogs/',
  /** What the cluster runs for a service, as last observed by the deployer or the watcher. */
  observedStatus: 'status/',
  /** A request's `Idempotency-Key` record, scoped per caller, on a 24 h lease. */
  idempotency: 'idempotency/',
  /** `repos/<owner>/<name>/<branch, URI-encoded>`: the one service that deploys a repository's branch. */
  repoClaims: 'repos/',
  /** `github/reports/<service>/<release>`: how far a release's report to GitHub got. */
  githubReports: 'github/reports/',
  /** `github/comments/<service>`: the pull-request comment a preview keeps editing. */
  githubComments: 'github/comments/',
} as const;

// Control characters (including NUL) never belong in a key.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A record id inside a keyspace: non-empty, no control characters, no empty or dot-only path segments. */
export function assertId(id: string, kind = 'id'): void {
  if (typeof id !== 'string' || id.length === 0) throw new InputError(`${kind} must be a non-empty string`);
  if (CONTROL.test(id)) throw new InputError(`${kind} must not contain control characters`);
  if (id.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new InputError(`${kind} "${id}" has an empty or relative path segment`);
  }
}

/** One path segment (a service name, a namespace): an id without `/`. */
export function assertSegment(segment: string, kind: string): void {
  assertId(segment, kind);
  if (segment.includes('/')) throw new InputError(`${kind} "${segment}" must not contain "/"`);
}

export function padReleaseNumber(number: number): string {
  if (!Number.isSafeInteger(number) || number < 1 || number > MAX_RELEASE_NUMBER) {
    throw new InputError(`release number must be an integer in 1..${MAX_RELEASE_NUMBER}, got ${number}`);
  }
  return String(number).padStart(RELEASE_NUMBER_WIDTH, '0');
}

export function padLogSeq(seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 1 || seq >= 10 ** LOG_SEQ_WIDTH) {
    throw new InputError(`log line number must be an integer in 1..${10 ** LOG_SEQ_WIDTH - 1}, got ${seq}`);
  }
  return String(seq).padStart(LOG_SEQ_WIDTH, '0');
}

/** The number in a release key's last segment, or null when it is not one. */
export function parseReleaseNumber(segment: string): number | null {
  if (!/^\d+$/.test(segment)) return null;
  const number = Number(segment);
  return Number.isSafeInteger(number) && number >= 1 ? number : null;
}

/** `2024-05-01T12:00:00.000Z`: fixed width, so audit keys sort by time. */
export function auditTime(at: Date | string | number): string {
  const date = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(date.getTime())) throw new InputError(`invalid audit time: ${String(at)}`);
  return date.toISOString();
}

/** Ids within each keyspace. */
export const ids = {
  release: (service: string, number: number): string => {
    assertSegment(service, 'service');
    return `${service}/${padReleaseNumber(number)}`;
  },
  lbEndpoints: (namespace: string, service: string): string => {
    assertSegment(namespace, 'namespace');
    assertSegment(service, 'service');
    return `${namespace}/${service}`;
  },
  audit: (at: Date | string | number, id: string): string => {
    assertSegment(id, 'audit id');
    return `${auditTime(at)}-${id}`;
  },
  /** The id prefix of one release's deploy-log lines: `<service>/<release, padded>/`. */
  releaseLog: (service: string, release: number): string => `${ids.release(service, release)}/`,
  releaseLogLine: (service: string, release: number, seq: number): string =>
    ids.releaseLog(service, release) + padLogSeq(seq),
  /** A repository's claims: `<owner>/<name>/`, lowercased. */
  repoClaims: (repo: string): string => `${repo.toLowerCase()}/`,
  /** `<owner>/<name>/<branch>`: the branch URI-encoded, so its own `/` stay inside one segment. */
  repoClaim: (repo: string, branch: string): string => ids.repoClaims(repo) + encodeURIComponent(branch),
};

/** Names of the locks under `locks/` that more than one app takes. */
export const lockNames = {
  /** Held while a service's release, deletion or gc runs: one change to its objects at a time. */
  service: (service: string): string => `service/${service}`,
  /** Held while a batch task runs: two runs of a task never overlap. */
  batch: (task: string): string => `batch/${task}`,
};

/** Full relative keys, for tools and documentation. */
export const keys = {
  service: (name: string): string => KEYSPACES.services + name,
  release: (service: string, number: number): string => KEYSPACES.releases + ids.release(service, number),
  domain: (host: string): string => KEYSPACES.domains + host,
  lbEndpoints: (namespace: string, service: string): string =>
    KEYSPACES.lbEndpoints + ids.lbEndpoints(namespace, service),
  networkPool: (): string => `${KEYSPACES.network}pool`,
  networkIp: (ip: string): string => KEYSPACES.networkIps + ip,
  networkNode: (node: string): string => KEYSPACES.networkNodes + node,
  token: (id: string): string => KEYSPACES.tokens + id,
  audit: (at: Date | string | number, id: string): string => KEYSPACES.audit + ids.audit(at, id),
  lock: (name: string): string => KEYSPACES.locks + name,
  election: (name: string): string => `${KEYSPACES.election}${name}/`,
  outbox: (id: string): string => KEYSPACES.outbox + id,
  releaseLogLine: (service: string, release: number, seq: number): string =>
    KEYSPACES.releaseLogs + ids.releaseLogLine(service, release, seq),
  observedStatus: (service: string): string => KEYSPACES.observedStatus + service,
  idempotency: (id: string): string => KEYSPACES.idempotency + id,
  repoClaim: (repo: string, branch: string): string => KEYSPACES.repoClaims + ids.repoClaim(repo, branch),
  webhookDelivery: (id: string): string => KEYSPACES.webhookDeliveries + id,
  githubReport: (service: string, number: number): string =>
    KEYSPACES.githubReports + ids.release(service, number),
  githubComment: (service: string): string => KEYSPACES.githubComments + service,
};

/** An opaque list cursor: the id of the last item of the page, base64url-encoded. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor))
    throw new InputError('cursor is malformed', {
      details: [{ path: 'cursor', message: 'not a cursor from this API' }],
    });
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (id.length === 0 || encodeCursor(id) !== cursor) {
    throw new InputError('cursor is malformed', {
      details: [{ path: 'cursor', message: 'not a cursor from this API' }],
    });
  }
  return id;
}
