/** Plain-object builders for the controllers' table tests (specs only; production code never imports this). */
import type { Deployment, Node, Pod, PodTemplateSpec, ReplicaSet, Service } from '../kit/wire';

let counter = 0;
export const uid = (prefix = 'uid'): string => `${prefix}-${++counter}`;

export const T0 = Date.parse('2025-01-01T00:00:00Z');
export const at = (seconds: number): string =>
  new Date(T0 + seconds * 1000).toISOString().replace('.000Z', 'Z');

export function template(
  image = 'nginx:1',
  labels: Record<string, string> = { app: 'web' },
): PodTemplateSpec {
  return { metadata: { labels }, spec: { containers: [{ name: 'web', image }] } };
}

export function deployment(
  overrides: {
    name?: string;
    replicas?: number;
    image?: string;
    strategy?: NonNullable<Deployment['spec']>['strategy'];
    generation?: number;
    status?: Deployment['status'];
    annotations?: Record<string, string>;
    paused?: boolean;
    progressDeadlineSeconds?: number;
    revisionHistoryLimit?: number;
  } = {},
): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: overrides.name ?? 'web',
      namespace: 'ns',
      uid: 'deploy-uid',
      generation: overrides.generation ?? 1,
      resourceVersion: '10',
      ...(overrides.annotations ? { annotations: overrides.annotations } : {}),
    },
    spec: {
      replicas: overrides.replicas ?? 3,
      selector: { matchLabels: { app: 'web' } },
      template: template(overrides.image),
      strategy: overrides.strategy ?? {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      },
      ...(overrides.paused ? { paused: true } : {}),
      progressDeadlineSeconds: overrides.progressDeadlineSeconds ?? 600,
      revisionHistoryLimit: overrides.revisionHistoryLimit ?? 10,
    },
    status: overrides.status ?? {},
  };
}

export function replicaSet(overrides: {
  name: string;
  replicas: number;
  image?: string;
  hash?: string;
  revision?: number;
  available?: number;
  ready?: number;
  statusReplicas?: number;
  created?: number;
  ownerUid?: string | null;
  annotations?: Record<string, string>;
  generation?: number;
  observedGeneration?: number;
}): ReplicaSet {
  const hash = overrides.hash ?? overrides.name.split('-').pop() ?? 'hash';
  const labels = { app: 'web', 'pod-template-hash': hash };
  const tpl = template(overrides.image);
  tpl.metadata = { labels };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: overrides.name,
      namespace: 'ns',
      uid: `${overrides.name}-uid`,
      resourceVersion: '5',
      generation: overrides.generation ?? 1,
      creationTimestamp: at(overrides.created ?? 0),
      labels,
      annotations: {
        ...(overrides.revision !== undefined
          ? { 'deployment.kubernetes.io/revision': String(overrides.revision) }
          : {}),
        ...overrides.annotations,
      },
      ...(overrides.ownerUid === null
        ? {}
        : {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'Deployment',
                name: 'web',
                uid: overrides.ownerUid ?? 'deploy-uid',
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          }),
    },
    spec: { replicas: overrides.replicas, selector: { matchLabels: labels }, template: tpl },
    status: {
      replicas: overrides.statusReplicas ?? overrides.replicas,
      readyReplicas: overrides.ready ?? overrides.available ?? overrides.replicas,
      availableReplicas: overrides.available ?? overrides.replicas,
      observedGeneration: overrides.observedGeneration ?? overrides.generation ?? 1,
    },
  };
}

export function pod(overrides: {
  name: string;
  labels?: Record<string, string>;
  ownerUid?: string;
  ownerKind?: string;
  node?: string;
  phase?: string;
  ready?: boolean;
  readySince?: number;
  ip?: string;
  deleting?: boolean;
  created?: number;
  restarts?: number;
  requests?: Record<string, string>;
  annotations?: Record<string, string>;
}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: overrides.name,
      namespace: 'ns',
      uid: `${overrides.name}-uid`,
      resourceVersion: '7',
      creationTimestamp: at(overrides.created ?? 0),
      labels: overrides.labels ?? { app: 'web' },
      ...(overrides.annotations ? { annotations: overrides.annotations } : {}),
      ...(overrides.ownerUid
        ? {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: overrides.ownerKind ?? 'ReplicaSet',
                name: 'owner',
                uid: overrides.ownerUid,
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          }
        : {}),
      ...(overrides.deleting ? { deletionTimestamp: at(100) } : {}),
    },
    spec: {
      ...(overrides.node ? { nodeName: overrides.node } : {}),
      containers: [
        {
          name: 'web',
          image: 'nginx',
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          ...(overrides.requests ? { resources: { requests: overrides.requests } } : {}),
        },
      ],
    },
    status: {
      phase: overrides.phase ?? (overrides.node ? 'Running' : 'Pending'),
      ...(overrides.ip ? { podIP: overrides.ip } : {}),
      conditions:
        overrides.ready === undefined
          ? []
          : [
              {
                type: 'Ready',
                status: overrides.ready ? 'True' : 'False',
                lastTransitionTime: at(overrides.readySince ?? 0),
              },
            ],
      containerStatuses: [
        {
          name: 'web',
          image: 'nginx',
          imageID: '',
          ready: overrides.ready ?? false,
          restartCount: overrides.restarts ?? 0,
        },
      ],
    },
  };
}

export function node(
  name: string,
  allocatable: Record<string, string> = { cpu: '8', memory: '32Gi', pods: '110' },
): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: {},
    status: { allocatable, capacity: allocatable, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

export function service(
  overrides: {
    name?: string;
    selector?: Record<string, string>;
    ports?: NonNullable<Service['spec']>['ports'];
    publishNotReadyAddresses?: boolean;
  } = {},
): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: overrides.name ?? 'web', namespace: 'ns', uid: 'svc-uid', labels: { app: 'web' } },
    spec: {
      ...(overrides.selector === undefined ? { selector: { app: 'web' } } : { selector: overrides.selector }),
      ports: overrides.ports ?? [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
      ...(overrides.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}),
    },
  };
}
