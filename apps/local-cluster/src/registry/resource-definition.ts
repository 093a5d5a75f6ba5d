import type { KubeObject } from '../api-types';
import type { FieldError } from '../errors';
import type { FieldGetter } from '../selectors/field-selector';

/** Where a strategy reaches cluster-wide state it needs while preparing an object (IP allocation, CRDs). */
export interface StrategyContext {
  now: Date;
}

/** A table column as meta.k8s.io/v1 Table defines it, plus how to read its cell from an object. */
export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description?: string;
  priority?: number;
  cell(object: KubeObject, now: Date): unknown;
}

/** How `scale` reads and writes a resource's replicas (autoscaling/v1 Scale). */
export interface ScaleAccess {
  specReplicas(object: KubeObject): number;
  statusReplicas(object: KubeObject): number;
  selector(object: KubeObject): string;
  setSpecReplicas(object: KubeObject, replicas: number): void;
}

/**
 * The per-resource behaviour of the generic registry, as kube-apiserver's RESTCreateStrategy and
 * RESTUpdateStrategy: defaulting, validation, spec/status split and deletion rules.
 */
export interface ResourceStrategy {
  /** Defaults, clears what a client may not set on create (status of resources with a status subresource). */
  prepareForCreate(object: KubeObject, context: StrategyContext): void;
  /**
   * What kube's mutating admission plugins set on a create (a pod's service account, priority and default
   * tolerations). Run after the writer's fields are recorded, as kube-apiserver does, so the writer does not
   * own them in metadata.managedFields.
   */
  admitCreate?(object: KubeObject, context: StrategyContext): void;
  /** Carries over what a main-resource update may not change (status), applies update defaults. */
  prepareForUpdate(object: KubeObject, previous: KubeObject, context: StrategyContext): void;
  /** Errors for a new object; metadata is validated by the registry. */
  validate(object: KubeObject, context: StrategyContext): FieldError[];
  /** Errors for an update (immutability rules and the create rules). */
  validateUpdate(object: KubeObject, previous: KubeObject, context: StrategyContext): FieldError[];
  /** Name rule: DNS-1123 subdomain unless said otherwise. */
  nameErrors(name: string): string[];
  /** True when the resource has a status subresource, so main writes ignore status and status writes ignore spec. */
  statusSubresource: boolean;
  /** True when metadata.generation counts spec changes. */
  tracksGeneration: boolean;
  /** PUT of a missing object creates it (endpoints). */
  allowCreateOnUpdate: boolean;
  /** DELETE answers with the deleted object instead of a Status (pods, services, namespaces, CRs). */
  returnDeletedObject: boolean;
  /** Seconds of graceful deletion for this object (pods); 0 deletes now. */
  gracePeriodSeconds?(object: KubeObject, requested: number | undefined): number;
  /** Custom deletion (namespaces): returns the object to store instead of deleting, or undefined to delete. */
  beforeDelete?(object: KubeObject, context: StrategyContext): KubeObject | undefined;
  /** True while something besides metadata.finalizers keeps a deleted object (a namespace's spec.finalizers). */
  holdsDeletion?(object: KubeObject): boolean;
  /**
   * Drops the fields Go's encoding leaves out when zero (`omitempty`) and writes the untagged ones that are
   * missing, as kube-apiserver's decode and encode do: run on a body before defaulting and on every object
   * before it is stored, so GET, LIST and WATCH show what a real cluster sends whoever wrote it.
   */
  normalizeZeroValues?(object: KubeObject): void;
  /** Called after the object is stored for the first time. */
  afterCreate?(object: KubeObject): void;
  /** Called after an update is stored. */
  afterUpdate?(object: KubeObject, previous: KubeObject): void;
  /** Called after the object is removed from storage. */
  afterDelete?(object: KubeObject): void;
}

/**
 * How a version that is not the storage version reads and writes its objects, as kube-apiserver converts
 * between a group's versions (autoscaling/v1 HorizontalPodAutoscalers are stored as autoscaling/v2).
 */
export interface VersionConversion {
  /** apiVersion of the stored objects. */
  storageApiVersion: string;
  /** A stored object as this version serves it. */
  fromStorage(object: KubeObject): KubeObject;
  /** An object written through this version, in the storage version (an object already in it passes as is). */
  toStorage(object: KubeObject): KubeObject;
}

/** One served resource: its identity, discovery data and strategy. */
export interface ResourceDefinition {
  group: string;
  version: string;
  /** Plural, lower case: the URL segment. */
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Served subresources: status, scale, log, binding, eviction, finalize. */
  subresources: string[];
  /** Verbs discovery lists; defaults to the full set. */
  verbs?: string[];
  strategy: ResourceStrategy;
  /** Selectable fields beyond metadata.name and metadata.namespace. */
  fieldGetter?: FieldGetter;
  selectableFields?: string[];
  scale?: ScaleAccess;
  /** Columns for `kubectl get` (meta.k8s.io Table); NAME and AGE only when absent. */
  columns?: TableColumn[];
  /** False for custom resources: strategic merge patch is unsupported there (415), as in kube. */
  strategicMergePatch: boolean;
  /**
   * resourceVersion where the resource's watch history starts (a custom resource's, when its CRD began to
   * be served, as kube starts its watch cache then): watches from older ones get 410 Expired.
   */
  watchHistoryFrom?: number;
  /** Set when objects are stored in another version of the group (the strategy then sees that version). */
  conversion?: VersionConversion;
}

export function apiVersionOf(definition: Pick<ResourceDefinition, 'group' | 'version'>): string {
  return definition.group ? `${definition.group}/${definition.version}` : definition.version;
}

/** apiVersion of a resource's stored objects: its own unless it converts to another version. */
export function storageApiVersionOf(definition: ResourceDefinition): string {
  return definition.conversion?.storageApiVersion ?? apiVersionOf(definition);
}

/** Key of a resource's storage; shared by all versions of a group-resource. */
export function storageKey(definition: Pick<ResourceDefinition, 'group' | 'resource'>): string {
  return `${definition.group}/${definition.resource}`;
}
