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
import { switchKubelet } from './kubelet/kubelet-switch';
import { ALL_IMAGES_PRESENT, createRegistryChecker } from './kubelet/registry';
import { type NodeLifecycleTimings, startLoops } from './loops';
import { DEFAULT_GRACE_PERIOD_MS } from './node-lifecycle/reconcile-node-lifecycle';
import { DEFAULT_HEARTBEAT_MS } from './nodes/node-lease';
import { DEFAULT_NODE_CAPACITY, DEFAULT_STATUS_REPORT_MS, type NodeCapacity } from './nodes/nodes';

export {
  ANNOTATION_PREFIX,
  CRASH_ANNOTATION,
  IMAGE_PULL_ANNOTATION,
  READY_ANNOTATION,
  KUBELET_ANNOTATION,
  KUBELET_STOPPED,
} from './kubelet/behaviour';
export { DEFAULT_INGRESS_VIPS, ingressVipsProblem } from './ingress/reconcile-ingress';
export type { ControllerLogger } from './kit/logger';
export { switchKubelet } from './kubelet/kubelet-switch';
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

/**
 * Node heartbeats and failure detection: how often kubelets renew their node Lease and post an unchanged node
 * status, and how long the node lifecycle controller waits for a silent kubelet before the node turns
 * `Ready=Unknown` and is tainted `node.kubernetes.io/unreachable`. (How long pods stay on such a node is their
 * tolerationSeconds, 300 by default: the API server's `defaultTolerationSeconds`.)
 */
export interface NodeLifecycleOptions {
  /** Lease renewal period of every running kubelet (kube: 10 s, a quarter of the 40 s lease). @defaultValue 10_000 */
  heartbeatMs?: number;
  /** kubelet's nodeStatusReportFrequency: an unchanged node status is posted this often. @defaultValue 300_000 */
  statusReportMs?: number;
  /**
   * nodeMonitorGracePeriod: nothing heard from a kubelet for longer than this and its node turns Unknown.
   * Must exceed `heartbeatMs`. @defaultValue 50_000 (kube 1.32's default; 40 s before)
   */
  gracePeriodMs?: number;
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
  /** Node heartbeats and the node lifecycle controller's grace period. */
  nodeLifecycle?: NodeLifecycleOptions;
  /** Where the controllers log; a warn-level JSON logger by default. */
  logger?: ControllerLogger;
  /** Injected time source. @defaultValue Date.now */
  clock?: Clock;
  /** How long to wait for the first list of every resource before giving up. @defaultValue 30_000 */
  syncTimeoutMs?: number;
}

export interface RunningControllers {
  /**
   * Stops the simulated kubelet of pool node `node`, as if the machine died: it annotates the Node
   * `local-cluster.cite.dev/kubelet: stopped`, after which the kubelet no longer renews the node's Lease, posts
   * node status, or starts, updates or removes the node's pods. The node lifecycle controller then marks the node
   * Unknown and taints it after the grace period, and its pods are evicted as their tolerations say. Resolves once
   * the API has the annotation. Rejects when there is no such Node.
   */
  stopKubelet(node: string): Promise<void>;
  /** Starts the kubelet of `node` again (removes the annotation): it renews its Lease and posts Ready at once. */
  startKubelet(node: string): Promise<void>;
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
  const lifecycle = nodeLifecycleTimings(options);
  for (const [name, value] of Object.entries(lifecycle)) {
    if (!Number.isFinite(value) || value <= 0)
      throw new RangeError(`nodeLifecycle.${name} must be a positive number of milliseconds, got ${value}`);
  }
  if (lifecycle.gracePeriodMs <= lifecycle.heartbeatMs)
    throw new RangeError(
      `nodeLifecycle.gracePeriodMs (${lifecycle.gracePeriodMs}) must exceed heartbeatMs (${lifecycle.heartbeatMs})`,
    );
}

function nodeLifecycleTimings(options: ControllerOptions): NodeLifecycleTimings {
  return {
    heartbeatMs: options.nodeLifecycle?.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    statusReportMs: options.nodeLifecycle?.statusReportMs ?? DEFAULT_STATUS_REPORT_MS,
    gracePeriodMs: options.nodeLifecycle?.gracePeriodMs ?? DEFAULT_GRACE_PERIOD_MS,
  };
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
 * node registration and heartbeats, node lifecycle, taint eviction, the ingress controller stand-in; the API
 * server's process gives namespaces their `default` ServiceAccount and `kube-root-ca.crt`, see
 * src/namespace-defaults). They talk to the emulator only through its HTTP API, as kube-controller-manager
 * does, and resolve once their caches are filled and the pool's nodes are registered.
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
    nodeLifecycle: nodeLifecycleTimings(options),
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
  const setKubelet = async (node: string, running: boolean): Promise<void> => {
    informers.nodes.store.recordWrite(await switchKubelet(clients.raw, node, running));
  };
  return {
    stopKubelet: (node) => setKubelet(node, false),
    startKubelet: (node) => setKubelet(node, true),
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
