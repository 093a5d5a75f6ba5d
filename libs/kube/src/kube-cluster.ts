import { isCiteError, UnavailableError } from '@cite/errors';
import { NO_METRICS, type KubeMetrics } from '@cite/metrics';
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
  PatchStrategy,
  setHeaderOptions,
  VersionApi,
  type CoreV1Event,
  type V1Deployment,
  type V1Pod,
  type V1ReplicaSet,
} from '@kubernetes/client-node';
import type { AppliedObject, Cluster, ObjectKind, ObjectRef } from './cluster';
import { kubeCall, statusCodeOf, translateKubeError } from './kube-errors';
import { KubeHttp, PATHS, PooledKubeConfig } from './kube-http';
import { FIELD_MANAGER } from './labels';

/** Where each applied kind lives in the API (its collection path, given the namespace). */
const COLLECTIONS: Record<ObjectKind, (namespace: string) => string> = {
  Namespace: () => '/api/v1/namespaces',
  Service: (namespace) => PATHS.services(namespace),
  Deployment: (namespace) => PATHS.deployments(namespace),
  Ingress: (namespace) => PATHS.ingresses(namespace),
};

/** Events in a namespace are fetched per involved object (one field selector each) up to this many names. */
const EVENT_QUERIES_PER_CALL = 16;

interface List<T> {
  metadata?: { resourceVersion?: string };
  items: T[];
}

export interface KubeClusterOptions {
  /** A kubeconfig file; unset: the client's defaults (`KUBECONFIG`, `~/.kube/config`, in-cluster). */
  kubeconfigPath?: string;
  /**
   * Deadline of one API call.
   * @defaultValue 15000
   */
  timeoutMs?: number;
  /**
   * Consecutive failed (re)connects after which a watch gives up with `UnavailableError`.
   * @defaultValue 8
   */
  maxWatchFailures?: number;
  /**
   * How long the API server keeps one watch request open (`timeoutSeconds`); the watch is then renewed from
   * the last resourceVersion seen. @defaultValue 20
   */
  watchTimeoutSeconds?: number;
  /** Records each API call's latency and status. @defaultValue none */
  metrics?: KubeMetrics;
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

interface WatchItem {
  type: string;
  object: { metadata?: { resourceVersion?: string }; code?: number; message?: string };
}

/**
 * `Cluster` over `@kubernetes/client-node` 2.x: server-side apply, list-then-watch, all over one connection pool.
 * Reads and applies exchange plain JSON (`KubeHttp`); the rarer calls use the typed APIs.
 */
export class KubeCluster implements Cluster {
  readonly kubeConfig: PooledKubeConfig;
  private readonly http: KubeHttp;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly networking: NetworkingV1Api;
  private readonly version: VersionApi;
  private readonly timeoutMs: number;
  private readonly maxWatchFailures: number;
  private readonly watchTimeoutSeconds: number;
  private readonly metrics: KubeMetrics;

  constructor(kubeConfig: KubeConfig, options: Omit<KubeClusterOptions, 'kubeconfigPath'> = {}) {
    this.metrics = options.metrics ?? NO_METRICS;
    this.http = new KubeHttp(kubeConfig, { metrics: this.metrics });
    // The typed clients use the same pooled config, so every call shares one connection pool.
    this.kubeConfig = this.http.kubeConfig;
    this.core = this.kubeConfig.makeApiClient(CoreV1Api);
    this.apps = this.kubeConfig.makeApiClient(AppsV1Api);
    this.networking = this.kubeConfig.makeApiClient(NetworkingV1Api);
    this.version = this.kubeConfig.makeApiClient(VersionApi);
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxWatchFailures = options.maxWatchFailures ?? 8;
    this.watchTimeoutSeconds = options.watchTimeoutSeconds ?? 20;
  }

  /** Loads the kubeconfig (file, or the client's defaults). Does not contact the cluster. */
  static fromKubeconfig(options: KubeClusterOptions = {}): KubeCluster {
    return new KubeCluster(PooledKubeConfig.load(options.kubeconfigPath), options);
  }

  /** The API server URL, for logs. */
  get server(): string {
    return this.kubeConfig.getCurrentCluster()?.server ?? '(none)';
  }

  /**
   * Server-side apply as `cite`, forced on purpose. cite owns what it renders: a release is the whole desired
   * state of those fields, so if someone changed one of them by hand (`kubectl edit`, `kubectl set image`), the
   * next deploy must put cite's value back rather than fail with a 409 conflict. Forcing takes only the fields
   * cite applies; what cite does not render (an annotation added by hand, the controllers' fields) stays with
   * its manager.
   */
  async apply<T extends AppliedObject>(object: T): Promise<T> {
    const name = object.metadata?.name ?? '';
    const namespace = object.metadata?.namespace ?? '';
    const applied = await kubeCall(
      `apply ${object.kind} ${namespace ? `${namespace}/` : ''}${name}`,
      () =>
        this.http.json<T>(`${COLLECTIONS[object.kind](namespace)}/${encodeURIComponent(name)}`, {
          method: 'PATCH',
          query: { fieldManager: FIELD_MANAGER, force: 'true' },
          body: object,
          contentType: PatchStrategy.ServerSideApply,
          signal: AbortSignal.timeout(this.timeoutMs),
        }),
      this.timeoutMs,
    );
    return { ...applied, kind: object.kind };
  }

  /** GET of a JSON document, translated and bounded like every call. */
  private get<T>(action: string, path: string, query: Record<string, string | undefined> = {}): Promise<T> {
    return kubeCall(
      action,
      () => this.http.json<T>(path, { query, signal: AbortSignal.timeout(this.timeoutMs) }),
      this.timeoutMs,
    );
  }

  async delete(ref: ObjectRef): Promise<boolean> {
    const namespace = ref.namespace ?? '';
    const options = { name: ref.name, propagationPolicy: 'Background' };
    try {
      await kubeCall(
        `delete ${ref.kind} ${namespace ? `${namespace}/` : ''}${ref.name}`,
        () =>
          this.timed('DELETE', `${COLLECTIONS[ref.kind](namespace)}/${ref.name}`, (): Promise<unknown> => {
            switch (ref.kind) {
              case 'Namespace':
                return this.core.deleteNamespace(options);
              case 'Deployment':
                return this.apps.deleteNamespacedDeployment({ ...options, namespace });
              case 'Service':
                return this.core.deleteNamespacedService({ ...options, namespace });
              case 'Ingress':
                return this.networking.deleteNamespacedIngress({ ...options, namespace });
            }
          }),
        this.timeoutMs,
      );
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'not_found') return false;
      throw error;
    }
  }

  async getDeployment(namespace: string, name: string): Promise<V1Deployment | null> {
    try {
      return await this.get<V1Deployment>(
        `get deployment ${namespace}/${name}`,
        `${COLLECTIONS.Deployment(namespace)}/${encodeURIComponent(name)}`,
      );
    } catch (error) {
      if ((error as { code?: string }).code === 'not_found') return null;
      throw error;
    }
  }

  async *watchDeployment(
    namespace: string,
    name: string,
    signal: AbortSignal,
  ): AsyncIterable<V1Deployment | null> {
    const fieldSelector = `metadata.name=${name}`;
    const path = COLLECTIONS.Deployment(namespace);
    let resourceVersion: string | undefined;
    let failures = 0;
    const failed = async (error: unknown) => {
      failures += 1;
      if (failures >= this.maxWatchFailures) {
        throw new UnavailableError('kubernetes', `watch deployment ${namespace}/${name}: giving up`, {
          cause: error,
        });
      }
      await sleep(Math.min(5_000, 100 * 2 ** failures), signal);
    };
    while (!signal.aborted) {
      if (resourceVersion === undefined) {
        try {
          const list = await this.get<List<V1Deployment>>(`list deployment ${namespace}/${name}`, path, {
            fieldSelector,
          });
          resourceVersion = list.metadata?.resourceVersion ?? '0';
          failures = 0;
          yield list.items[0] ?? null;
        } catch (error) {
          if (!(error instanceof UnavailableError)) throw error;
          await failed(error);
          continue;
        }
      }
      const query = {
        watch: 'true',
        fieldSelector,
        resourceVersion,
        allowWatchBookmarks: 'true',
        timeoutSeconds: String(this.watchTimeoutSeconds),
      };
      try {
        // The server ends the watch after timeoutSeconds; nothing at all for longer means a dead connection.
        const idleMs = (this.watchTimeoutSeconds + 10) * 1000;
        for await (const line of this.http.lines(path, { query, signal, idleMs })) {
          const item = line as WatchItem;
          if (item.type === 'ERROR') {
            if (item.object.code === 410) {
              resourceVersion = undefined; // expired: re-list
              break;
            }
            throw translateKubeError(
              { code: item.object.code ?? 500, body: item.object },
              `watch deployment ${namespace}/${name}`,
            );
          }
          resourceVersion = item.object.metadata?.resourceVersion ?? resourceVersion;
          failures = 0;
          if (item.type === 'BOOKMARK') continue;
          yield item.type === 'DELETED' ? null : (item.object as V1Deployment);
        }
      } catch (error) {
        if (signal.aborted) return;
        if (isCiteError(error)) throw error;
        const status = statusCodeOf(error);
        if (status === 410) {
          resourceVersion = undefined;
          continue;
        }
        if (status !== undefined && status < 500 && status !== 429) throw translateKubeError(error, 'watch');
        await failed(error);
      }
    }
  }

  async listPods(namespace: string, labelSelector: string): Promise<V1Pod[]> {
    const path = PATHS.pods(namespace);
    return (await this.get<List<V1Pod>>(`list pods ${namespace} ${labelSelector}`, path, { labelSelector }))
      .items;
  }

  async listReplicaSets(namespace: string, labelSelector: string): Promise<V1ReplicaSet[]> {
    const path = PATHS.replicaSets(namespace);
    const action = `list replicasets ${namespace} ${labelSelector}`;
    return (await this.get<List<V1ReplicaSet>>(action, path, { labelSelector })).items;
  }

  /**
   * A team namespace holds the events of all its services, so a few names are asked for one field selector each
   * (the API server filters); many names list the namespace once and filter here.
   */
  async listEvents(namespace: string, names: readonly string[] = []): Promise<CoreV1Event[]> {
    const path = PATHS.events(namespace);
    const action = `list events ${namespace}`;
    const wanted = [...new Set(names)];
    if (wanted.length === 0 || wanted.length > EVENT_QUERIES_PER_CALL) {
      const events = (await this.get<List<CoreV1Event>>(action, path)).items;
      if (wanted.length === 0) return events;
      const set = new Set(wanted);
      return events.filter((event) => set.has(event.involvedObject.name ?? ''));
    }
    const lists = await Promise.all(
      wanted.map((name) =>
        this.get<List<CoreV1Event>>(action, path, { fieldSelector: `involvedObject.name=${name}` }),
      ),
    );
    return lists.flatMap((list) => list.items);
  }

  async scale(namespace: string, name: string, replicas: number): Promise<void> {
    await kubeCall(
      `scale deployment ${namespace}/${name}`,
      () =>
        this.timed('PATCH', PATHS.deployments(namespace, name, 'scale'), () =>
          this.apps.patchNamespacedDeploymentScale(
            { name, namespace, body: { spec: { replicas } }, fieldManager: FIELD_MANAGER },
            mergePatch,
          ),
        ),
      this.timeoutMs,
    );
  }

  async ping(): Promise<void> {
    await kubeCall(
      'get version',
      () => this.timed('GET', '/version', () => this.version.getCode()),
      Math.min(this.timeoutMs, 5_000),
    );
  }

  /** A call of client-node's typed APIs (which bypass `KubeHttp`), recorded like `KubeHttp`'s own requests. */
  private async timed<T>(method: string, path: string, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    let code: number | undefined;
    try {
      const result = await call();
      code = 200; // the typed APIs do not say which 2xx it was
      return result;
    } catch (error) {
      code = statusCodeOf(error);
      throw error;
    } finally {
      this.metrics.kubeRequest(method, path, code, (performance.now() - started) / 1000);
    }
  }

  /** Closes the pooled connections (watches in progress end). */
  close(): Promise<void> {
    return this.http.close();
  }
}
