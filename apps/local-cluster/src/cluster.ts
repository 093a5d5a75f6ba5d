import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POOL, type PoolSpec } from '@cite/ip-pool';
import { KubeHttp } from '@cite/kube';
import type { KubeConfig } from '@kubernetes/client-node';
import { bootstrapCluster } from './bootstrap';
import { ClusterState } from './cluster-state';
import {
  startControllers,
  switchKubelet,
  type ControllerDelays,
  type ControllerLogger,
  type NodeCapacity,
  type NodeLifecycleOptions,
  type RunningControllers,
} from './controllers';
import { defaultControllerLogger } from './controllers/kit/logger';
import { RawApi } from './controllers/kit/raw-api';
import { startControllerProcess, type ControllerProcessSpec } from './controllers/process';
import { writeKubeconfig } from './kubeconfig';
import type { CloseWatchesOptions } from './registry/watch';
import { DEFAULT_TOLERATION_SECONDS, type DefaultTolerationSeconds } from './resources/pods';
import { startApiServer, type ApiServerOptions, type RunningApiServer } from './server/http-server';
import { readSnapshot, writeSnapshot } from './storage/snapshot';
import { generateServingCertificate } from './tls';

/** Simulated timings of the controllers unless given. */
export const DEFAULT_DELAYS: ControllerDelays = {
  containerCreatingMs: 500,
  startMs: 1000,
  readyMs: 1000,
  logIntervalMs: 5000,
};

export interface LocalClusterOptions {
  /** @defaultValue '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @defaultValue 0 */
  port?: number;
  /** Serve HTTPS with a freshly generated self-signed CA (needs the openssl CLI). @defaultValue false */
  tls?: boolean;
  /** Require this bearer token (401 otherwise); it goes into the kubeconfig. */
  token?: string;
  /** Load state from this file on start (when it exists) and save it on stop. */
  snapshotFile?: string;
  delays?: Partial<ControllerDelays>;
  /** Docker Registry v2 base URL the kubelets check images against. */
  registryUrl?: string;
  /** Nodes and pod ranges. @defaultValue the seed's ten nodes (DEFAULT_POOL) */
  pool?: PoolSpec;
  /** Where to write the kubeconfig. @defaultValue a new temporary directory */
  kubeconfigPath?: string;
  /** Start the controllers (deployment, replicaset, scheduler, kubelets, ...). @defaultValue true */
  controllers?: boolean;
  /** Events each resource's watch cache keeps; older resourceVersions get 410 Expired. @defaultValue 10000 */
  watchCacheSize?: number;
  /** Period of BOOKMARK events on watches that allow them. @defaultValue 60000 */
  bookmarkIntervalMs?: number;
  /** @defaultValue '10.96.0.0/12' */
  serviceCidr?: string;
  /** Multiplies the kubelets' back-offs (image pulls, crash loops); tests use 0.01 or less. @defaultValue 1 */
  backOffScale?: number;
  /** How long a container annotated `local-cluster.cite.dev/crash: loop` runs before it exits 1. @defaultValue 1000 */
  crashAfterMs?: number;
  /** Capacity of every node. @defaultValue cpu 8, memory 32Gi, pods 110 */
  nodeCapacity?: Partial<NodeCapacity>;
  /**
   * What the ingress controller stand-in publishes in every Ingress's `status.loadBalancer.ingress` (`[{ ip }]`
   * per address, in order, whatever the ingress class), as ingress-nginx publishes its Service's address.
   * @defaultValue ['10.60.25.250'] (in the seed's node subnet, no node's)
   */
  ingressVips?: string[];
  /**
   * Node heartbeats (Lease renewals every `heartbeatMs`) and the node lifecycle controller's `gracePeriodMs`
   * before a silent node turns Unknown and is tainted unreachable (see `src/controllers/README.md`).
   * @defaultValue heartbeatMs 10_000, statusReportMs 300_000, gracePeriodMs 50_000
   */
  nodeLifecycle?: NodeLifecycleOptions;
  /**
   * The DefaultTolerationSeconds admission plugin's seconds (kube-apiserver's
   * `--default-not-ready-toleration-seconds` / `--default-unreachable-toleration-seconds`): every pod created
   * without its own toleration of `node.kubernetes.io/not-ready` / `unreachable` gets a NoExecute one for this
   * long, so it is evicted from a NotReady/unreachable node that much later. Tests use 0 or 1.
   * @defaultValue 300 and 300
   */
  defaultTolerationSeconds?: Partial<DefaultTolerationSeconds>;
  /** Where the controllers log. @defaultValue a warn-level JSON logger */
  controllerLogger?: ControllerLogger;
  /**
   * Run the controllers in a child process (`serveControllerProcess` there) at this niceness instead of in
   * this one, as kube-controller-manager and the kubelets run apart from kube-apiserver. `main.ts` does.
   * @defaultValue in this process
   */
  controllerProcess?: ControllerProcessSpec;
  /**
   * Where the API server records request durations, served at `/metrics`.
   * @defaultValue metrics of its own, without the process metrics
   */
  metrics?: ApiServerOptions['metrics'];
}

export interface RunningLocalCluster {
  url: string;
  kubeconfigPath: string;
  kubeConfig: KubeConfig;
  /**
   * Ends every open watch stream cleanly, as a restart of the API server does, and answers how many it ended
   * (the controllers' own watches included). Clients watch again from their last resourceVersion: one that
   * comes back after more writes than `watchCacheSize` holds gets 410 Expired. With `expireHistory`, any
   * client behind the newest write gets 410 however soon it comes back, as after a real restart (informers
   * such as client-node's watch again at once, before a test could write anything).
   */
  closeWatches(options?: CloseWatchesOptions): number;
  /**
   * Stops the simulated kubelet of pool node `node`, as a test simulates a dead node: the Node is annotated
   * `local-cluster.cite.dev/kubelet: stopped`, and from then on its kubelet renews no Lease, posts no node
   * status and neither starts, updates nor removes the node's pods. After `nodeLifecycle.gracePeriodMs` the
   * node turns `Ready=Unknown` and is tainted unreachable; its pods are evicted after their tolerationSeconds
   * (`defaultTolerationSeconds`) and force-deleted, and their controllers replace them on other nodes.
   * Works with the controllers in this process or in a child (it goes through the API). Rejects for an unknown
   * node.
   */
  stopKubelet(node: string): Promise<void>;
  /** Starts the kubelet of `node` again: it renews its Lease and posts Ready at once, and the taints go. */
  startKubelet(node: string): Promise<void>;
  /** Stops the controllers and the server, then saves the snapshot (when configured). */
  stop(): Promise<void>;
}

/** The embedded Kubernetes: API server emulator plus controllers, reachable over HTTP(S) on loopback. */
export class LocalCluster {
  private constructor() {}

  static async start(options: LocalClusterOptions = {}): Promise<RunningLocalCluster> {
    const host = options.host ?? '127.0.0.1';
    const delays: ControllerDelays = { ...DEFAULT_DELAYS, ...options.delays };
    const pool = options.pool ?? (structuredClone(DEFAULT_POOL) as PoolSpec);
    const snapshot = options.snapshotFile ? await readSnapshot(options.snapshotFile) : undefined;
    const state = new ClusterState({
      watchCacheSize: options.watchCacheSize ?? 10_000,
      serviceCidr: options.serviceCidr ?? '10.96.0.0/12',
      clock: () => new Date(),
      snapshot,
      defaultTolerationSeconds: { ...DEFAULT_TOLERATION_SECONDS, ...options.defaultTolerationSeconds },
    });
    const certificate = options.tls ? await generateServingCertificate(host) : undefined;
    const server: RunningApiServer = await startApiServer(state, {
      host,
      port: options.port ?? 0,
      tls: certificate ? { key: certificate.key, cert: certificate.cert } : undefined,
      token: options.token,
      bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
      defaultTimeoutMs: 30 * 60_000,
      logIntervalMs: delays.logIntervalMs,
      metrics: options.metrics,
    });
    bootstrapCluster(state, pool, server.port, certificate?.caCert);
    const kubeconfigPath =
      options.kubeconfigPath ?? join(await mkdtemp(join(tmpdir(), 'local-cluster-')), 'kubeconfig');
    const kubeConfig = await writeKubeconfig(kubeconfigPath, {
      server: server.url,
      caCert: certificate?.caCert,
      token: options.token,
    });
    let controllers: RunningControllers | undefined;
    if (options.controllers !== false) {
      try {
        const plain = {
          delays,
          registryUrl: options.registryUrl,
          pool,
          backOffScale: options.backOffScale,
          crashAfterMs: options.crashAfterMs,
          nodeCapacity: options.nodeCapacity,
          ingressVips: options.ingressVips,
          nodeLifecycle: options.nodeLifecycle,
        };
        controllers = options.controllerProcess
          ? await startControllerProcess(
              options.controllerProcess,
              kubeConfig,
              plain,
              options.controllerLogger ?? defaultControllerLogger(),
            )
          : await startControllers(kubeConfig, { ...plain, logger: options.controllerLogger });
      } catch (error) {
        await server.close();
        throw error;
      }
    }
    // Without controllers the annotation is still written (they would honour it once started).
    let http: KubeHttp | undefined;
    const setKubelet = async (node: string, running: boolean): Promise<void> => {
      if (controllers) return running ? controllers.startKubelet(node) : controllers.stopKubelet(node);
      http ??= new KubeHttp(kubeConfig);
      await switchKubelet(new RawApi(http), node, running);
    };
    let stopping: Promise<void> | undefined;
    return {
      url: server.url,
      kubeconfigPath,
      kubeConfig,
      closeWatches: (closeOptions) => server.closeWatches(closeOptions),
      stopKubelet: (node) => setKubelet(node, false),
      startKubelet: (node) => setKubelet(node, true),
      stop: () => {
        stopping ??= (async () => {
          await controllers?.stop();
          await http?.close();
          await server.close();
          if (options.snapshotFile) await writeSnapshot(options.snapshotFile, state.snapshot());
        })();
        return stopping;
      },
    };
  }
}
