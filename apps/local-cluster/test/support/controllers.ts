/**
 * Helpers for specs that need controllers (local-cluster's, or a real cluster's): bounded waits (poll with a
 * deadline, never a fixed sleep), Deployment bodies and rollout checks, and a pod tracker fed by a watch.
 */
import { type V1Deployment, type V1Pod, Watch } from '@kubernetes/client-node';
import type { TestCluster } from './cluster';

/** Polls `probe` until it returns a value (not undefined/false), or fails after `timeoutMs` with `what`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function deploymentBody(
  name: string,
  replicas: number,
  options: {
    image?: string;
    annotations?: Record<string, string>;
    /** Extra pod labels (e.g. one a Service selects). */
    labels?: Record<string, string>;
    strategy?: NonNullable<V1Deployment['spec']>['strategy'];
    progressDeadlineSeconds?: number;
    containerPort?: number;
  } = {},
): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      ...(options.strategy ? { strategy: options.strategy } : {}),
      ...(options.progressDeadlineSeconds
        ? { progressDeadlineSeconds: options.progressDeadlineSeconds }
        : {}),
      template: {
        metadata: {
          labels: { app: name, ...options.labels },
          ...(options.annotations ? { annotations: options.annotations } : {}),
        },
        spec: {
          containers: [
            {
              name: 'web',
              image: options.image ?? 'nginx:1.27',
              ports: [{ name: 'http', containerPort: options.containerPort ?? 8080 }],
            },
          ],
        },
      },
    },
  };
}

/** `kubectl rollout status`'s success test. */
export function rolledOut(deployment: V1Deployment): boolean {
  const replicas = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  return (
    (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0) &&
    (status.updatedReplicas ?? 0) === replicas &&
    (status.replicas ?? 0) === replicas &&
    (status.availableReplicas ?? 0) === replicas
  );
}

export async function waitForRollout(
  cluster: TestCluster,
  namespace: string,
  name: string,
  timeoutMs = 20_000,
): Promise<V1Deployment> {
  return waitFor(
    `deployment ${name} to roll out`,
    async () => {
      const deployment = await cluster.apps.readNamespacedDeployment({ name, namespace });
      return rolledOut(deployment) ? deployment : undefined;
    },
    timeoutMs,
  );
}

export const isReady = (pod: V1Pod): boolean =>
  (pod.status?.conditions ?? []).some(
    (condition) => condition.type === 'Ready' && condition.status === 'True',
  );

/**
 * Pods of a namespace as a watch reports them, with running extremes: pods not being deleted (what maxSurge
 * bounds), their ready subset (what maxUnavailable bounds), and all pods including terminating ones.
 */
export class PodTracker {
  readonly pods = new Map<string, V1Pod>();
  /** Every pod's last state seen, deleted ones included (a DELETED event carries the pod as it was removed). */
  readonly lastSeen = new Map<string, V1Pod>();
  readonly events: { type: string; name: string }[] = [];
  maxActive = 0;
  maxTotal = 0;
  minReady = Infinity;
  private abort: AbortController | undefined;

  static async start(cluster: TestCluster, namespace: string): Promise<PodTracker> {
    const tracker = new PodTracker();
    const list = await cluster.core.listNamespacedPod({ namespace });
    for (const pod of list.items) tracker.pods.set(pod.metadata?.name ?? '', pod);
    tracker.abort = await new Watch(cluster.kubeConfig).watch(
      `/api/v1/namespaces/${namespace}/pods`,
      { resourceVersion: list.metadata?.resourceVersion },
      (type, pod: V1Pod) => tracker.apply(type, pod),
      () => undefined,
    );
    return tracker;
  }

  /** Starts recording extremes from now (e.g. once the initial rollout is done). */
  resetExtremes(): void {
    this.maxActive = this.active().length;
    this.maxTotal = this.pods.size;
    this.minReady = this.ready().length;
  }

  active(): V1Pod[] {
    return [...this.pods.values()].filter(
      (pod) =>
        !pod.metadata?.deletionTimestamp &&
        pod.status?.phase !== 'Succeeded' &&
        pod.status?.phase !== 'Failed',
    );
  }

  ready(): V1Pod[] {
    return this.active().filter(isReady);
  }

  private apply(type: string, pod: V1Pod): void {
    const name = pod.metadata?.name ?? '';
    if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') this.lastSeen.set(name, pod);
    if (type === 'DELETED') this.pods.delete(name);
    else if (type === 'ADDED' || type === 'MODIFIED') this.pods.set(name, pod);
    else return;
    this.events.push({ type, name });
    this.maxActive = Math.max(this.maxActive, this.active().length);
    this.maxTotal = Math.max(this.maxTotal, this.pods.size);
    this.minReady = Math.min(this.minReady, this.ready().length);
  }

  stop(): void {
    this.abort?.abort();
  }
}
