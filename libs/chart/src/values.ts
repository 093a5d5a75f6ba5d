/**
 * The chart's default values — every value the templates read, each described for the chart's README and typed
 * for `values.schema.json`. `config` carries every non-secret `@cite/config` key; `secrets` the secret ones.
 */
import { CONFIG_KEYS as TYPED_KEYS, SCHEDULABLE_TASKS, type ConfigKey } from '@cite/config';

const CONFIG_KEYS: readonly ConfigKey[] = TYPED_KEYS;

/** Keys whose values are secrets: they go to a Secret, never a ConfigMap. */
export const SECRET_KEYS: string[] = CONFIG_KEYS.filter(
  (key) => key.kind === 'secret' || key.env === 'CITE_GITHUB_TOKEN',
).map((key) => key.env);

/**
 * What the chart sets where the key table's default suits a laptop, not a cluster: the apps listen on every
 * address, at fixed ports the probes and Services name; the web UI and the backups live at the image's paths; the
 * CronJobs schedule the batch tasks, so nothing else does.
 */
export const CLUSTER_DEFAULTS: Record<string, string> = {
  CITE_API_HOST: '0.0.0.0',
  CITE_API_PORT: '8080',
  CITE_WEB_DIR: '/app/dist/apps/web',
  CITE_DEPLOYER_METRICS_HOST: '0.0.0.0',
  CITE_DEPLOYER_METRICS_PORT: '9090',
  CITE_WATCHER_METRICS_HOST: '0.0.0.0',
  CITE_WATCHER_METRICS_PORT: '9091',
  CITE_BATCH_BACKUP_DIR: '/backups',
  CITE_BATCH_SCHEDULES: 'none',
};

const resources = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string) => ({
  requests: { cpu, memory },
  limits: { cpu: cpuLimit, memory: memoryLimit },
});

/** Every non-secret key, with the cluster's default or the key table's (empty: unset, the app's own default). */
function configDefaults(): Record<string, string> {
  const config: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    if (SECRET_KEYS.includes(key.env)) continue;
    config[key.env] = CLUSTER_DEFAULTS[key.env] ?? key.default ?? '';
  }
  return config;
}

const DEFAULT_SCHEDULES: Record<string, string> = {
  gc: '*/30 * * * *',
  'etcd-backup': '0 * * * *',
  'log-retention': '30 3 * * *',
  'health-check': '*/5 * * * *',
  'node-report': '*/10 * * * *',
};

export function defaultValues() {
  return {
    image: { repository: 'ghcr.io/cite-dev/cite', tag: '', pullPolicy: 'IfNotPresent' },
    imagePullSecrets: [] as { name: string }[],
    serviceAccount: { create: true, name: '' },
    config: configDefaults(),
    secrets: Object.fromEntries(SECRET_KEYS.map((key) => [key, ''])) as Record<string, string>,
    existingSecret: '',
    api: {
      replicas: 2,
      resources: resources('100m', '256Mi', '1', '512Mi'),
      service: { type: 'ClusterIP', port: 80 },
      autoscaling: { enabled: false, minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 70 },
      pdb: { enabled: true, minAvailable: 1 },
    },
    deployer: {
      replicas: 2,
      resources: resources('100m', '256Mi', '1', '512Mi'),
      pdb: { enabled: true, minAvailable: 1 },
    },
    watcher: {
      replicas: 2,
      resources: resources('100m', '256Mi', '1', '512Mi'),
      pdb: { enabled: true, minAvailable: 1 },
    },
    batch: {
      resources: resources('50m', '128Mi', '500m', '512Mi'),
      volumes: [
        { name: 'backups', emptyDir: {} },
        { name: 'tmp', emptyDir: {} },
      ] as Record<string, unknown>[],
      tasks: Object.fromEntries(
        SCHEDULABLE_TASKS.map((task) => [
          task.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()),
          { enabled: true, schedule: DEFAULT_SCHEDULES[task] ?? '0 * * * *' },
        ]),
      ) as Record<string, { enabled: boolean; schedule: string }>,
    },
    networkPolicy: { enabled: true },
  };
}

export type ChartValues = ReturnType<typeof defaultValues>;
