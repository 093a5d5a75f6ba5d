/**
 * The control plane as the benches run it: etcd, Redis, local-cluster (zero simulated delays), api and deployer,
 * each its own process (the apps from the bundles `npm start` uses), on loopback only, with their data and logs
 * in a fresh temporary directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  freePort,
  startEtcd,
  startRedis,
  waitForPort,
  type RunningEtcd,
  type RunningRedis,
} from '../../libs/local-services/src/index';
import { apiClient, type ApiCall } from './api-client';
import { startApp, stopApp, type App, type AppOptions } from './app-process';
import { childrenOf, cpuOf } from './proc-stats';
import { verdictOf, type Verdict } from './release-events';
import { createServices, deploy } from './services';
import { waitFor } from './wait-for';

export const TOKEN = 'bench-admin-token-0123456789abcdefghijklmnop';
/** The warm-up service's team: another namespace than the measured services', whose first deploys create theirs. */
const WARM_UP_TEAM = 'bench-warm-up';

export interface Stack {
  /** Data, logs and diagnostic reports. */
  dir: string;
  etcd: RunningEtcd;
  redis: RunningRedis;
  cluster: App;
  api: App;
  deployer: App;
  /** Base URL of the api. */
  base: string;
  clusterUrl: string;
  call: ApiCall;
  /** Where the apps write diagnostic reports (see `heapUsedOf`), when started with `heapReports`. */
  reportDir?: string;
  verdictOf(service: string, release: number): Promise<Verdict>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Names the temporary directory: `cite-bench-<name>-…`. */
  name: string;
  cpuProfileDir?: string;
  /** Start the api and deployer so that `heapUsedOf` can read their V8 heap. */
  heapReports?: boolean;
  /** More environment for the api and the deployer (`CITE_GITHUB_WEBHOOK_SECRET`, …). */
  env?: Record<string, string>;
}

async function startCluster(appOptions: AppOptions, kubeconfig: string): Promise<[App, string]> {
  const cluster = startApp(
    'local-cluster',
    {
      CITE_LOCAL_CLUSTER_PORT: '0',
      CITE_LOCAL_CLUSTER_KUBECONFIG: kubeconfig,
      CITE_LOCAL_CLUSTER_CONTAINER_CREATING_MS: '0',
      CITE_LOCAL_CLUSTER_START_MS: '0',
      CITE_LOCAL_CLUSTER_READY_MS: '0',
    },
    appOptions,
  );
  let url = '';
  await waitFor('local-cluster', () => {
    url = /listening on (\S+)/.exec(cluster.output())?.[1] ?? '';
    return url !== '' && fs.existsSync(kubeconfig);
  });
  return [cluster, url];
}

/** Starts everything, waits for the api's /readyz and for the deployer to bring a warm-up release to a verdict. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cite-bench-${options.name}-`));
  const reportDir = options.heapReports ? path.join(dir, 'reports') : undefined;
  if (reportDir) fs.mkdirSync(reportDir);
  const etcd = await startEtcd({ dataDir: path.join(dir, 'etcd') });
  const redis = await startRedis({ dataDir: path.join(dir, 'redis'), appendOnly: false });
  const apps: App[] = [];
  const stop = async () => {
    for (const app of [...apps].reverse()) await stopApp(app);
    await redis.stop();
    await etcd.stop();
  };
  try {
    const appOptions = { logDir: dir, cpuProfileDir: options.cpuProfileDir };
    const kubeconfig = path.join(dir, 'kubeconfig');
    const [cluster, clusterUrl] = await startCluster(appOptions, kubeconfig);
    apps.push(cluster);
    const apiPort = await freePort();
    const env = {
      CITE_ETCD_ENDPOINTS: etcd.endpoint,
      CITE_REDIS_URL: redis.url,
      CITE_API_HOST: '127.0.0.1',
      CITE_API_PORT: String(apiPort),
      CITE_ADMIN_TOKEN: TOKEN,
      CITE_KUBECONFIG: kubeconfig,
      ...options.env,
    };
    const api = startApp('api', env, { ...appOptions, reportDir });
    apps.push(api);
    const deployer = startApp('deployer', env, { ...appOptions, reportDir });
    apps.push(deployer);
    await waitForPort(apiPort);
    const base = `http://127.0.0.1:${apiPort}`;
    await waitFor(
      'api /readyz',
      async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.ok === true,
    );
    const call = apiClient(base, TOKEN);
    const stack: Stack = {
      dir,
      etcd,
      redis,
      cluster,
      api,
      deployer,
      base,
      clusterUrl,
      call,
      reportDir,
      stop,
      verdictOf: (service, release) => verdictOf(base, TOKEN, service, release),
    };
    await warmUpDeployer(stack);
    return stack;
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The deployer has no readiness endpoint yet: a release of a service of another team brought to its verdict
 * proves that it is up and taking jobs, so that no measured deploy waits for its start-up.
 */
async function warmUpDeployer(stack: Stack): Promise<void> {
  await createServices(stack.call, ['warm-up'], 1, WARM_UP_TEAM);
  const { release } = await deploy(stack.call, 'warm-up', `registry.local/${WARM_UP_TEAM}/warm-up:1`);
  const verdict = await stack.verdictOf('warm-up', release);
  if (verdict.status !== 'succeeded')
    throw new Error(`warm-up release ${verdict.status}: ${verdict.message}`);
}

export interface CpuUse {
  name: string;
  /** CPU seconds used so far, the process's live children included. */
  seconds: number;
  /** Of `seconds`, used by live child processes (local-cluster's controllers). */
  children: number;
}

/** CPU seconds used so far by each process of the stack and by the bench itself. */
export function cpuUse(stack: Stack): CpuUse[] {
  const of = (name: string, pid: number): CpuUse => ({
    name,
    seconds: cpuOf(pid),
    children: childrenOf(pid).reduce((sum, child) => sum + cpuOf(child), 0),
  });
  const own = process.cpuUsage();
  return [
    ...[stack.cluster, stack.deployer, stack.api].map((app) => of(app.name, app.pid)),
    of('etcd', stack.etcd.pid),
    of('redis', stack.redis.pid),
    { name: 'bench client', seconds: (own.user + own.system) / 1e6, children: 0 },
  ];
}

/** CPU seconds each process used between two `cpuUse` snapshots. */
export function cpuBetween(before: CpuUse[], after: CpuUse[]): CpuUse[] {
  return after.map((a, i) => ({
    name: a.name,
    seconds: a.seconds - before[i]!.seconds,
    children: a.children - before[i]!.children,
  }));
}
