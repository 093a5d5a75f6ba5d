/**
 * The chart's templates as object trees with slots (`slots.ts`): one file each, some behind a condition. The same
 * trees render to manifests (tests, `kubectl apply --dry-run=server`) and to Helm templates (the committed chart).
 */
import { SCHEDULABLE_TASKS } from '@cite/config';
import { RULES } from './rbac';
import {
  appVersion,
  block,
  image,
  named,
  releaseName,
  releaseNamespace,
  Slot,
  value,
  valueAt,
  type Values,
} from './slots';

export interface ChartFile {
  path: string;
  /** `{{- if <expression> }}` around the file; `test` says whether it renders with given values. */
  when?: { expression: string; test: (values: Values) => boolean };
  objects: unknown[];
}

const truthy = (path: string) => ({
  expression: `.Values.${path}`,
  test: (values: Values) => Boolean(valueAt(values, path)),
});

/** `etcd-backup` → `etcdBackup`: Helm's `.Values.a.b` path syntax has no room for `-`. */
export const taskKey = (task: string) => task.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

const labels = (component: string) => ({
  'app.kubernetes.io/name': 'cite',
  'app.kubernetes.io/instance': releaseName,
  'app.kubernetes.io/component': component,
  'app.kubernetes.io/version': appVersion,
  'app.kubernetes.io/managed-by': 'Helm',
});
const selector = (component: string) => ({
  'app.kubernetes.io/name': 'cite',
  'app.kubernetes.io/instance': releaseName,
  'app.kubernetes.io/component': component,
});

const serviceAccountName = new Slot(
  'default (printf "%s-cite" .Release.Name) .Values.serviceAccount.name',
  (values, release) => (valueAt(values, 'serviceAccount.name') as string) || `${release.name}-cite`,
);
const secretName = new Slot(
  'default (printf "%s-secrets" .Release.Name) .Values.existingSecret',
  (values, release) => (valueAt(values, 'existingSecret') as string) || `${release.name}-secrets`,
);

const securityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: 10001,
  capabilities: { drop: ['ALL'] },
};

function container(app: string, args: string[], resourcesPath: string, extra: Record<string, unknown> = {}) {
  return {
    name: app,
    image,
    imagePullPolicy: value('image.pullPolicy'),
    args,
    envFrom: [{ configMapRef: { name: named('config') } }, { secretRef: { name: secretName } }],
    resources: block(resourcesPath),
    securityContext,
    ...extra,
  };
}

const probes = (port: number, ready = '/readyz') => ({
  readinessProbe: { httpGet: { path: ready, port }, periodSeconds: 5 },
  livenessProbe: { httpGet: { path: '/healthz', port }, periodSeconds: 10, failureThreshold: 6 },
});

/** Every setting comes from the ConfigMap and the Secret (`envFrom`): one place to set each key. */
function deployment(app: string, port: number, ready: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: named(app), namespace: releaseNamespace, labels: labels(app) },
    spec: {
      replicas: value(`${app}.replicas`),
      selector: { matchLabels: selector(app) },
      template: {
        metadata: { labels: labels(app) },
        spec: {
          serviceAccountName,
          imagePullSecrets: block('imagePullSecrets'),
          securityContext: { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 },
          containers: [
            container(app, [app], `${app}.resources`, {
              ports: [{ name: app === 'api' ? 'http' : 'metrics', containerPort: port }],
              ...probes(port, ready),
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }),
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

function pdb(app: string) {
  return {
    path: `templates/pdb-${app}.yaml`,
    when: truthy(`${app}.pdb.enabled`),
    objects: [
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: named(app), namespace: releaseNamespace, labels: labels(app) },
        spec: { minAvailable: value(`${app}.pdb.minAvailable`), selector: { matchLabels: selector(app) } },
      },
    ],
  };
}

function cronJob(task: string): ChartFile {
  const key = taskKey(task);
  return {
    path: `templates/cronjob-${task}.yaml`,
    when: truthy(`batch.tasks.${key}.enabled`),
    objects: [
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: named(`batch-${task}`), namespace: releaseNamespace, labels: labels('batch') },
        spec: {
          schedule: value(`batch.tasks.${key}.schedule`, true),
          concurrencyPolicy: 'Forbid',
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: {
            spec: {
              backoffLimit: 1,
              template: {
                metadata: { labels: labels('batch') },
                spec: {
                  serviceAccountName,
                  restartPolicy: 'Never',
                  imagePullSecrets: block('imagePullSecrets'),
                  securityContext: { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 },
                  containers: [
                    container('batch', ['batch', task, '--trigger', 'schedule'], 'batch.resources', {
                      volumeMounts: [
                        { name: 'backups', mountPath: '/backups' },
                        { name: 'tmp', mountPath: '/tmp' },
                      ],
                    }),
                  ],
                  // `backups` (etcd-backup's snapshots) and `tmp`: a PersistentVolumeClaim for backups in production.
                  volumes: block('batch.volumes'),
                },
              },
            },
          },
        },
      },
    ],
  };
}

/** Every file of the chart's templates directory. */
export function chartFiles(): ChartFile[] {
  return [
    {
      path: 'templates/serviceaccount.yaml',
      when: truthy('serviceAccount.create'),
      objects: [
        {
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name: serviceAccountName, namespace: releaseNamespace, labels: labels('rbac') },
        },
      ],
    },
    {
      path: 'templates/rbac.yaml',
      objects: [
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: named('cite'), labels: labels('rbac') },
          rules: RULES,
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: named('cite'), labels: labels('rbac') },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: named('cite') },
          subjects: [{ kind: 'ServiceAccount', name: serviceAccountName, namespace: releaseNamespace }],
        },
      ],
    },
    {
      path: 'templates/configmap.yaml',
      objects: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: named('config'), namespace: releaseNamespace, labels: labels('config') },
          data: block('config'),
        },
      ],
    },
    {
      path: 'templates/secret.yaml',
      when: {
        expression: 'not .Values.existingSecret',
        test: (values) => !valueAt(values, 'existingSecret'),
      },
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: secretName, namespace: releaseNamespace, labels: labels('config') },
          type: 'Opaque',
          stringData: block('secrets'),
        },
      ],
    },
    {
      path: 'templates/api.yaml',
      objects: [
        deployment('api', 8080, '/readyz'),
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: named('api'), namespace: releaseNamespace, labels: labels('api') },
          spec: {
            type: value('api.service.type'),
            selector: selector('api'),
            ports: [{ name: 'http', port: value('api.service.port'), targetPort: 'http' }],
          },
        },
      ],
    },
    {
      path: 'templates/api-hpa.yaml',
      when: truthy('api.autoscaling.enabled'),
      objects: [
        {
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          metadata: { name: named('api'), namespace: releaseNamespace, labels: labels('api') },
          spec: {
            scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: named('api') },
            minReplicas: value('api.autoscaling.minReplicas'),
            maxReplicas: value('api.autoscaling.maxReplicas'),
            metrics: [
              {
                type: 'Resource',
                resource: {
                  name: 'cpu',
                  target: {
                    type: 'Utilization',
                    averageUtilization: value('api.autoscaling.targetCPUUtilizationPercentage'),
                  },
                },
              },
            ],
          },
        },
      ],
    },
    pdb('api'),
    {
      path: 'templates/deployer.yaml',
      objects: [deployment('deployer', 9090, '/healthz')],
    },
    pdb('deployer'),
    {
      path: 'templates/watcher.yaml',
      objects: [deployment('watcher', 9091, '/healthz')],
    },
    pdb('watcher'),
    ...SCHEDULABLE_TASKS.map(cronJob),
    {
      path: 'templates/networkpolicy.yaml',
      when: truthy('networkPolicy.enabled'),
      objects: [
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: named('cite'), namespace: releaseNamespace, labels: labels('network') },
          spec: {
            podSelector: {
              matchLabels: { 'app.kubernetes.io/name': 'cite', 'app.kubernetes.io/instance': releaseName },
            },
            policyTypes: ['Ingress'],
            ingress: [
              { ports: [{ protocol: 'TCP', port: 8080 }] },
              {
                from: [{ namespaceSelector: {} }],
                ports: [
                  { protocol: 'TCP', port: 9090 },
                  { protocol: 'TCP', port: 9091 },
                ],
              },
            ],
          },
        },
      ],
    },
  ];
}
