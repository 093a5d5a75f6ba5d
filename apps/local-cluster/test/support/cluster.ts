/**
 * The cluster a test file talks to: local-cluster started for it, or the real cluster `CITE_TEST_KUBECONFIG`
 * names (then `stop()` only deletes the namespaces the file created). Tests reach it only through
 * @kubernetes/client-node, kubectl, or `rawRequest` (client-node's TLS and credentials on a plain request).
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { ApiException, AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { LocalCluster, type LocalClusterOptions } from '../../src/cluster';
import { realClusterKubeconfig } from './emulator-only';

export { EventQueue, type WatchEvent } from './watch';
export { emulatorOnly, onRealCluster } from './emulator-only';

export interface TestCluster {
  url: string;
  kubeconfigPath: string;
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  /** False on a real cluster (CITE_TEST_KUBECONFIG). */
  emulated: boolean;
  /** Namespaces made by createNamespace; on a real cluster stop() deletes them. */
  namespaces: string[];
  /** Stops / starts a node's simulated kubelet (`RunningLocalCluster.stopKubelet`); emulator only. */
  stopKubelet(node: string): Promise<void>;
  startKubelet(node: string): Promise<void>;
  stop(): Promise<void>;
}

/** A quiet logger for the controllers (their warnings would clutter test output). */
export const quietLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Zero simulated delays: pods run and become ready as soon as they are scheduled. */
export const ZERO_DELAYS = { containerCreatingMs: 0, startMs: 0, readyMs: 0, logIntervalMs: 1000 };

const noKubelets = async (): Promise<void> => {
  throw new Error('a real cluster has no simulated kubelets to stop or start');
};

function handle(
  kubeConfig: KubeConfig,
  kubeconfigPath: string,
  emulated: boolean,
  stop: () => Promise<void>,
  kubelets: Pick<TestCluster, 'stopKubelet' | 'startKubelet'> = {
    stopKubelet: noKubelets,
    startKubelet: noKubelets,
  },
): TestCluster {
  return {
    ...kubelets,
    url: kubeConfig.getCurrentCluster()?.server ?? '',
    kubeconfigPath,
    kubeConfig,
    core: kubeConfig.makeApiClient(CoreV1Api),
    apps: kubeConfig.makeApiClient(AppsV1Api),
    emulated,
    namespaces: [],
    stop,
  };
}

/**
 * local-cluster without controllers (they would change what the test observes) unless `controllers: true`;
 * on a real cluster the options are ignored and its own controllers run.
 */
export async function startTestCluster(options: LocalClusterOptions = {}): Promise<TestCluster> {
  const external = realClusterKubeconfig();
  if (external) {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(external);
    const cluster: TestCluster = handle(kubeConfig, external, false, async () => {
      await Promise.allSettled(
        cluster.namespaces.map((name) =>
          cluster.core.deleteNamespace({ name, propagationPolicy: 'Background' }),
        ),
      );
    });
    return cluster;
  }
  const local = await LocalCluster.start({ controllers: false, controllerLogger: quietLogger, ...options });
  return handle(local.kubeConfig, local.kubeconfigPath, true, () => local.stop(), {
    stopKubelet: (node) => local.stopKubelet(node),
    startKubelet: (node) => local.startKubelet(node),
  });
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/**
 * A namespace of its own for a test or file (isolation on a shared real cluster), deleted at the end there.
 * Resolves once its `default` ServiceAccount exists (`waitForDefaultServiceAccount`), so the file can create
 * pods in it at once, on a real cluster as on local-cluster.
 */
export async function createNamespace(cluster: TestCluster, prefix = 'test'): Promise<string> {
  const name = uniqueName(prefix);
  await cluster.core.createNamespace({ body: { metadata: { name, labels: { 'cite.dev/test': 'true' } } } });
  cluster.namespaces.push(name);
  await waitForDefaultServiceAccount(cluster, name);
  return name;
}

/**
 * Waits until `namespace` has its `default` ServiceAccount. A real cluster's controller-manager makes it a
 * moment after the namespace, and until then pods without serviceAccountName are refused (403, "error looking
 * up service account"), so a client creating pods in a namespace it has just made waits for it, as tests do.
 */
export async function waitForDefaultServiceAccount(
  cluster: Pick<TestCluster, 'core'>,
  namespace: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await cluster.core.readNamespacedServiceAccount({ name: 'default', namespace });
      return;
    } catch (error) {
      if (!(error instanceof ApiException) || error.code !== 404) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`no default ServiceAccount in ${namespace} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface StatusBody {
  kind?: string;
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
  };
}

/** The Status a failed call answered with (ApiException bodies are strings or parsed objects). */
export async function failure(call: Promise<unknown>): Promise<{ code: number; status: StatusBody }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const body =
      typeof error.body === 'string' ? (JSON.parse(error.body) as StatusBody) : (error.body as StatusBody);
    return { code: error.code, status: body };
  }
  throw new Error('expected the call to fail');
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

/**
 * A plain HTTP(S) request to the API server with the kubeconfig's TLS settings and credentials, for what the
 * typed clients cannot send (an Accept header of choice, a path such as /openapi/v3, a wrong verb).
 */
export async function rawRequest(
  cluster: Pick<TestCluster, 'url' | 'kubeConfig'>,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; credentials?: boolean } = {},
): Promise<RawResponse> {
  const url = new URL(path, cluster.url);
  const options: RequestOptions = { method: init.method ?? 'GET', headers: {} };
  if (init.credentials !== false) await cluster.kubeConfig.applyToHTTPSOptions(options);
  options.headers = { ...(options.headers as Record<string, string>), ...init.headers };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  if (url.protocol !== 'https:') delete options.agent;
  return new Promise((resolve, reject) => {
    const request = send(url, options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          text,
          json: <T>() => JSON.parse(text) as T,
        });
      });
      response.on('error', reject);
    });
    request.setTimeout(10_000, () => request.destroy(new Error(`${path}: no response in 10 s`)));
    request.on('error', reject);
    request.end(init.body);
  });
}
