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
import type { ObjectStore, StoredObject } from '../storage/object-store';
import { validateObjectMeta, validateObjectMetaUpdate } from '../validation/object-meta';
import { generateName } from './generate-name';
import type { WriteOptions } from './options';
import {
  apiVersionOf,
  storageKey,
  type ResourceDefinition,
  type StrategyContext,
} from './resource-definition';

export const NAMESPACES_KEY = '/namespaces';

export type Clock = () => Date;

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
    const incoming = parseBody(body);
    checkKind(definition, incoming);
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
    const object = handedOver ? parsed : structuredClone(parsed);
    checkKind(definition, object);
    object.apiVersion = apiVersionOf(definition);
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
