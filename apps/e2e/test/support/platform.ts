/**
 * The local platform for end-to-end tests, as `npm start` runs it: a private etcd, Redis and docker-registry,
 * and local-cluster, api and deployer built and started as processes, with small simulated delays. Every wait
 * polls with a deadline.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeCluster } from '@cite/kube';
import { startRegistry, type RunningRegistry } from '@cite/local-services';
import {
  freePort,
  runApp,
  startEtcd,
  startRedis,
  type AppProcess,
  type RunningEtcd,
  type RunningRedis,
} from '@cite/test-support';

export const TOKEN = 'e2e-admin-token-0123456789abcdefghijklmnopqrstuvwxyz';

export interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function until<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  for (;;) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch {
      // not there yet
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${ms} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What a run of `cite-batch` ended with. */
export interface BatchRun {
  /** The exit code (0: the task succeeded), or the signal that ended it. */
  code: number | string;
  /** stdout and stderr together. */
  output: string;
}

export interface Platform {
  /** The api's base URL (`http://127.0.0.1:<port>`). */
  base: string;
  registry: RunningRegistry;
  cluster: KubeCluster;
  /** local-cluster's kubeconfig file. */
  kubeconfig: string;
  /** The platform's etcd (`http://127.0.0.1:<port>`; cite's keys under `etcdPrefix`). */
  etcdEndpoint: string;
  /** cite's key prefix in that etcd (`/cite/v1/`, the default, unless `env` set `CITE_ETCD_PREFIX`). */
  etcdPrefix: string;
  /**
   * Runs the real `cite-batch <args>` (`apps/batch/src/main.ts`, bundled by `buildApp('batch')`) as a child
   * process against this platform's etcd and cluster, as `npm start`'s scheduler would; resolves when it exits.
   */
  batch(...args: string[]): Promise<BatchRun>;
  /** An API call as the bootstrap admin. */
  call(method: string, route: string, body?: unknown): Promise<Answer>;
  stop(): Promise<void>;
}

/**
 * Starts the platform; `env` is added to the api's and deployer's environment. With `checkImages`, the deployer
 * checks images on the platform's registry before deploying (`CITE_REGISTRY_URL`).
 */
export async function startPlatform(
  env: Record<string, string> = {},
  options: {
    checkImages?: boolean;
    /** Runs a watcher too (live pod status, domains, the IP map). */
    watcher?: boolean;
    /** The built web UI the api serves at `/` (`CITE_WEB_DIR`). */
    webDir?: string;
  } = {},
): Promise<Platform> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-e2e-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  const apps: AppProcess[] = [];
  let etcd: RunningEtcd | undefined;
  let redis: RunningRedis | undefined;
  let registry: RunningRegistry | undefined;
  const stop = async () => {
    for (const app of apps.reverse()) await app.stop('SIGTERM');
    await Promise.all([registry?.stop(), redis?.stop(), etcd?.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    [etcd, redis, registry] = await Promise.all([
      startEtcd({ dataDir: path.join(dir, 'etcd') }),
      startRedis({ dataDir: path.join(dir, 'redis'), appendOnly: false }),
      startRegistry({ dataDir: path.join(dir, 'registry') }),
    ]);
    const localCluster = await runApp('local-cluster', {
      CITE_LOCAL_CLUSTER_PORT: '0',
      CITE_LOCAL_CLUSTER_KUBECONFIG: kubeconfig,
      CITE_LOCAL_CLUSTER_REGISTRY_URL: registry.url,
      CITE_LOCAL_CLUSTER_CONTAINER_CREATING_MS: '20',
      CITE_LOCAL_CLUSTER_START_MS: '50',
      CITE_LOCAL_CLUSTER_READY_MS: '50',
    });
    apps.push(localCluster);
    await localCluster.waitForOutput(/kubeconfig: .+\n/, 30_000);
    const apiPort = await freePort();
    const appEnv = {
      CITE_ETCD_ENDPOINTS: etcd.endpoint,
      CITE_REDIS_URL: redis.url,
      CITE_KUBECONFIG: kubeconfig,
      CITE_ADMIN_TOKEN: TOKEN,
      CITE_API_HOST: '127.0.0.1',
      CITE_API_PORT: String(apiPort),
      CITE_LOG_LEVEL: 'warn',
      CITE_DEPLOYER_PROGRESS_DEADLINE_SECONDS: '5',
      ...(options.checkImages ? { CITE_REGISTRY_URL: registry.url } : {}),
      ...(options.webDir ? { CITE_WEB_DIR: options.webDir } : {}),
      ...env,
    };
    apps.push(
      ...(await Promise.all([
        runApp('api', appEnv),
        runApp('deployer', appEnv),
        ...(options.watcher ? [runApp('watcher', { ...appEnv, CITE_LOG_LEVEL: 'info' })] : []),
      ])),
    );
    if (options.watcher) await apps.at(-1)!.waitForOutput('watcher converged', 30_000);
    const base = `http://127.0.0.1:${apiPort}`;
    await until(
      'the api to be ready',
      () => fetch(`${base}/readyz`).then((r) => r.status),
      (s) => s === 200,
    );
    const call = async (method: string, route: string, body?: unknown): Promise<Answer> => {
      const res = await fetch(`${base}/api/v1${route}`, {
        method,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    const etcdEndpoint = etcd.endpoint;
    const etcdPrefix = env['CITE_ETCD_PREFIX'] ?? '/cite/v1/';
    const batch = async (...args: string[]): Promise<BatchRun> => {
      const run = await runApp(
        'batch',
        {
          CITE_ETCD_ENDPOINTS: etcdEndpoint,
          CITE_ETCD_PREFIX: etcdPrefix,
          CITE_KUBECONFIG: kubeconfig,
          CITE_LOG_LEVEL: 'warn',
        },
        args,
      );
      const timer = setTimeout(() => void run.stop('SIGKILL'), 120_000);
      try {
        return { code: await run.exited, output: run.output() };
      } finally {
        clearTimeout(timer);
      }
    };
    return {
      base,
      registry,
      cluster: KubeCluster.fromKubeconfig({ kubeconfigPath: kubeconfig }),
      kubeconfig,
      etcdEndpoint,
      etcdPrefix,
      batch,
      call,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
