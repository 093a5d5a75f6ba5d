export { DEFAULT_DELAYS, LocalCluster, type LocalClusterOptions, type RunningLocalCluster } from './cluster';
export type { ControllerDelays } from './controllers';
