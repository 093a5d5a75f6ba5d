import type { KubeConfig } from '@kubernetes/client-node';

/** Simulated timings; all zero makes every step immediate (benchmarks, fast tests). */
export interface ControllerDelays {
  /** Pending → ContainerCreating after scheduling. */
  containerCreatingMs: number;
  /** ContainerCreating → Running. */
  startMs: number;
  /** Running → Ready (after readiness). */
  readyMs: number;
  /** Period of the periodic log line a running container writes. */
  logIntervalMs: number;
}

export interface ControllerOptions {
  delays: ControllerDelays;
  /** Docker Registry v2 base URL; when set, kubelets check images exist there before "pulling". */
  registryUrl?: string;
  /** Node pool (libs/ip-pool PoolSpec); defaults to the seed's ten nodes and ten /24 ranges. */
  pool?: unknown;
}

export interface RunningControllers {
  stop(): Promise<void>;
}

/**
 * Starts the controllers (deployment, replicaset, scheduler, kubelets, endpoints, garbage collector, namespace,
 * serviceaccount). They talk to the emulator only through its HTTP API, as kube-controller-manager does.
 * Placeholder until the controllers land: starts nothing.
 */
export async function startControllers(
  _kubeConfig: KubeConfig,
  _options: ControllerOptions,
): Promise<RunningControllers> {
  return { stop: async () => undefined };
}
