import { randomUUID } from 'node:crypto';
import { asObject, isJsonObject, jsonEqual, kubeTime, type KubeObject } from '../api-types';
import {
  alreadyExists,
  badRequest,
  conflict,
  fieldError,
  forbidden,
  invalid,
  notFound,
  type FieldError,
} from '../errors';
import { managerOf, recordUpdateWrite, writeScope } from '../patch/field-manager';
import type { ObjectStore, StoredObject } from '../storage/object-store';
import { validateObjectMeta, validateObjectMetaUpdate } from '../validation/object-meta';
import { generateName } from './generate-name';
import type { WriteOptions } from './options';
import {
  apiVersionOf,
  storageApiVersionOf,
  storageKey,
  type ResourceDefinition,
  type StrategyContext,
} from './resource-definition';

export const NAMESPACES_KEY = '/namespaces';

export type Clock = () => Date;

/**
 * One of kube-apiserver's admission plugins, run on every create after the namespace check and before the
 * strategy: it may change the object or refuse it by throwing a StatusError (the ServiceAccount plugin).
 */
export type AdmissionPlugin = (definition: ResourceDefinition, object: KubeObject) => void;

/** The object a write stored (or would store, on dry run), and whether it is new. */
export interface WriteResult {
  object: KubeObject;
  created: boolean;
}

/**
 * The generic registry: get, create and update with Kubernetes semantics for any resource, parameterised by the
 * resource's strategy (kube-apiserver's genericregistry.Store). List, watch, patch and delete build on it.
 */
export class Registry {
  /** The admission chain of creates, in order. */
  readonly admission: AdmissionPlugin[] = [];

  constructor(
    readonly store: ObjectStore,
    readonly clock: Clock,
  ) {}

  context(): StrategyContext {
    return { now: this.clock() };
  }

  get(definition: ResourceDefinition, namespace: string | undefined, name: string): KubeObject {
    return this.getStored(definition, namespace, name).object;
  }

  getStored(definition: ResourceDefinition, namespace: string | undefined, name: string): StoredObject {
    const stored = this.store.get(storageKey(definition), scope(definition, namespace), name);
    if (!stored) throw notFound(definition, name);
    return stored;
  }

  find(definition: ResourceDefinition, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(storageKey(definition), scope(definition, namespace), name)?.object;
  }

  create(
    definition: ResourceDefinition,
    namespace: string | undefined,
    body: unknown,
    options: WriteOptions = {},
  ): KubeObject {
    const object = this.admitNew(definition, namespace, body, options.bodyHandedOver === true);
    // Zero values as decoding into Go structs sees them: an explicit 0 is "unset" to the defaults.
    definition.strategy.normalizeZeroValues?.(object);
    const context = this.context();
    const meta = object.metadata;
    if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
    meta.uid = randomUUID();
    meta.creationTimestamp = kubeTime(context.now);
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (definition.strategy.tracksGeneration) meta.generation = 1;
    else delete meta.generation;
    definition.strategy.prepareForCreate(object, context);
    definition.strategy.normalizeZeroValues?.(object);
    if (!options.fieldsRecorded) this.recordFields(definition, undefined, object, options);
    definition.strategy.admitCreate?.(object, context);
    this.checkValid(definition, object, [
      ...validateObjectMeta(object, definition.strategy.nameErrors, definition.namespaced),
      ...definition.strategy.validate(object, context),
    ]);
    if (this.store.get(storageKey(definition), meta.namespace, meta.name ?? ''))
      throw alreadyExists(definition, meta.name ?? '');
    if (options.dryRun) return object;
    const stored = this.store.put(storageKey(definition), object);
    definition.strategy.afterCreate?.(stored.object);
    return stored.object;
  }

  /** PUT of the main resource or of its status subresource. */
  update(
    definition: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions = {},
    subresource?: 'status',
  ): WriteResult {
    const parsed = parseBody(body);
    checkKind(definition, parsed);
    const incoming = inStorageVersion(definition, parsed);
    const previous = this.store.get(storageKey(definition), scope(definition, namespace), name)?.object;
    if (!previous) {
      if (definition.strategy.allowCreateOnUpdate && !subresource)
        return { object: this.create(definition, namespace, incoming, options), created: true };
      throw notFound(definition, name);
    }
    if (incoming.metadata.name && incoming.metadata.name !== name)
      throw badRequest(
        `the name of the object (${incoming.metadata.name}) does not match the name on the URL (${name})`,
      );
    const requested = incoming.metadata.resourceVersion;
    if (requested && requested !== previous.metadata.resourceVersion) throw conflict(definition, name);
    const next =
      subresource === 'status'
        ? statusUpdate(incoming, previous)
        : this.mainUpdate(definition, incoming, previous);
    // A status write's zeros go before its fields are recorded, as Go's decoding drops them (mainUpdate did so).
    if (subresource === 'status') definition.strategy.normalizeZeroValues?.(next);
    if (options.fieldsRecorded) next.metadata.managedFields = incoming.metadata.managedFields;
    else this.recordFields(definition, previous, next, options, subresource);
    return { object: this.commitUpdate(definition, next, previous, options), created: false };
  }

  /** Stores `next` as the new version of `previous` after validation, or deletes it when its finalizers are gone. */
  commitUpdate(
    definition: ResourceDefinition,
    next: KubeObject,
    previous: KubeObject,
    options: WriteOptions,
    startsDeletion = false,
    skipStrategyValidation = false,
  ): KubeObject {
    const context = this.context();
    // Before the generation and no-op checks: an explicit zero Go omits equals the stored absence.
    definition.strategy.normalizeZeroValues?.(next);
    next.apiVersion = previous.apiVersion;
    next.kind = previous.kind;
    next.metadata.resourceVersion = previous.metadata.resourceVersion;
    if (definition.strategy.tracksGeneration) {
      // Spec changes bump the generation, and so does the start of a graceful deletion (kube's BeforeDelete).
      const bump = specChanged(next, previous) || startsDeletion;
      next.metadata.generation = (previous.metadata.generation ?? 1) + (bump ? 1 : 0);
    }
    this.checkValid(definition, next, [
      ...validateObjectMeta(next, definition.strategy.nameErrors, definition.namespaced),
      ...validateObjectMetaUpdate(next, previous),
      ...finalizerErrors(next, previous),
      ...(skipStrategyValidation ? [] : definition.strategy.validateUpdate(next, previous, context)),
    ]);
    if (jsonEqual(next, previous)) return previous;
    if (options.dryRun) return next;
    const key = storageKey(definition);
    if (shouldDeleteDuringUpdate(next) && !definition.strategy.holdsDeletion?.(next)) {
      const removed = this.store.remove(key, previous.metadata.namespace, previous.metadata.name ?? '');
      if (removed) definition.strategy.afterDelete?.(removed.object);
      return removed?.object ?? next;
    }
    const stored = this.store.put(key, next);
    definition.strategy.afterUpdate?.(stored.object, previous);
    return stored.object;
  }

  /**
   * kube's field manager on a create or update: the writer (fieldManager, else the User-Agent's product) takes
   * the fields it set in an Update entry of metadata.managedFields. Server-side apply records its own entry;
   * the server's own writes, which name no manager, only keep the stored entries.
   */
  private recordFields(
    definition: ResourceDefinition,
    previous: KubeObject | undefined,
    next: KubeObject,
    options: WriteOptions,
    subresource?: 'status',
  ): void {
    const manager = managerOf(options.fieldManager, options.userAgent);
    if (manager === undefined) {
      if (!next.metadata.managedFields && previous?.metadata.managedFields)
        next.metadata.managedFields = previous.metadata.managedFields;
      return;
    }
    recordUpdateWrite({
      previous,
      next,
      scope: writeScope(definition.strategy.statusSubresource, subresource),
      writer: { manager, apiVersion: apiVersionOf(definition), subresource, time: kubeTime(this.clock()) },
    });
  }

  private mainUpdate(definition: ResourceDefinition, incoming: KubeObject, previous: KubeObject): KubeObject {
    const next = structuredClone(incoming);
    const meta = next.metadata;
    meta.namespace = previous.metadata.namespace;
    meta.name = previous.metadata.name;
    meta.uid = meta.uid || previous.metadata.uid;
    meta.creationTimestamp = previous.metadata.creationTimestamp;
    meta.deletionTimestamp = previous.metadata.deletionTimestamp;
    meta.deletionGracePeriodSeconds = previous.metadata.deletionGracePeriodSeconds;
    if (meta.deletionTimestamp === undefined) delete meta.deletionTimestamp;
    if (meta.deletionGracePeriodSeconds === undefined) delete meta.deletionGracePeriodSeconds;
    delete meta.generateName;
    if (previous.metadata.generateName) meta.generateName = previous.metadata.generateName;
    if (definition.strategy.statusSubresource) {
      if (previous.status === undefined) delete next.status;
      else next.status = previous.status;
    }
    definition.strategy.normalizeZeroValues?.(next);
    definition.strategy.prepareForUpdate(next, previous, this.context());
    return next;
  }

  /**
   * Checks body, kind and namespace of a create, and that the namespace exists and is not terminating. The
   * object is a deep copy of `body` unless the caller handed the body over.
   */
  private admitNew(
    definition: ResourceDefinition,
    namespace: string | undefined,
    body: unknown,
    handedOver: boolean,
  ): KubeObject {
    const parsed = parseBody(body);
    checkKind(definition, parsed);
    const object = inStorageVersion(definition, handedOver ? parsed : structuredClone(parsed));
    object.apiVersion = storageApiVersionOf(definition);
    object.kind = definition.kind;
    if (definition.namespaced) {
      if (object.metadata.namespace && namespace && object.metadata.namespace !== namespace)
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      object.metadata.namespace = namespace ?? object.metadata.namespace;
      this.checkNamespaceOpen(definition, object);
    } else {
      delete object.metadata.namespace;
    }
    for (const admit of this.admission) admit(definition, object);
    return object;
  }

  private checkNamespaceOpen(definition: ResourceDefinition, object: KubeObject): void {
    const namespace = object.metadata.namespace;
    if (!namespace) return;
    const stored = this.store.get(NAMESPACES_KEY, undefined, namespace);
    if (!stored) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    if (stored.object.metadata.deletionTimestamp)
      throw forbidden(
        definition,
        object.metadata.name ?? object.metadata.generateName ?? '',
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
  }

  private checkValid(definition: ResourceDefinition, object: KubeObject, errors: FieldError[]): void {
    if (errors.length > 0)
      throw invalid(definition, object.metadata.name ?? object.metadata.generateName ?? '', errors);
  }
}

export function scope(definition: ResourceDefinition, namespace: string | undefined): string | undefined {
  return definition.namespaced ? namespace : undefined;
}

/** A body written through `definition` in its storage version, as kube decodes writes into that version. */
function inStorageVersion(definition: ResourceDefinition, object: KubeObject): KubeObject {
  return definition.conversion ? definition.conversion.toStorage(object) : object;
}

export function parseBody(body: unknown): KubeObject {
  if (!isJsonObject(body)) throw badRequest('the body of the request must be a JSON or YAML object');
  if (body.metadata !== undefined && !isJsonObject(body.metadata))
    throw badRequest('metadata must be an object');
  return { ...body, metadata: { ...asObject(body.metadata) } } as KubeObject;
}

function checkKind(definition: ResourceDefinition, object: KubeObject): void {
  if (object.kind !== undefined && object.kind !== definition.kind && object.kind !== '')
    throw badRequest(
      `the kind in the data (${String(object.kind)}) does not match the expected kind (${definition.kind})`,
    );
  const expected = apiVersionOf(definition);
  if (object.apiVersion !== undefined && object.apiVersion !== '' && object.apiVersion !== expected) {
    const group = String(object.apiVersion).includes('/') ? String(object.apiVersion).split('/')[0] : '';
    if (group !== definition.group)
      throw badRequest(
        `the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${expected})`,
      );
  }
}

/** What a status write changes: only status (and, as for pods, nothing else is taken from the body). */
function statusUpdate(incoming: KubeObject, previous: KubeObject): KubeObject {
  const next = structuredClone(previous);
  if (incoming.status === undefined) delete next.status;
  else next.status = structuredClone(incoming.status);
  return next;
}

/** True when anything but metadata and status differs: the rule for metadata.generation. */
export function specChanged(next: KubeObject, previous: KubeObject): boolean {
  const keys = new Set([...Object.keys(next), ...Object.keys(previous)]);
  for (const key of keys) {
    if (key === 'metadata' || key === 'status' || key === 'apiVersion' || key === 'kind') continue;
    if (!jsonEqual(next[key], previous[key])) return true;
  }
  return false;
}

function finalizerErrors(next: KubeObject, previous: KubeObject): FieldError[] {
  if (!previous.metadata.deletionTimestamp) return [];
  const before = new Set(previous.metadata.finalizers ?? []);
  const added = (next.metadata.finalizers ?? []).filter((finalizer) => !before.has(finalizer));
  if (added.length === 0) return [];
  return [
    fieldError.forbidden(
      'metadata.finalizers',
      `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
    ),
  ];
}

/** An object being deleted goes once its finalizers are gone and no grace period remains (genericregistry). */
function shouldDeleteDuringUpdate(object: KubeObject): boolean {
  const meta = object.metadata;
  return (
    Boolean(meta.deletionTimestamp) &&
    (meta.finalizers ?? []).length === 0 &&
    (meta.deletionGracePeriodSeconds ?? 0) === 0
  );
}
