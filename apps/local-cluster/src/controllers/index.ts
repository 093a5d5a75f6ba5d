import { DEFAULT_POOL, type ValidatedPool, validatePool } from '@cite/ip-pool';
import type { KubeConfig } from '@kubernetes/client-node';
import { garbageCollectedKinds } from './gc/gc-kinds';
import { startIngressController } from './ingress/ingress-controller';
import { DEFAULT_INGRESS_VIPS, ingressVipsProblem } from './ingress/reconcile-ingress';
import { makeClients } from './kit/clients';
import { EventRecorder } from './kit/events';
import { InformerSet } from './kit/informer-set';
import { type ControllerLogger, defaultControllerLogger } from './kit/logger';
import type { Workers } from './kit/run-workers';
import { type Clock, systemClock } from './kit/time';
import type { KubeletTimings } from './kubelet/behaviour';
import { ALL_IMAGES_PRESENT, createRegistryChecker } from './kubelet/registry';
import { startLoops } from './loops';
import { DEFAULT_NODE_CAPACITY, type NodeCapacity } from './nodes/nodes';

export {
  ANNOTATION_PREFIX,
  CRASH_ANNOTATION,
  IMAGE_PULL_ANNOTATION,
  READY_ANNOTATION,
} from './kubelet/behaviour';
export { DEFAULT_INGRESS_VIPS, ingressVipsProblem } from './ingress/reconcile-ingress';
export type { ControllerLogger } from './kit/logger';
export type { NodeCapacity } from './nodes/nodes';

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
  /**
   * Multiplies the kubelet's back-offs (10s, 20s, … up to 5m) for failed image pulls and crash loops;
   * `0.01` turns them into 100ms, 200ms, … so tests stay quick. @defaultValue 1
   */
  backOffScale?: number;
  /** How long a container annotated `crash: loop` runs before it exits 1. @defaultValue 1000 */
  crashAfterMs?: number;
  /** Capacity of every node. @defaultValue cpu 8, memory 32Gi, pods 110 (fewer if the pod range is smaller) */
  nodeCapacity?: Partial<NodeCapacity>;
  /**
   * The addresses the ingress controller stand-in publishes in every Ingress's `status.loadBalancer.ingress`,
   * in order, whatever the Ingress's class. @defaultValue ['10.60.25.250'] (in the seed's node subnet, no node's)
   */
  ingressVips?: string[];
  /** Where the controllers log; a warn-level JSON logger by default. */
  logger?: ControllerLogger;
  /** Injected time source. @defaultValue Date.now */
  clock?: Clock;
  /** How long to wait for the first list of every resource before giving up. @defaultValue 30_000 */
  syncTimeoutMs?: number;
}

export interface RunningControllers {
  stop(): Promise<void>;
}

function checkOptions(options: ControllerOptions): void {
  for (const [name, value] of Object.entries(options.delays ?? {})) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw new RangeError(
        `delays.${name} must be a non-negative number of milliseconds, got ${String(value)}`,
      );
  }
  if (options.backOffScale !== undefined && !(options.backOffScale >= 0))
    throw new RangeError('backOffScale must be a non-negative number');
  if (options.crashAfterMs !== undefined && !(options.crashAfterMs >= 0))
    throw new RangeError('crashAfterMs must be a non-negative number of milliseconds');
  if (options.ingressVips !== undefined) {
    const problem = ingressVipsProblem(options.ingressVips);
    if (problem) throw new RangeError(`ingressVips ${problem}`);
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(what())), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts the controllers (deployment, replicaset, scheduler, kubelets, endpoints, garbage collector, namespace,
 * node registration, the ingress controller stand-in; the API server's process gives namespaces their
 * `default` ServiceAccount and `kube-root-ca.crt`, see src/namespace-defaults). They talk to the emulator only
 * through its HTTP API, as kube-controller-manager does, and resolve once their caches are filled and the
 * pool's nodes are registered.
 */
export async function startControllers(
  kubeConfig: KubeConfig,
  options: ControllerOptions,
): Promise<RunningControllers> {
  checkOptions(options);
  const pool = validatePool(options.pool ?? DEFAULT_POOL);
  const logger = options.logger ?? defaultControllerLogger();
  const clock = options.clock ?? systemClock;
  const clients = makeClients(kubeConfig);
  const informers = new InformerSet(clients, logger);
  informers.pods.store.addIndex('node', (pod) => (pod.spec?.nodeName ? [pod.spec.nodeName] : []));
  const gcKinds = garbageCollectedKinds(clients, informers);

  informers.startAll();
  const stopEverything = async (workers: Workers[], events?: EventRecorder): Promise<void> => {
    await Promise.all(workers.map((w) => w.stop()));
    await events?.stop();
    await informers.stopAll();
    await clients.close();
  };
  const syncTimeoutMs = options.syncTimeoutMs ?? 30_000;
  try {
    await withTimeout(
      informers.requiredSynced(),
      syncTimeoutMs,
      () => `controllers: no first list of ${informers.unsynced().join(', ')} within ${syncTimeoutMs}ms`,
    );
  } catch (error) {
    await stopEverything([]);
    throw error;
  }

  const events = new EventRecorder(clients.raw, clock, logger);
  const workers = startLoops({
    clients,
    informers,
    gcKinds,
    pool,
    capacity: { ...DEFAULT_NODE_CAPACITY, ...options.nodeCapacity },
    timings: kubeletTimings(options),
    images: options.registryUrl
      ? createRegistryChecker({ registryUrl: options.registryUrl })
      : ALL_IMAGES_PRESENT,
    events,
    clock,
    logger,
  });
  const ingress = startIngressController({
    clients,
    vips: options.ingressVips ?? DEFAULT_INGRESS_VIPS,
    logger,
  });
  workers.push(ingress);
  // Nodes register first, as kubelets do before pods can land on them.
  try {
    await nodesRegistered(informers, pool, syncTimeoutMs);
    await withTimeout(
      ingress.synced,
      syncTimeoutMs,
      () => `controllers: no first list of ingresses within ${syncTimeoutMs}ms`,
    );
  } catch (error) {
    await stopEverything(workers, events);
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    stop: () => (stopping ??= stopEverything(workers, events)),
  };
}

function kubeletTimings(options: ControllerOptions): KubeletTimings {
  return {
    containerCreatingMs: options.delays.containerCreatingMs,
    startMs: options.delays.startMs,
    readyMs: options.delays.readyMs,
    backOffScale: options.backOffScale ?? 1,
    crashAfterMs: options.crashAfterMs ?? 1000,
  };
}

/** Resolves once every pool node is in the node cache; fails after `timeoutMs`. */
async function nodesRegistered(
  informers: InformerSet,
  pool: ValidatedPool,
  timeoutMs: number,
): Promise<void> {
  let waiting = true;
  const registered = async (): Promise<void> => {
    while (waiting && !pool.nodes.every((node) => informers.nodes.store.get('', node.name))) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  try {
    await withTimeout(
      registered(),
      timeoutMs,
      () => 'controllers: the pool nodes were not registered in time',
    );
  } finally {
    waiting = false;
  }
}
