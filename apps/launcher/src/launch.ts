/**
 * The whole local platform on loopback: etcd, Redis, the registry and the logs' search engine (an embedded
 * OpenSearch, when Java is installed) keep their data under the local directory, cite's apps run from their
 * bundles, and all of them run under supervisors that start a process again when it dies. One banner says where
 * everything is once the api this run started answers `/readyz`. SIGINT, SIGTERM or SIGHUP (and, under npm, npm
 * going away) stops every process this one started, by PID, and exits.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  ProcessStartError,
  Supervisor,
  clearPid,
  describeExit,
  openSearchAvailable,
  recordPid,
  releaseRunLock,
  startEtcd,
  startOpenSearch,
  startRedis,
  startRegistry,
  takeRunLock,
  type Exit,
} from '@cite/local-services';
import { banner } from './banner';
import { BatchScheduler, batchEnvFile, batchLogFile } from './batch-schedule';
import { APPS, foreignUsers, stopLeftovers } from './preflight';
import { choosePort, portFree, waitReady } from './ready';
import { logsUrl, searchEngine } from './search-engine';
import type { LauncherSettings } from './settings';

/** A reason not to start that is the whole message. */
class Refusal extends Error {}

function say(line: string) {
  process.stdout.write(`cite: ${line}\n`);
}

/** `p` relative to the working directory when it is below it (`.local/logs`), absolute otherwise. */
function show(p: string): string {
  const relative = path.relative(process.cwd(), p);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : p;
}

/** The bootstrap admin token: made once, kept in `<localDir>/admin-token` (0600), never printed. */
function adminToken(localDir: string, given: string | undefined): string {
  if (given) return given;
  const file = path.join(localDir, 'admin-token');
  if (!fs.existsSync(file))
    fs.writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

/** Calls `onGone` once this process's parent has died (it then has another parent). */
function watchParent(onGone: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, 250);
  timer.unref();
}

/** etcd, Redis and the registry, one after another (each resolves once it answers), their data under `local`. */
async function startServers(
  servers: Supervisor,
  local: string,
  port: (preferred: number) => Promise<number>,
) {
  const etcdOptions = {
    dataDir: path.join(local, 'etcd'),
    clientPort: await port(2379),
    peerPort: await port(2380),
    detached: true,
  };
  const etcd = await servers.startService({ name: 'etcd', start: () => startEtcd(etcdOptions) });
  const redisOptions = {
    dataDir: path.join(local, 'redis'),
    port: await port(6379),
    appendOnly: true,
    detached: true,
  };
  const redis = await servers.startService({ name: 'redis', start: () => startRedis(redisOptions) });
  // The registry kubelets pull from: images pushed here (`npm run push-image -- demo/web:1`) run, others fail
  // with ImagePullBackOff. Port 5000 when free, so image references in the README work as written.
  const registryOptions = { dataDir: path.join(local, 'registry'), port: await port(5000), detached: true };
  const registry = await servers.startService({
    name: 'registry',
    start: () => startRegistry(registryOptions),
  });
  fs.writeFileSync(path.join(registryOptions.dataDir, 'url'), `${registry.url}\n`);
  return { etcd, redis, registry };
}

export async function launch(s: LauncherSettings): Promise<void> {
  // Output may outlive its reader (npm exits first): a failed write must not stop the shutdown.
  process.stdout.on('error', () => undefined);
  const local = s.localDir;
  const runDir = path.join(local, 'run');
  fs.mkdirSync(local, { recursive: true });
  const lock = takeRunLock(runDir);
  if (!lock.ok) {
    say(
      `cite is already running from ${show(local)} (launcher pid ${lock.pid}); stop that one first: kill ${lock.pid}`,
    );
    process.exit(1);
  }

  const recorded = new Set<string>();
  const record = (name: string, pid: number) => {
    recordPid(runDir, name, pid);
    recorded.add(name);
  };
  const restarting =
    (logOf: (name: string) => string) => (name: string, why: Exit | Error, delayMs: number) =>
      say(
        `${name} ${describeExit(why)}; starting it again in ${delayMs / 1000} s — see ${show(logOf(name))}`,
      );
  const logs = path.join(local, 'logs');
  const servers = new Supervisor(
    logs,
    { onStart: record, onExit: restarting((name) => path.join(local, name, `${name}.log`)) },
    true,
  );
  const apps = new Supervisor(
    logs,
    { onStart: record, onExit: restarting((name) => path.join(logs, `${name}.log`)) },
    true,
    s.parentEnv,
  );

  let stopping = false;
  let scheduler: BatchScheduler | undefined;
  const stop = async (code: number, why = 'stopping…') => {
    if (stopping) return;
    stopping = true;
    say(why);
    await scheduler?.stop();
    fs.rmSync(path.join(runDir, 'batch.env'), { force: true });
    await apps.stopAll();
    await servers.stopAll();
    for (const name of recorded) clearPid(runDir, name);
    releaseRunLock(runDir);
    say('stopped');
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(0));
  if (s.watchParent) watchParent(() => void stop(0, 'the process that started cite is gone; stopping…'));

  try {
    for (const line of await stopLeftovers(runDir)) say(line);
    const foreign = foreignUsers(local, show);
    if (foreign) throw new Refusal(foreign);
    if (!(await portFree(s.apiPort)))
      throw new Refusal(`port ${s.apiPort} is taken by another program; stop it or set CITE_API_PORT`);

    const port = (preferred: number) => choosePort(preferred, s.wellKnownPorts);
    // A JVM takes seconds to answer: the engine starts first, the other servers and the local cluster start
    // meanwhile, and only the apps that write logs wait for it.
    const engine = searchEngine({
      given: s.logsUrl,
      available: () => openSearchAvailable(),
      start: async () => {
        const options = { dataDir: path.join(local, 'opensearch'), port: await port(9200), detached: true };
        return servers.startService({ name: 'opensearch', start: () => startOpenSearch(options) });
      },
    });
    const { etcd, redis, registry } = await startServers(servers, local, port);

    const clusterPort = await port(6443);
    const kubeconfig = path.join(local, 'kubeconfig');
    const env: Record<string, string> = {
      ...s.appEnv,
      CITE_ETCD_ENDPOINTS: etcd.endpoint,
      CITE_REDIS_URL: redis.url,
      CITE_API_HOST: '127.0.0.1',
      CITE_API_PORT: String(s.apiPort),
      CITE_ADMIN_TOKEN: adminToken(local, s.adminToken),
      CITE_KUBECONFIG: kubeconfig,
      CITE_LOCAL_CLUSTER_PORT: String(clusterPort),
      CITE_LOCAL_CLUSTER_KUBECONFIG: kubeconfig,
      CITE_LOCAL_CLUSTER_SNAPSHOT: path.join(local, 'cluster-snapshot.json'),
      // Only local-cluster checks the registry: a missing tag then fails the way it does on a real cluster
      // (ImagePullBackOff after the progress deadline, then the automatic rollback). CITE_REGISTRY_URL on the
      // deployer would instead fail it at once with "image not found" and no rollback; set it to try that.
      CITE_LOCAL_CLUSTER_REGISTRY_URL: registry.url,
    };
    const ready = (name: string, port: number, timeoutMs: number) =>
      waitReady({
        url: `http://127.0.0.1:${port}/readyz`,
        port,
        pid: () => apps.pids()[name],
        timeoutMs,
        cancelled: () => stopping,
      });
    const startApp = (app: string, appEnv: Record<string, string>) =>
      apps.start({ name: app, entry: path.join(s.appsDir, app, 'main.mjs'), env: appEnv });
    const [cluster, ...logging] = APPS;
    startApp(cluster, env);
    if (!(await ready(cluster, clusterPort, 30_000)))
      throw new Refusal(
        `the local cluster did not become ready in 30 s — see ${show(apps.logFile(cluster))}`,
      );
    const search = await engine;
    if (stopping) return;
    if (search.kind === 'failed') say(`${search.reason}; carrying on without it (logs search off)`);
    const url = logsUrl(search);
    for (const app of logging) startApp(app, url ? { ...env, CITE_LOGS_URL: url } : env);
    if (!(await ready('api', s.apiPort, 60_000)))
      throw new Refusal(`the api did not become ready in 60 s — see ${show(apps.logFile('api'))}`);
    if (stopping) return;
    // The batch tasks on their schedules, each run a `cite-batch` process as a CronJob's pod would be.
    fs.mkdirSync(s.backupDir, { recursive: true });
    scheduler = new BatchScheduler({
      schedules: s.batchSchedules,
      entry: path.join(s.appsDir, 'batch', 'main.mjs'),
      env: {
        ...s.parentEnv,
        ...(url ? { ...env, CITE_LOGS_URL: url } : env),
        CITE_BATCH_BACKUP_DIR: s.backupDir,
      },
      logFile: batchLogFile(logs),
      onEnd: (run) => {
        if (run.exit !== 0) say(`batch ${run.task} exited ${run.exit} — see ${show(batchLogFile(logs))}`);
      },
    });
    scheduler.start();
    fs.writeFileSync(
      path.join(runDir, 'batch.env'),
      batchEnvFile({
        CITE_ETCD_ENDPOINTS: etcd.endpoint,
        CITE_REDIS_URL: redis.url,
        CITE_KUBECONFIG: kubeconfig,
        CITE_BATCH_BACKUP_DIR: s.backupDir,
        ...(url ? { CITE_LOGS_URL: url } : {}),
      }),
      { mode: 0o600 },
    );
    process.stdout.write(
      banner({
        apiPort: s.apiPort,
        local: show(local),
        etcd: etcd.endpoint,
        redis: redis.url,
        registryUrl: registry.url,
        registryHost: registry.host,
        clusterPort,
        searchEngine: search,
        batch: Object.keys(s.batchSchedules),
      }),
    );
  } catch (error) {
    if (stopping) return;
    // A server that could not start says which program and why (not installed, exited with its output, …).
    const whole = error instanceof Refusal || error instanceof ProcessStartError;
    say(whole ? (error as Error).message : `could not start: ${(error as Error).message}`);
    await stop(1);
  }
}
