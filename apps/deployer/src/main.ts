/**
 * cite-deployer: BullMQ workers for the releases and deletions queues — the only writer of cite's Kubernetes
 * objects. Wiring only; the deciding lives in @cite/deploy and @cite/kube.
 */
import os from 'node:os';
import { loadConfigOrExit } from '@cite/config';
import { DeliveryRunner, GitHubFlow, ServiceCatalog } from '@cite/catalog';
import {
  createImageRegistry,
  DeletionRunner,
  isReported,
  OutboxRelay,
  ReleaseRunner,
  ReportRunner,
  reportStageOf,
} from '@cite/deploy';
import { githubApiFromConfig } from '@cite/github';
import { exitOnSignals } from '@cite/http';
import { KubeCluster } from '@cite/kube';
import { appLogging, DeployLogIndexer } from '@cite/log-store';
import { createMetrics, serveMetrics } from '@cite/metrics';
import { createJobQueue, createWorker } from '@cite/queue';
import { enqueueOn, MetadataStore, ObservedStatusStore, ReleaseLog } from '@cite/store';

const config = loadConfigOrExit(process.env, 'deployer');
// With a search engine, this process's own log lines go there too (never waiting for it), besides stdout.
const logging = appLogging('deployer', { level: config.log.level, logsUrl: config.logs.url });
const { logger, logs: logStore } = logging;
const owner = `${os.hostname()}/${process.pid}`;
const metrics = createMetrics();
// `/metrics` and `/healthz` on a port of the deployer's own (it serves no other HTTP); first, so a port that is
// taken stops the process before it takes any job.
const metricsServer = await serveMetrics(metrics, {
  host: config.deployer.metricsHost,
  port: config.deployer.metricsPort,
  token: config.metrics.token,
});

const store = await MetadataStore.create({
  endpoints: config.etcd.endpoints,
  prefix: config.etcd.prefix,
  timeoutMs: config.etcd.timeoutMs,
  metrics,
  // Start while etcd is down: jobs fail transiently and retry until it is back.
  verify: false,
});
const cluster = KubeCluster.fromKubeconfig({ kubeconfigPath: config.kube.kubeconfig, metrics });
const queue = createJobQueue(config.redis.url, { metrics });
metrics.collectQueueDepths(() => queue.depths());
const registry = config.registry.url ? createImageRegistry({ url: config.registry.url }) : undefined;
const observed = new ObservedStatusStore(store.etcd);
// Deploy logs stay in etcd; with a search engine they are copied there too (`cite-deploys-<team>-…`).
const deployLogCopies = logStore
  ? new DeployLogIndexer(
      async (service) => (await store.services.get(service))?.value.team ?? null,
      logStore,
      logger,
    )
  : undefined;
const releaseLog = new ReleaseLog(store.etcd, undefined, (service, release, lines) =>
  deployLogCopies?.add(service, release, lines),
);
const lock = { lockTtlSeconds: config.deployer.lockTtlSeconds, lockWaitMs: 30_000, owner };

// Releases of commits are reported back to GitHub when a token or App is configured, by jobs of their own.
const github = githubApiFromConfig(config.github);
const reports = github ? new ReportRunner({ store, github, publicUrl: config.publicUrl }) : undefined;

const releases = new ReleaseRunner({
  store,
  cluster,
  log: releaseLog,
  observed,
  logger,
  enqueue: (job) => queue.enqueueRelease(job),
  render: { progressDeadlineSeconds: config.deployer.progressDeadlineSeconds },
  ...(registry ? { registry } : {}),
  imageWaitMs: config.github.imageWaitSeconds * 1000,
  ...lock,
  metrics,
  ...(reports
    ? {
        onRelease: async (release) => {
          const service = await store.services.get(release.service);
          if (!isReported(service?.value ?? null, release)) return;
          await queue.enqueueReport({
            service: release.service,
            release: release.number,
            stage: reportStageOf(release),
          });
        },
      }
    : {}),
});
const deletions = new DeletionRunner({ store, cluster, observed, logger, ...lock });

// GitHub Flow: the deliveries the api's receiver verified and queued are acted on here, off the api's event
// loop (they write etcd and enqueue releases; the release workers deploy them).
const catalog = new ServiceCatalog({ store, queue, observed, logs: releaseLog });
const flow = new GitHubFlow({
  catalog,
  store,
  previewLimit: config.previews.limit,
  ...(config.previews.domain ? { previewDomain: config.previews.domain } : {}),
  ...(github ? { branchHead: (repo: string, branch: string) => github.branchHead(repo, branch) } : {}),
  ...(reports
    ? {
        onRelease: (release: { service: string; number: number }) =>
          queue.enqueueReport({ service: release.service, release: release.number, stage: 'pending' }),
      }
    : {}),
});
const deliveries = new DeliveryRunner({ flow, store, ttlSeconds: config.github.deliveryTtlHours * 3600 });

const workerOptions = {
  redisUrl: config.redis.url,
  concurrency: config.deployer.concurrency,
  lockDurationMs: config.deployer.jobLockSeconds * 1000,
  logger,
  name: owner,
  metrics,
};
const workers = [
  createWorker(
    'releases',
    async (run) => {
      const outcome = await releases.run(run.data, run);
      logger.info('release job done', { ...run.data, jobId: run.id, attempt: run.attempt, ...outcome });
    },
    workerOptions,
  ),
  createWorker(
    'deletions',
    async (run) => {
      const outcome = await deletions.run(run.data, run.signal);
      logger.info('deletion job done', { ...run.data, jobId: run.id, ...outcome });
    },
    workerOptions,
  ),
  createWorker(
    'deliveries',
    async (run) => {
      const record = await deliveries.run(run.data);
      logger.info('webhook delivery handled', {
        delivery: record.id,
        event: record.event,
        outcome: record.outcome,
      });
    },
    workerOptions,
  ),
  ...(reports
    ? [
        createWorker(
          'reports',
          async (run) => {
            const sent = await reports.run(run.data, run.signal);
            logger.info('GitHub report sent', { ...run.data, jobId: run.id, attempt: run.attempt, sent });
          },
          workerOptions,
        ),
      ]
    : []),
];

// Previews older than their TTL go, open pull request or not (every deployer sweeps; removing twice is harmless).
const previewSweep = setInterval(() => {
  flow
    .removeExpiredPreviews(config.previews.ttlHours * 3600 * 1000)
    .then((removed) => {
      if (removed.length > 0) logger.info('expired previews removed', { removed });
    })
    .catch((error: unknown) => logger.warn('preview sweep failed', { error: String(error) }));
}, 60_000);
previewSweep.unref();

// Jobs whose writer crashed before enqueueing them, or met Redis down, wait in etcd's outbox: deliver them.
const relay = new OutboxRelay({ store, enqueue: enqueueOn(queue), logger });
relay.start();

logger.info('deployer ready', {
  cluster: cluster.server,
  registry: config.registry.url ?? null,
  concurrency: config.deployer.concurrency,
  owner,
  metrics: `${metricsServer.url}/metrics`,
});

const graceMs = config.deployer.shutdownGraceSeconds * 1000;
exitOnSignals(
  async () => {
    // Stop taking jobs; running ones finish within the grace period or go back to the queue.
    clearInterval(previewSweep);
    await relay.stop();
    await Promise.all(workers.map((worker) => worker.close({ graceMs })));
    await queue.close();
    await store.close();
    await metricsServer.close();
    await deployLogCopies?.close();
    await logging.close();
  },
  logger,
  graceMs + 10_000,
);
