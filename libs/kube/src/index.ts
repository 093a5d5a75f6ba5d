export { type AppliedObject, type Cluster, type ObjectKind, type ObjectRef } from './cluster';
export { KubeCluster, type KubeClusterOptions } from './kube-cluster';
export {
  KubeHttp,
  KubeHttpError,
  namespacedPath,
  PATHS,
  PooledKubeConfig,
  type KubeHttpOptions,
  type KubeRequest,
} from './kube-http';
export {
  describeKubeError,
  isAlreadyExists,
  isConflict,
  isGone,
  isNotFound,
  isUnsupported,
  kubeCall,
  statusCodeOf,
  statusReasonOf,
  translateKubeError,
} from './kube-errors';
export {
  ANNOTATIONS,
  FIELD_MANAGER,
  LABEL_PREFIX,
  LABELS,
  labelSelector,
  MANAGED_BY,
  selectorFor,
} from './labels';
export {
  changeCause,
  CONTAINER_NAME,
  DEFAULT_PROGRESS_DEADLINE_SECONDS,
  DEFAULT_REVISION_HISTORY_LIMIT,
  renderService,
  type RenderedService,
  type RenderOptions,
} from './render';
export {
  failedVerdict,
  failureFromPods,
  podProblem,
  PROGRESS_DEADLINE_EXCEEDED,
  rolloutCounts,
  rolloutState,
  type PodFailure,
  type RolloutCounts,
  type RolloutPhase,
  type RolloutState,
} from './rollout';
export { ROLLOUT_TIMED_OUT, trackRollout, type TrackRolloutOptions } from './track-rollout';
export {
  recentEvents,
  summarizeEvent,
  summarizePod,
  type EventSummary,
  type PodSummary,
} from './pod-summary';
export { observeService, serviceViewOf, type ObservedService, type ObserveOptions } from './service-status';
export { observedStatusOf } from './observed-status';
export { rolloutHistory, type Revision } from './rollout-history';
export { startInformer, type Informer, type InformerHandlers, type InformerOptions } from './informer';
