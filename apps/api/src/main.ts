import { fileURLToPath } from 'node:url';
import { loadConfigOrExit } from '@cite/config';
import { exitOnSignals, serve } from '@cite/http';
import { githubApiFromConfig } from '@cite/github';
import { KubeCluster, KubeHttp } from '@cite/kube';
import { appLogging } from '@cite/log-store';
import { createMetrics } from '@cite/metrics';
import { createJobQueue } from '@cite/queue';
import { MetadataStore } from '@cite/store';
import { createApp, type ApiDeps } from './app';

const config = loadConfigOrExit(process.env, 'api');
// With a search engine, this process's own log lines go there too (never waiting for it), besides stdout.
const logging = appLogging('api', { level: config.log.level, logsUrl: config.logs.url });
const { logger, logs: logStore } = logging;
const metrics = createMetrics();

const store = await MetadataStore.create({
  endpoints: config.etcd.endpoints,
  prefix: config.etcd.prefix,
  timeoutMs: config.etcd.timeoutMs,
  metrics,
  // Start even while etcd is down: /readyz says so, and calls answer 503 until it is back.
  verify: false,
});
// The BullMQ producer; its Redis connection reconnects by itself, and /readyz reports it meanwhile.
const queue = createJobQueue(config.redis.url, { metrics });
// Queue depths are read at each scrape; the api reports them too, so they show while no deployer runs.
metrics.collectQueueDepths(() => queue.depths());
if (config.auth.adminToken === undefined) {
  logger.warn('CITE_ADMIN_TOKEN is not set: only stored API tokens authenticate');
}

// With a token or App, a push's branch head is confirmed with GitHub before it deploys (the payload is a hint).
const github = githubApiFromConfig(config.github);

// Live pod logs read the cluster; without a kubeconfig that route answers 501 (nothing else here needs it).
const kube = config.kube.kubeconfig
  ? new KubeHttp(KubeCluster.fromKubeconfig({ kubeconfigPath: config.kube.kubeconfig }).kubeConfig, {
      metrics,
    })
  : undefined;

const streams = new AbortController();
let shuttingDown = () => false;
const deps: ApiDeps = {
  logger,
  store,
  queue,
  adminToken: config.auth.adminToken,
  trustedProxies: config.api.trustedProxies,
  registries: { global: config.images.allowedRegistries, teams: config.images.teamRegistries },
  shuttingDown: () => shuttingDown(),
  streams: streams.signal,
  kube,
  // The built UI: configured, or the `web` folder beside this bundle (dist/apps/web beside dist/apps/api).
  webDir: config.api.webDir ?? fileURLToPath(new URL('../web/', import.meta.url)),
  ...(logStore ? { logs: logStore } : {}),
  ...(config.logs.kibanaUrl ? { kibanaUrl: config.logs.kibanaUrl } : {}),
  metrics,
  metricsToken: config.metrics.token,
  github: {
    ...(config.github.webhookSecret ? { webhookSecret: config.github.webhookSecret } : {}),
    maxBytes: config.github.webhookMaxBytes,
    deliveryTtlSeconds: config.github.deliveryTtlHours * 3600,
    ...(config.previews.domain ? { previewDomain: config.previews.domain } : {}),
    previewLimit: config.previews.limit,
    ...(github ? { branchHead: (repo: string, branch: string) => github.branchHead(repo, branch) } : {}),
    reports: github !== undefined,
  },
};
const app = createApp(deps);
const running = await serve(app, {
  host: config.api.host,
  port: config.api.port,
  logger,
  cleanups: [() => queue.close(), () => store.close(), async () => kube?.close(), () => logging.close()],
});
shuttingDown = running.shuttingDown;
logger.info('api listening', { url: `http://${config.api.host}:${running.port}` });
exitOnSignals(() => {
  // Open event streams would hold the server open for the whole grace period: end them first.
  streams.abort();
  return running.close();
}, logger);
