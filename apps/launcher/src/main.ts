/**
 * `npm start`: the whole local platform on loopback. etcd and Redis keep their data under `.local/`, cite's apps
 * run from `dist/` under a supervisor that restarts them, and one banner says where everything is.
 * Ctrl-C (or SIGTERM) stops every child this process started, by PID.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  Supervisor,
  clearPid,
  freePort,
  recordPid,
  startEtcd,
  startRedis,
  startRegistry,
  stopLeftover,
  type ManagedProcess,
} from '@cite/local-services';

const root = path.resolve(import.meta.dirname, '../../..');
const local = path.join(root, '.local');
const runDir = path.join(local, 'run');
/** cite's own processes, in start order. The deployer and watcher join as they land. */
const apps = ['local-cluster', 'api', 'deployer'] as const;
const apiPort = Number(process.env['CITE_API_PORT'] ?? 8080);

function say(line: string) {
  process.stdout.write(`cite: ${line}\n`);
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function preferredPort(port: number): Promise<number> {
  return (await portFree(port)) ? port : freePort();
}

/** The bootstrap admin token: made once, kept in .local/admin-token (0600), never printed. */
function adminToken(): string {
  const file = path.join(local, 'admin-token');
  if (process.env['CITE_ADMIN_TOKEN']) return process.env['CITE_ADMIN_TOKEN'];
  if (!fs.existsSync(file))
    fs.writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

async function waitReady(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

fs.mkdirSync(local, { recursive: true });
for (const name of ['etcd', 'redis', 'registry', ...apps]) {
  const pid = await stopLeftover(runDir, name);
  if (pid) say(`stopped ${name} (pid ${pid}) left over from an earlier run`);
}
if (!(await portFree(apiPort))) {
  say(`port ${apiPort} is taken by another program; stop it or set CITE_API_PORT`);
  process.exit(1);
}

const started: ManagedProcess[] = [];
let supervisor: Supervisor | undefined;
let shuttingDown = false;

async function shutdown(code: number) {
  if (shuttingDown) return;
  shuttingDown = true;
  say('stopping…');
  await supervisor?.stopAll();
  for (const name of apps) clearPid(runDir, name);
  for (const p of started.reverse()) await p.stop();
  clearPid(runDir, 'etcd');
  clearPid(runDir, 'redis');
  clearPid(runDir, 'registry');
  say('stopped');
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  const etcdDir = path.join(local, 'etcd');
  const etcd = await startEtcd({
    dataDir: etcdDir,
    clientPort: await preferredPort(2379),
    peerPort: await preferredPort(2380),
    detached: true,
  });
  started.push(etcd);
  recordPid(runDir, 'etcd', etcd.pid, etcdDir);
  const redisDir = path.join(local, 'redis');
  const redis = await startRedis({
    dataDir: redisDir,
    port: await preferredPort(6379),
    appendOnly: true,
    detached: true,
  });
  started.push(redis);
  recordPid(runDir, 'redis', redis.pid, redisDir);

  // The registry kubelets pull from: images pushed here (`npm run push-image -- demo/web:1`) run, others fail
  // with ImagePullBackOff. Port 5000 when free, so image references in the README work as written.
  const registryDir = path.join(local, 'registry');
  const registry = await startRegistry({
    dataDir: registryDir,
    port: await preferredPort(5000),
    detached: true,
  });
  started.push(registry);
  recordPid(runDir, 'registry', registry.pid, registry.configFile);
  fs.writeFileSync(path.join(registryDir, 'url'), `${registry.url}\n`);

  const clusterPort = await preferredPort(6443);
  const kubeconfig = path.join(local, 'kubeconfig');
  const env: Record<string, string> = {
    CITE_ETCD_ENDPOINTS: etcd.endpoint,
    CITE_REDIS_URL: redis.url,
    CITE_API_HOST: '127.0.0.1',
    CITE_API_PORT: String(apiPort),
    CITE_ADMIN_TOKEN: adminToken(),
    CITE_KUBECONFIG: kubeconfig,
    CITE_LOCAL_CLUSTER_PORT: String(clusterPort),
    CITE_LOCAL_CLUSTER_KUBECONFIG: kubeconfig,
    CITE_LOCAL_CLUSTER_SNAPSHOT: path.join(local, 'cluster-snapshot.json'),
    // Only local-cluster checks the registry: a missing tag then fails the way it does on a real cluster
    // (ImagePullBackOff after the progress deadline, then the automatic rollback). CITE_REGISTRY_URL on the
    // deployer would instead fail it at once with "image not found" and no rollback; set it to try that.
    CITE_LOCAL_CLUSTER_REGISTRY_URL: registry.url,
    // A broken image fails after 30 s locally rather than the production default of 120 s.
    // (The apps inherit the launcher's environment, so CITE_REGISTRY_URL=… npm start sets it on the deployer.)
    CITE_DEPLOYER_PROGRESS_DEADLINE_SECONDS: process.env['CITE_DEPLOYER_PROGRESS_DEADLINE_SECONDS'] ?? '30',
  };
  supervisor = new Supervisor(
    path.join(local, 'logs'),
    {
      onExit: (app, code, signal, delay) =>
        say(
          `${app} exited (${signal ?? `code ${code}`}); restarting in ${delay} ms — see .local/logs/${app}.log`,
        ),
    },
    true,
  );
  for (const app of apps) {
    const entry = path.join(root, 'dist', 'apps', app, 'main.mjs');
    supervisor.start({ name: app, entry, env });
    if (app === 'local-cluster' && !(await waitReady(`http://127.0.0.1:${clusterPort}/readyz`, 30_000))) {
      say('the local cluster did not become ready in 30 s — see .local/logs/local-cluster.log');
      await shutdown(1);
    }
  }
  for (const [name, pid] of Object.entries(supervisor.pids()))
    recordPid(runDir, name, pid, path.join('dist', 'apps', name));

  const api = `http://localhost:${apiPort}`;
  if (!(await waitReady(`http://127.0.0.1:${apiPort}/readyz`, 60_000))) {
    say(`the api did not become ready in 60 s — see .local/logs/api.log`);
    await shutdown(1);
  }
  process.stdout.write(
    [
      '',
      '  cite is running',
      `    UI and API   ${api}`,
      `    readiness    ${api}/readyz`,
      `    admin token  .local/admin-token   (export CITE_TOKEN=$(cat .local/admin-token))`,
      `    etcd         ${etcd.endpoint}   data in .local/etcd`,
      `    redis        ${redis.url}   data in .local/redis`,
      `    registry     ${registry.url}   images ${registry.host}/<repo>:<tag>, data in .local/registry`,
      `    push image   npm run push-image -- demo/web:1   (a minimal one-layer image into the registry)`,
      `    cluster      http://127.0.0.1:${clusterPort}   KUBECONFIG=.local/kubeconfig kubectl get nodes`,
      `    logs         .local/logs/`,
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
} catch (error) {
  say(`could not start: ${(error as Error).message}`);
  await shutdown(1);
}
