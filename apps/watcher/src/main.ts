/**
 * cite-watcher: keeps cite's records of what the cluster runs — domains from Ingresses, load-balancer
 * endpoints from Services and EndpointSlices, the IP map from pods and nodes, each service's observed status —
 * in etcd. Any number of replicas campaign in `election/watcher/`; the leader does the work, the others stand
 * by and take over within the election's TTL. Wiring only; the deciding lives in @cite/observe.
 */
import os from 'node:os';
import { loadConfigOrExit } from '@cite/config';
import { exitOnSignals } from '@cite/http';
import { KubeCluster, KubeHttp, PATHS } from '@cite/kube';
import { appLogging } from '@cite/log-store';
import { createMetrics, serveMetrics } from '@cite/metrics';
import { MetadataStore } from '@cite/store';
import { LogShipper } from './log-shipper';
import { Watcher } from './watcher';

const config = loadConfigOrExit(process.env, 'watcher');
// With a search engine, this process's own log lines go there too (never waiting for it), besides stdout.
const logging = appLogging('watcher', { level: config.log.level, logsUrl: config.logs.url });
const { logger, logs: logStore } = logging;
const candidate = `${os.hostname()}/${process.pid}`;
const metrics = createMetrics();
const metricsServer = await serveMetrics(metrics, {
  host: config.watcher.metricsHost,
  port: config.watcher.metricsPort,
  token: config.metrics.token,
});
const store = await MetadataStore.create({
  endpoints: config.etcd.endpoints,
  prefix: config.etcd.prefix,
  timeoutMs: config.etcd.timeoutMs,
  metrics,
  verify: false,
});
const cluster = KubeCluster.fromKubeconfig({ kubeconfigPath: config.kube.kubeconfig, metrics });
const http = new KubeHttp(cluster.kubeConfig, { metrics });
metrics.watcherLeading(false);
const logs = logStore;

const leadership = await store.etcd.campaign('watcher', candidate, {
  ttlSeconds: config.watcher.electionTtlSeconds,
});
logger.info('watcher ready', {
  cluster: cluster.server,
  logs: config.logs.url ?? null,
  candidate,
  metrics: `${metricsServer.url}/metrics`,
});

let watcher: Watcher | undefined;
let shuttingDown = false;

async function lead(): Promise<void> {
  await leadership.whenElected();
  logger.info('watcher leads', { candidate });
  metrics.watcherLeading(true);
  const started = performance.now();
  // With a search engine, the leader ships the containers' logs there too (from where the last leader stopped).
  const shipper =
    logs && config.logs.shipper
      ? new LogShipper({
          store,
          logs,
          logger,
          follow: (namespace, pod, query, signal) =>
            http.textLines(PATHS.pods(namespace, pod, 'log'), {
              query: { follow: 'true', timestamps: 'true', ...query },
              signal,
              idleMs: 10 * 60_000,
            }),
        })
      : undefined;
  watcher = new Watcher({
    http,
    store,
    leadership,
    vips: config.watcher.lbVips,
    logger,
    metrics,
    ...(shipper ? { shipper } : {}),
  });
  await watcher.start();
  logger.info('watcher converged', { ms: Math.round(performance.now() - started) });
  await Promise.race([watcher.failed, leadership.whenEnded()]);
}

// Leading ends only with the process: a watcher that loses its lease (etcd unreachable longer than the TTL)
// stops writing at once (etcd refuses its guarded writes anyway) and exits, and its supervisor starts it
// again as a fresh candidate.
lead().then(
  () => {
    if (shuttingDown) return;
    logger.error('watcher lost its leadership; exiting to campaign again');
    process.exit(1);
  },
  (error: unknown) => {
    if (shuttingDown) return;
    logger.error('watcher stopped', { error: String(error) });
    process.exit(1);
  },
);

exitOnSignals(async () => {
  shuttingDown = true;
  await watcher?.stop();
  await leadership.resign().catch(() => undefined);
  await http.close();
  await logging.close();
  await store.close();
  await metricsServer.close();
}, logger);
