/**
 * An in-memory `Cluster` for unit tests of logic (`@cite/kube/testing`); never imported by production code.
 * Integration tests use the real `KubeCluster` against local-cluster instead.
 */
import { NotFoundError, UnavailableError } from '@cite/errors';
import type {
  CoreV1Event,
  V1Deployment,
  V1DeploymentStatus,
  V1Pod,
  V1ReplicaSet,
} from '@kubernetes/client-node';
import { AsyncChannel } from './async-channel';
import type { AppliedObject, Cluster, ObjectRef } from './cluster';

/** What the fake's "controllers" do after a Deployment is applied. */
export type FakeRollout =
  /** Status shows the rollout finished (all replicas updated and available). */
  | 'succeed'
  /** Nothing happens; drive it with `setDeploymentStatus`. */
  | 'hang'
  /** Progress deadline exceeded, and the new pods wait with this reason (`ImagePullBackOff`, …). */
  | { fail: string };

function keyOf(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

export class FakeCluster implements Cluster {
  readonly objects = new Map<string, AppliedObject>();
  /** Every apply, in order. */
  readonly applied: AppliedObject[] = [];
  readonly deleted: ObjectRef[] = [];
  pods: V1Pod[] = [];
  events: CoreV1Event[] = [];
  rollout: FakeRollout = 'succeed';
  /** Template changes per Deployment (the ReplicaSet revisions a real cluster would make). */
  readonly revisions = new Map<string, number>();
  /** Makes every call fail with this (e.g. an `UnavailableError`) until cleared. */
  failure: Error | undefined;
  private readonly watchers = new Map<string, Set<AsyncChannel<V1Deployment | null>>>();

  async apply<T extends AppliedObject>(object: T): Promise<T> {
    this.check();
    const stored = structuredClone(object);
    const key = keyOf(object.kind, object.metadata?.namespace, object.metadata?.name ?? '');
    this.applied.push(structuredClone(object));
    if (stored.kind === 'Deployment') {
      const previous = this.objects.get(key) as (V1Deployment & { kind: 'Deployment' }) | undefined;
      const generation = previous?.metadata?.generation ?? 0;
      const specChanged = JSON.stringify(previous?.spec) !== JSON.stringify(stored.spec);
      const templateChanged =
        JSON.stringify(previous?.spec?.template) !== JSON.stringify(stored.spec?.template);
      stored.metadata = { ...stored.metadata, generation: specChanged ? generation + 1 : generation };
      stored.status = previous?.status ?? {};
      if (templateChanged) this.revisions.set(key, (this.revisions.get(key) ?? 0) + 1);
      this.objects.set(key, stored);
      if (specChanged) this.runRollout(stored);
      this.notify(stored.metadata?.namespace ?? '', stored.metadata?.name ?? '');
    } else {
      this.objects.set(key, stored);
    }
    return structuredClone(this.objects.get(key) as T);
  }

  async delete(ref: ObjectRef): Promise<boolean> {
    this.check();
    this.deleted.push(ref);
    const existed = this.objects.delete(keyOf(ref.kind, ref.namespace, ref.name));
    if (ref.kind === 'Deployment') this.notify(ref.namespace ?? '', ref.name);
    return existed;
  }

  async getDeployment(namespace: string, name: string): Promise<V1Deployment | null> {
    this.check();
    return this.deployment(namespace, name);
  }

  async *watchDeployment(
    namespace: string,
    name: string,
    signal: AbortSignal,
  ): AsyncIterable<V1Deployment | null> {
    this.check();
    const channel = new AsyncChannel<V1Deployment | null>();
    const key = `${namespace}/${name}`;
    const set = this.watchers.get(key) ?? new Set();
    this.watchers.set(key, set);
    set.add(channel);
    const stop = () => channel.end();
    signal.addEventListener('abort', stop);
    if (signal.aborted) stop();
    channel.push(this.deployment(namespace, name));
    try {
      yield* channel;
    } finally {
      set.delete(channel);
      signal.removeEventListener('abort', stop);
    }
  }

  async listPods(namespace: string, selector: string): Promise<V1Pod[]> {
    this.check();
    const wanted = selector.split(',').map((pair) => pair.split('='));
    return this.pods.filter(
      (pod) =>
        pod.metadata?.namespace === namespace &&
        wanted.every(([key, value]) => pod.metadata?.labels?.[key ?? ''] === value),
    );
  }

  async listReplicaSets(namespace: string, selector: string): Promise<V1ReplicaSet[]> {
    this.check();
    const name = /app\.kubernetes\.io\/name=([^,]+)/.exec(selector)?.[1] ?? '';
    const revisions = this.revisions.get(`Deployment/${namespace}/${name}`) ?? 0;
    return Array.from({ length: revisions }, (_, index) => ({
      metadata: {
        name: `${name}-rev${index + 1}`,
        namespace,
        annotations: { 'deployment.kubernetes.io/revision': String(index + 1) },
      },
    }));
  }

  async listEvents(namespace: string, names: readonly string[] = []): Promise<CoreV1Event[]> {
    this.check();
    return this.events.filter(
      (event) =>
        event.metadata?.namespace === namespace &&
        (names.length === 0 || names.includes(event.involvedObject.name ?? '')),
    );
  }

  async scale(namespace: string, name: string, replicas: number): Promise<void> {
    this.check();
    const deployment = this.objects.get(keyOf('Deployment', namespace, name)) as V1Deployment | undefined;
    if (!deployment?.spec) throw new NotFoundError(`deployment ${namespace}/${name} not found`);
    deployment.spec.replicas = replicas;
    this.runRollout(deployment);
    this.notify(namespace, name);
  }

  async ping(): Promise<void> {
    this.check();
  }

  /** Replaces a Deployment's status (as its controller would) and tells watchers. */
  setDeploymentStatus(namespace: string, name: string, status: V1DeploymentStatus): void {
    const deployment = this.objects.get(keyOf('Deployment', namespace, name)) as V1Deployment | undefined;
    if (!deployment) throw new NotFoundError(`deployment ${namespace}/${name} not found`);
    deployment.status = status;
    this.notify(namespace, name);
  }

  deployment(namespace: string, name: string): V1Deployment | null {
    const found = this.objects.get(keyOf('Deployment', namespace, name));
    return found ? (structuredClone(found) as V1Deployment) : null;
  }

  private runRollout(deployment: V1Deployment): void {
    const replicas = deployment.spec?.replicas ?? 1;
    const generation = deployment.metadata?.generation ?? 1;
    if (this.rollout === 'succeed') {
      deployment.status = {
        observedGeneration: generation,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
        conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }],
      };
    } else if (this.rollout !== 'hang') {
      const reason = this.rollout.fail;
      const namespace = deployment.metadata?.namespace ?? '';
      const name = deployment.metadata?.name ?? '';
      deployment.status = {
        observedGeneration: generation,
        replicas: replicas + 1,
        updatedReplicas: 1,
        readyReplicas: replicas,
        availableReplicas: replicas,
        conditions: [
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: `ReplicaSet "${name}-new" has timed out progressing.`,
          },
        ],
      };
      this.pods = [
        ...this.pods.filter((pod) => pod.metadata?.name !== `${name}-new-pod`),
        {
          metadata: { name: `${name}-new-pod`, namespace, labels: { 'app.kubernetes.io/name': name } },
          status: {
            phase: 'Pending',
            containerStatuses: [
              {
                name: 'app',
                image: deployment.spec?.template.spec?.containers[0]?.image ?? '',
                imageID: '',
                ready: false,
                restartCount: 0,
                state: { waiting: { reason, message: `simulated ${reason}` } },
              },
            ],
          },
        },
      ];
    }
  }

  private notify(namespace: string, name: string): void {
    for (const channel of this.watchers.get(`${namespace}/${name}`) ?? []) {
      channel.push(this.deployment(namespace, name));
    }
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}

/** An error for `FakeCluster.failure`: the cluster cannot be reached. */
export function clusterDown(): UnavailableError {
  return new UnavailableError('kubernetes', 'connect ECONNREFUSED 127.0.0.1:6443');
}
