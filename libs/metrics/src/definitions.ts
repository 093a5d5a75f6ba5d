/**
 * Every metric cite registers besides prom-client's process metrics: one table, so the registry, the docs check
 * and the dashboard check read the same names. Label values are bounded (see `labels.ts`).
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricDefinition {
  name: string;
  type: MetricType;
  help: string;
  labels: readonly string[];
  /** Upper bounds of a histogram's buckets, in seconds. */
  buckets?: readonly number[];
}

/** Fast calls: etcd, Redis, the Kubernetes API. */
const CALL_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** HTTP requests as a client sees them. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Waits in a queue or for a lock. */
const WAIT_BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** Releases and rollouts: seconds to tens of minutes. */
const RELEASE_BUCKETS = [0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1800];

export const METRICS = {
  httpRequestDuration: {
    name: 'cite_http_request_duration_seconds',
    type: 'histogram',
    help: 'HTTP requests served, by method, route template (unmatched for none) and status code.',
    labels: ['method', 'route', 'status'],
    buckets: REQUEST_BUCKETS,
  },
  queueJobs: {
    name: 'cite_queue_jobs',
    type: 'gauge',
    help: 'Jobs in each BullMQ queue by state, read from Redis at scrape time.',
    labels: ['queue', 'state'],
  },
  queueWait: {
    name: 'cite_queue_wait_seconds',
    type: 'histogram',
    help: "Time from a job's enqueue to the start of its first run.",
    labels: ['queue'],
    buckets: WAIT_BUCKETS,
  },
  releases: {
    name: 'cite_releases_total',
    type: 'counter',
    help: 'Release verdicts recorded, by cause and outcome.',
    labels: ['cause', 'outcome'],
  },
  releaseDuration: {
    name: 'cite_release_duration_seconds',
    type: 'histogram',
    help: "Time from a release's creation to its recorded verdict, by cause and outcome.",
    labels: ['cause', 'outcome'],
    buckets: RELEASE_BUCKETS,
  },
  rolloutVerdict: {
    name: 'cite_rollout_verdict_seconds',
    type: 'histogram',
    help: "Time from the start of a release's apply to its rollout verdict.",
    labels: ['verdict'],
    buckets: RELEASE_BUCKETS,
  },
  etcdRequestDuration: {
    name: 'cite_etcd_request_duration_seconds',
    type: 'histogram',
    help: 'etcd calls, by operation and outcome (ok, unavailable, error).',
    labels: ['op', 'outcome'],
    buckets: CALL_BUCKETS,
  },
  redisCommandDuration: {
    name: 'cite_redis_command_duration_seconds',
    type: 'histogram',
    help: 'Redis commands (blocking ones excluded), by command and outcome (ok, error).',
    labels: ['command', 'outcome'],
    buckets: CALL_BUCKETS,
  },
  kubeRequestDuration: {
    name: 'cite_kube_request_duration_seconds',
    type: 'histogram',
    help: 'Kubernetes API calls, by verb, resource and status code (none when no answer came).',
    labels: ['verb', 'resource', 'code'],
    buckets: CALL_BUCKETS,
  },
  watcherEvents: {
    name: 'cite_watcher_events_total',
    type: 'counter',
    help: 'Kubernetes watch events the leading watcher received, by resource (ingresses, services, endpointslices, endpoints, pods, nodes, deployments).',
    labels: ['resource'],
  },
  watcherWrites: {
    name: 'cite_watcher_writes_total',
    type: 'counter',
    help: 'Records the watcher wrote to etcd, by record (domain, lb, ip, node, status) and op (put, delete).',
    labels: ['record', 'op'],
  },
  watcherLag: {
    name: 'cite_watcher_lag_seconds',
    type: 'histogram',
    help: 'Time from a Kubernetes event reaching the watcher to the etcd write it causes.',
    labels: [],
    buckets: CALL_BUCKETS,
  },
  watcherLeader: {
    name: 'cite_watcher_leader',
    type: 'gauge',
    help: '1 while this watcher process leads (writes records), 0 while it stands by.',
    labels: [],
  },
  lockWait: {
    name: 'cite_lock_wait_seconds',
    type: 'histogram',
    help: 'Waits for an etcd lock, by outcome (acquired, timeout, error).',
    labels: ['outcome'],
    buckets: WAIT_BUCKETS,
  },
} as const satisfies Record<string, MetricDefinition>;

/** The names of cite's own metrics, in table order. */
export const CITE_METRIC_NAMES: readonly string[] = Object.values(METRICS).map((metric) => metric.name);
