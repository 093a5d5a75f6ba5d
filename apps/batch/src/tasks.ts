/** Builds the task an invocation names from the configuration, with the connections it needs and their closing. */
import type { CiteConfig } from '@cite/config';
import { NotConfiguredError } from '@cite/errors';
import {
  etcdBackupTask,
  etcdRestoreTask,
  gcTask,
  healthCheckTask,
  logRetentionTask,
  newestSnapshot,
  nodeReportTask,
  type BatchTaskRun,
  type GcOptions,
} from '@cite/batch';
import { ServiceCatalog } from '@cite/catalog';
import { githubApiFromConfig } from '@cite/github';
import { KubeHttp, PooledKubeConfig } from '@cite/kube';
import { createJobQueue } from '@cite/queue';
import { LogStore } from '@cite/log-store';
import { ObservedStatusStore, ReleaseLog, type MetadataStore } from '@cite/store';
import type { Invocation } from './cli';

export interface BuiltTask {
  task: BatchTaskRun;
  close: () => Promise<void>;
}

function kube(config: CiteConfig): KubeHttp {
  return new KubeHttp(PooledKubeConfig.load(config.kube.kubeconfig));
}

/**
 * With GitHub configured, gc asks it whether each preview's pull request is still open, and removes the preview of
 * a closed one the way the api's DELETE does (a deletion job for the deployer, written to etcd's outbox first).
 */
function closedPreviews(config: CiteConfig, store: MetadataStore) {
  const github = githubApiFromConfig(config.github);
  if (!github) return undefined;
  const queue = createJobQueue(config.redis.url);
  const catalog = new ServiceCatalog({
    store,
    queue,
    observed: new ObservedStatusStore(store.etcd),
    logs: new ReleaseLog(store.etcd),
  });
  const previews: NonNullable<GcOptions['previews']> = {
    async isOpen(repo, pullRequest) {
      const state = await github.pullRequestState(repo, pullRequest);
      return state === null ? undefined : state === 'open';
    },
    async remove(name) {
      const principal = { actor: 'batch:gc', name: 'cite-batch gc', role: 'admin' as const, teams: [] };
      await catalog.remove(
        {
          principal,
          audit: {
            action: 'service.delete',
            target: `service/${name}`,
            sourceIp: '127.0.0.1',
            details: { reason: 'pull request closed' },
          },
        },
        name,
      );
    },
  };
  return { previews, close: () => queue.close() };
}

export async function buildTask(
  invocation: Invocation,
  config: CiteConfig,
  store: MetadataStore,
  runner: string,
): Promise<BuiltTask> {
  const none = async () => undefined;
  switch (invocation.task) {
    case 'gc': {
      const http = kube(config);
      const previews = closedPreviews(config, store);
      return {
        task: gcTask({
          ...(previews ? { previews: previews.previews } : {}),
          store,
          http,
          keepReleases: config.batch.gc.keepReleases,
          keepReleaseLogs: config.batch.gc.keepReleaseLogs,
          deliveryTtlHours: config.github.deliveryTtlHours,
          batchSize: config.batch.gc.batch,
          perSecond: config.batch.gc.rate,
          owner: runner,
        }),
        close: async () => {
          await http.close();
          await previews?.close();
        },
      };
    }
    case 'health-check': {
      const http = kube(config);
      return {
        task: healthCheckTask({
          store,
          http,
          timeoutMs: config.batch.health.timeoutMs,
          restartThreshold: config.batch.health.restarts,
        }),
        close: () => http.close(),
      };
    }
    case 'node-report': {
      const http = kube(config);
      return { task: nodeReportTask({ store, http }), close: () => http.close() };
    }
    case 'log-retention': {
      if (!config.logs.url) {
        throw new NotConfiguredError('log-retention needs the search engine: set CITE_LOGS_URL');
      }
      const logs = LogStore.connect({ url: config.logs.url });
      return {
        task: logRetentionTask({ logs, days: config.batch.logRetentionDays }),
        close: () => logs.close(),
      };
    }
    case 'etcd-backup':
      return {
        task: etcdBackupTask({
          endpoints: config.etcd.endpoints,
          dir: invocation.dir ?? config.batch.backupDir,
          keep: config.batch.backupKeep,
        }),
        close: none,
      };
    case 'etcd-restore': {
      const file = invocation.file ?? (await newestSnapshot(invocation.dir ?? config.batch.backupDir));
      return {
        task: etcdRestoreTask({
          endpoints: config.etcd.endpoints,
          prefix: config.etcd.prefix,
          file,
        }),
        close: none,
      };
    }
  }
}
