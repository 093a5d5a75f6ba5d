/**
 * The port through which cite's logic reaches a Kubernetes cluster. `KubeCluster` implements it over
 * `@kubernetes/client-node`; `FakeCluster` (from `@cite/kube/testing`) in memory for unit tests of logic.
 * Every method fails with cite's typed errors (see `translateKubeError`).
 */
import type {
  CoreV1Event,
  V1Deployment,
  V1Ingress,
  V1Namespace,
  V1Pod,
  V1ReplicaSet,
  V1Service,
} from '@kubernetes/client-node';

/** The objects cite applies, told apart by `kind`. */
export type AppliedObject =
  | (V1Namespace & { kind: 'Namespace' })
  | (V1Deployment & { kind: 'Deployment' })
  | (V1Service & { kind: 'Service' })
  | (V1Ingress & { kind: 'Ingress' });

export type ObjectKind = AppliedObject['kind'];

export interface ObjectRef {
  kind: ObjectKind;
  name: string;
  /** Absent for namespaces. */
  namespace?: string;
}

export interface Cluster {
  /**
   * Server-side apply with field manager `cite` (forcing ownership of the fields cite sets): creates the object
   * when missing, else makes the fields cite manages equal to `object`. Applying the same object again changes no
   * spec (the generation stays, no new rollout). Returns the object as stored.
   */
  apply<T extends AppliedObject>(object: T): Promise<T>;
  /** Deletes (background propagation); false when it was not there. */
  delete(ref: ObjectRef): Promise<boolean>;
  getDeployment(namespace: string, name: string): Promise<V1Deployment | null>;
  /**
   * The Deployment now, then each version of it as it changes (null while it does not exist), until `signal`
   * aborts. Reconnects and re-lists by itself (410 Gone included); fails with `UnavailableError` when the cluster
   * stays unreachable.
   */
  watchDeployment(namespace: string, name: string, signal: AbortSignal): AsyncIterable<V1Deployment | null>;
  listPods(namespace: string, labelSelector: string): Promise<V1Pod[]>;
  /** ReplicaSets (one per Deployment revision) matching the selector. */
  listReplicaSets(namespace: string, labelSelector: string): Promise<V1ReplicaSet[]>;
  /** Events in the namespace about the named objects (all of them when `names` is empty). */
  listEvents(namespace: string, names?: readonly string[]): Promise<CoreV1Event[]>;
  /** Sets a Deployment's replicas through its scale subresource. */
  scale(namespace: string, name: string, replicas: number): Promise<void>;
  /** Resolves when the API server answers. */
  ping(): Promise<void>;
}
