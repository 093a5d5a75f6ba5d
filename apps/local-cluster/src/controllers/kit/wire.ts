/**
 * Objects as they travel over HTTP: plain JSON. `@kubernetes/client-node`'s model classes type timestamps as
 * `Date`, but watch events (and everything this package keeps) hold RFC 3339 strings, so the controllers use
 * the models through `Wire<T>`, which turns every `Date` into `string`. Lists read through the typed API are
 * normalised with `toWire` so cached objects have one shape whichever way they arrived.
 */
import type {
  CoreV1Event,
  V1ConfigMap,
  V1Container,
  V1ContainerStatus,
  V1Deployment,
  V1DeploymentCondition,
  V1EndpointSlice,
  V1Endpoints,
  V1LabelSelector,
  V1Lease,
  V1Namespace,
  V1Node,
  V1NodeCondition,
  V1ObjectMeta,
  V1OwnerReference,
  V1Pod,
  V1PodCondition,
  V1PodTemplateSpec,
  V1ReplicaSet,
  V1Secret,
  V1Service,
  V1Taint,
  V1Toleration,
} from '@kubernetes/client-node';

export type Wire<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

export type ObjectMeta = Wire<V1ObjectMeta>;
export type OwnerReference = Wire<V1OwnerReference>;
export type LabelSelector = Wire<V1LabelSelector>;
export type Pod = Wire<V1Pod>;
export type PodCondition = Wire<V1PodCondition>;
export type PodTemplateSpec = Wire<V1PodTemplateSpec>;
export type Container = Wire<V1Container>;
export type ContainerStatus = Wire<V1ContainerStatus>;
export type Node = Wire<V1Node>;
export type NodeCondition = Wire<V1NodeCondition>;
export type Taint = Wire<V1Taint>;
export type Toleration = Wire<V1Toleration>;
export type Lease = Wire<V1Lease>;
export type ReplicaSet = Wire<V1ReplicaSet>;
export type Deployment = Wire<V1Deployment>;
export type DeploymentCondition = Wire<V1DeploymentCondition>;
export type Service = Wire<V1Service>;
export type Endpoints = Wire<V1Endpoints>;
export type EndpointSlice = Wire<V1EndpointSlice>;
export type Namespace = Wire<V1Namespace>;
export type ConfigMap = Wire<V1ConfigMap>;
export type Secret = Wire<V1Secret>;
export type KubeEvent = Wire<CoreV1Event>;

/** What every stored object has. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** A deep copy in plain JSON form: `Date`s become RFC 3339 strings, `undefined` fields disappear. */
export function toWire<T>(value: T): Wire<T> {
  return JSON.parse(JSON.stringify(value)) as Wire<T>;
}

/** A plain object handed to a typed client method; its serializer passes string timestamps through. */
export function asBody<T>(value: object): T {
  return value as unknown as T;
}

/** The informer key: `namespace/name`, or `name` for cluster-scoped objects. */
export function keyOf(object: KubeObject): string {
  const namespace = object.metadata?.namespace;
  const name = object.metadata?.name ?? '';
  return namespace ? `${namespace}/${name}` : name;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0
    ? { namespace: '', name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export function nameOf(object: KubeObject): string {
  return object.metadata?.name ?? '';
}

export function namespaceOf(object: KubeObject): string {
  return object.metadata?.namespace ?? '';
}

export function uidOf(object: KubeObject): string {
  return object.metadata?.uid ?? '';
}

export function isDeleting(object: KubeObject): boolean {
  return Boolean(object.metadata?.deletionTimestamp);
}
