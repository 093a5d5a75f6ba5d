/**
 * cite-watcher: keeps cite's records of what the cluster runs — domains from Ingresses, load-balancer
 * endpoints from Services and EndpointSlices, the IP map from pods and nodes, each service's observed status —
 * in etcd. Any number of replicas campaign in `election/watcher/`; the leader does the work, the others stand
 * by and take over within the election's TTL. Wiring only; the deciding lives in @cite/observe.
 */
import os from 'node:os';
import { loadConfigOrExit } from '@cite/config';
import { exitOnSignals } from '@cite/http';
import { KubeCluster, KubeHttp } from '@cite/kube';
import { createLogger } from '@cite/logging';
import { createMetrics, serveMetrics } from '@cite/metrics';
import { MetadataStore } from '@cite/store';
import { Watcher } from './watcher';

const config = loadConfigOrExit(process.env, 'watcher');
const logger = createLogger({ app: 'watcher', level: config.log.level });
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

const leadership = await store.etcd.campaign('watcher', candidate, {
  ttlSeconds: config.watcher.electionTtlSeconds,
});
logger.info('watcher ready', {
  cluster: cluster.server,
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
  watcher = new Watcher({ http, store, leadership, vips: config.watcher.lbVips, logger, metrics });
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
  await store.close();
  await metricsServer.close();
}, logger);
