export { DEFAULT_DELAYS, LocalCluster, type LocalClusterOptions, type RunningLocalCluster } from './cluster';
export type { ControllerDelays, NodeLifecycleOptions } from './controllers';
