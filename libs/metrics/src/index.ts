export { CITE_METRIC_NAMES, METRICS, type MetricDefinition, type MetricType } from './definitions';
export {
  enumLabel,
  etcdOpLabel,
  httpMethodLabel,
  isBlockingRedisCommand,
  kubeCodeLabel,
  kubeRequestLabels,
  OTHER,
  redisCommandLabel,
  statusLabel,
  type KubeRequestLabels,
} from './labels';
export {
  NO_METRICS,
  releaseVerdictOf,
  secondsSince,
  type CallOutcome,
  type EtcdMetrics,
  type FinishedRelease,
  type HttpMetrics,
  type KubeMetrics,
  type LockMetrics,
  type LockWaitOutcome,
  type Metrics,
  type QueueDepths,
  type QueueMetrics,
  type RedisMetrics,
  type ReleaseMetrics,
  type WatcherMetrics,
  type ReleaseVerdict,
  type StoreMetrics,
} from './recorders';
export { CiteMetrics, createMetrics, type CreateMetricsOptions } from './cite-metrics';
export { timeCall } from './time-call';
export {
  metricsEndpoint,
  presentsToken,
  serveMetrics,
  type MetricsEndpointOptions,
  type MetricsHandler,
  type MetricsServerOptions,
  type MetricsSource,
  type RunningMetricsServer,
} from './endpoint';
export { httpMetrics, UNMATCHED_ROUTE } from './http-middleware';
