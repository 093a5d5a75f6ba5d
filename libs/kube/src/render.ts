/**
 * Service + release → the Kubernetes objects that run it. Pure: the same inputs always give the same objects, so
 * applying a release twice changes nothing and never starts a second rollout.
 */
import { teamNamespace, type Release, type Service } from '@cite/model';
import type { V1Deployment, V1Ingress, V1Namespace, V1Probe, V1Service } from '@kubernetes/client-node';
import { ANNOTATIONS, LABELS, MANAGED_BY, selectorFor } from './labels';

export interface RenderOptions {
  /**
   * Seconds without rollout progress before Kubernetes marks the Deployment `ProgressDeadlineExceeded`, which
   * cite turns into a failed release.
   * @defaultValue 120
   */
  progressDeadlineSeconds?: number;
  /**
   * Old ReplicaSets kept for `kubectl rollout undo` (cite's own rollbacks are new releases and need none).
   * @defaultValue 10
   */
  revisionHistoryLimit?: number;
  /** `spec.ingressClassName` of Ingresses; the cluster default when unset. */
  ingressClassName?: string;
}

export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 120;
export const DEFAULT_REVISION_HISTORY_LIMIT = 10;
/** The one container of a service's pods. */
export const CONTAINER_NAME = 'app';
const PORT_NAME = 'http';

/** The objects of one service at one release. `ingress` only when the release has domains. */
export interface RenderedService {
  namespace: V1Namespace & { kind: 'Namespace' };
  deployment: V1Deployment & { kind: 'Deployment' };
  service: V1Service & { kind: 'Service' };
  ingress?: V1Ingress & { kind: 'Ingress' };
}

/** `release 4: deploy image reg/app:v2 by github:octocat`, `release 5: rollback to release 3 (image …) by …`. */
export function changeCause(release: Release): string {
  const what =
    release.cause === 'rollback'
      ? `rollback to release ${release.rollbackOf} (image ${release.image})`
      : `${release.cause} image ${release.image}`;
  return `release ${release.number}: ${what} by ${release.actor}`;
}

/** Labels on every object of the service: the team's own labels first, cite's win on a clash. */
function commonLabels(service: Service): Record<string, string> {
  return {
    ...service.labels,
    [LABELS.name]: service.name,
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.team]: service.team,
  };
}

function probe(release: Release, failureThreshold: number): V1Probe {
  const check = release.config.healthCheck;
  return {
    httpGet: { path: check.path, port: release.config.port, scheme: 'HTTP' },
    initialDelaySeconds: check.initialDelaySeconds,
    periodSeconds: check.periodSeconds,
    timeoutSeconds: check.timeoutSeconds,
    successThreshold: 1,
    failureThreshold,
  };
}

/**
 * Renders namespace, Deployment, Service and (with domains) Ingress for `release` of `service`.
 *
 * - Names are the service name, in namespace `cite-<team>`.
 * - The Deployment's selector is `app.kubernetes.io/name` only (selectors are immutable).
 * - `cite.dev/release` and `kubernetes.io/change-cause` go on the Deployment's metadata, not the pod template:
 *   a release that only scales does not restart pods, and re-applying a release changes no template, so each
 *   release makes at most one ReplicaSet revision (the deployment controller copies the change cause to it).
 * - Rolling update with `maxSurge: 25%`, `maxUnavailable: 0`: capacity never drops below the desired replicas
 *   during a deploy, and a new version that never becomes ready leaves every old pod serving.
 * - Readiness and liveness are HTTP GETs on the health-check path; liveness tolerates twice as many failures, so
 *   a slow endpoint takes a pod out of the Service long before it gets restarted.
 */
export function renderService(
  service: Service,
  release: Release,
  options: RenderOptions = {},
): RenderedService {
  if (release.service !== service.name) {
    throw new RangeError(`release ${release.number} is of ${release.service}, not ${service.name}`);
  }
  const namespace = teamNamespace(service.team);
  const labels = commonLabels(service);
  const objectLabels = { ...labels, [LABELS.release]: String(release.number) };
  const selector = selectorFor(service.name);
  const { config } = release;
  const metadata = { name: service.name, namespace, labels: objectLabels };

  const rendered: RenderedService = {
    namespace: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace, labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.team]: service.team } },
    },
    deployment: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { ...metadata, annotations: { [ANNOTATIONS.changeCause]: changeCause(release) } },
      spec: {
        replicas: config.replicas,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        progressDeadlineSeconds: options.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS,
        revisionHistoryLimit: options.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT,
        minReadySeconds: 0,
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: CONTAINER_NAME,
                image: release.image,
                ports: [{ name: PORT_NAME, containerPort: config.port, protocol: 'TCP' }],
                env: config.env.map(({ name, value }) => ({ name, value })),
                resources: {
                  requests: { cpu: config.resources.cpu.request, memory: config.resources.memory.request },
                  limits: { cpu: config.resources.cpu.limit, memory: config.resources.memory.limit },
                },
                readinessProbe: probe(release, config.healthCheck.failureThreshold),
                livenessProbe: probe(release, config.healthCheck.failureThreshold * 2),
              },
            ],
          },
        },
      },
    },
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [{ name: PORT_NAME, port: config.port, targetPort: config.port, protocol: 'TCP' }],
      },
    },
  };
  if (config.domains.length > 0) {
    rendered.ingress = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata,
      spec: {
        ...(options.ingressClassName ? { ingressClassName: options.ingressClassName } : {}),
        rules: config.domains.map((host) => ({
          host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: service.name, port: { number: config.port } } },
              },
            ],
          },
        })),
      },
    };
  }
  return rendered;
}
