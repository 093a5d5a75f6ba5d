/**
 * What the libs record, as narrow interfaces: a lib takes the one it needs through its options (`metrics?`) and
 * never a registry or a global. `NO_METRICS` records nothing and is every option's default; `createMetrics()`
 * gives the implementation that apps pass down. Durations are in seconds.
 */

/** How an outgoing call ended: answered, could not reach the dependency, or failed otherwise. */
export type CallOutcome = 'ok' | 'unavailable' | 'error';

export type LockWaitOutcome = 'acquired' | 'timeout' | 'error';

export interface HttpMetrics {
  /** One request served; `route` is the matched route template (or `unmatched`), never the raw path. */
  httpRequest(method: string, route: string, status: number, seconds: number): void;
}

export interface EtcdMetrics {
  /** One etcd call; `action` is the store's description (`get <key>`), of which only the verb is kept. */
  etcdRequest(action: string, outcome: CallOutcome, seconds: number): void;
}

export interface LockMetrics {
  /** One `acquire` of an etcd lock, from the call to the lock (or to giving up). */
  lockWait(outcome: LockWaitOutcome, seconds: number): void;
}

export interface StoreMetrics extends EtcdMetrics, LockMetrics {}

export interface RedisMetrics {
  /** One Redis command (blocking commands are not recorded). */
  redisCommand(command: string, outcome: 'ok' | 'error', seconds: number): void;
}

export interface QueueMetrics extends RedisMetrics {
  /** A job's first run started this long after it was enqueued. */
  queueWait(queue: string, seconds: number): void;
}

export interface KubeMetrics {
  /** One Kubernetes API call: its method and path (the labels are derived), and the status (none: no answer). */
  kubeRequest(method: string, path: string, code: number | undefined, seconds: number, watch?: boolean): void;
}

/** A release verdict that was just recorded. */
export interface ReleaseVerdict {
  cause: string;
  /** succeeded, failed or superseded. */
  outcome: string;
  /** From the release's creation to its verdict. */
  seconds: number;
  /** From the start of its apply to its verdict; undefined when it never started (superseded while queued). */
  rolloutSeconds?: number;
}

export interface ReleaseMetrics {
  releaseFinished(verdict: ReleaseVerdict): void;
}

export interface WatcherMetrics {
  /** One watch event (or listed object) of `resource`. */
  watcherEvent(resource: string): void;
  /** One record written; `lagSeconds` from the event that made it dirty, when one did. */
  watcherWrite(record: string, op: 'put' | 'delete', lagSeconds?: number): void;
  watcherLeading(leading: boolean): void;
}

/** Jobs per state, per queue (`{ releases: { waiting: 3, active: 1, … } }`). */
export type QueueDepths = Record<string, Record<string, number>>;

/** Everything a process can record. */
export interface Metrics
  extends HttpMetrics,
    StoreMetrics,
    QueueMetrics,
    KubeMetrics,
    ReleaseMetrics,
    WatcherMetrics {}

const ignore = (): void => undefined;

/** Records nothing: the default wherever a `metrics` option is not given. */
export const NO_METRICS: Metrics = Object.freeze({
  httpRequest: ignore,
  etcdRequest: ignore,
  lockWait: ignore,
  redisCommand: ignore,
  queueWait: ignore,
  kubeRequest: ignore,
  releaseFinished: ignore,
  watcherEvent: ignore,
  watcherWrite: ignore,
  watcherLeading: ignore,
});

/** Seconds since `startedAt`, a `performance.now()` reading. */
export function secondsSince(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}

/** What `releaseVerdictOf` reads of a release (structurally, so this lib needs no model). */
export interface FinishedRelease {
  cause: string;
  status: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

/** The verdict to record for a release just finished: its durations from its own timestamps. Pure. */
export function releaseVerdictOf(release: FinishedRelease): ReleaseVerdict {
  const secondsFrom = (time: string | undefined): number | undefined => {
    const from = Date.parse(time ?? '');
    const to = Date.parse(release.finishedAt ?? '');
    return Number.isNaN(from) || Number.isNaN(to) ? undefined : Math.max(0, (to - from) / 1000);
  };
  const rolloutSeconds = secondsFrom(release.startedAt);
  return {
    cause: release.cause,
    outcome: release.status,
    seconds: secondsFrom(release.createdAt) ?? 0,
    ...(rolloutSeconds === undefined ? {} : { rolloutSeconds }),
  };
}
