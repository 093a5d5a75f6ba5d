import type { KubeObject } from '../api-types';
import { badRequest, expired } from '../errors';
import {
  checkFieldSelector,
  matchesFields,
  metadataFields,
  parseFieldSelector,
} from '../selectors/field-selector';
import { matchesLabels, parseLabelSelector } from '../selectors/label-selector';
import type { StoredObject } from '../storage/object-store';
import type { ListOptions } from './options';
import type { Registry } from './registry';
import { storageKey, type ResourceDefinition } from './resource-definition';

export interface ListResult {
  items: StoredObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export type ObjectFilter = (object: KubeObject) => boolean;

/**
 * The selectable field values of stored objects, computed once per object: stored objects are never mutated,
 * and a field-selected list (events by `involvedObject.name`, say) would otherwise rebuild them for every object
 * of the namespace on every call.
 */
const fieldValues = new WeakMap<object, Record<string, string | undefined>>();

function fieldsOf(definition: ResourceDefinition, object: KubeObject): Record<string, string | undefined> {
  let values = fieldValues.get(object);
  if (!values) {
    values = { ...metadataFields(object), ...(definition.fieldGetter?.(object) ?? {}) };
    fieldValues.set(object, values);
  }
  return values;
}

/** The label and field selector of a request as one predicate (kube's SelectionPredicate). */
export function selectionFilter(definition: ResourceDefinition, options: ListOptions): ObjectFilter {
  const labels = parseLabelSelector(options.labelSelector);
  const fields = parseFieldSelector(options.fieldSelector);
  checkFieldSelector(fields, ['metadata.name', 'metadata.namespace', ...(definition.selectableFields ?? [])]);
  if (labels.length === 0 && fields.length === 0) return () => true;
  return (object) => {
    if (labels.length > 0 && !matchesLabels(labels, object.metadata.labels)) return false;
    if (fields.length === 0) return true;
    return matchesFields(fields, fieldsOf(definition, object));
  };
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

function encodeContinue(resourceVersion: number, lastKey: string): string {
  const token: ContinueToken = { v: 'meta.k8s.io/v1', rv: resourceVersion, start: `${lastKey}\u0000` };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeContinue(text: string): ContinueToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as ContinueToken;
    if (token.v !== 'meta.k8s.io/v1' || typeof token.start !== 'string' || typeof token.rv !== 'number')
      throw new Error('bad token');
    return token;
  } catch {
    throw badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
}

/**
 * LIST: objects in key order (namespace/name), filtered, paged by `limit` with an opaque `continue` token
 * (kube's shape: base64 JSON of the list's resourceVersion and the next key). A token older than the watch
 * cache window is 410 Expired, as an etcd-compacted one is.
 */
export function listObjects(
  registry: Registry,
  definition: ResourceDefinition,
  namespace: string | undefined,
  options: ListOptions,
): ListResult {
  const bucket = registry.store.bucket(storageKey(definition));
  const filter = selectionFilter(definition, options);
  let start = '';
  let listVersion = registry.store.resourceVersion;
  if (options.continue) {
    const token = decodeContinue(options.continue);
    if (token.rv < bucket.cache.oldestResourceVersion)
      throw expired(
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
      );
    start = token.start;
    listVersion = token.rv;
  }
  const prefix = definition.namespaced && namespace ? `${namespace}/` : '';
  const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
  const items: StoredObject[] = [];
  const keys = bucket.keys();
  let index = start ? lowerBound(keys, start) : prefix ? lowerBound(keys, prefix) : 0;
  let lastKey = '';
  for (; index < keys.length; index += 1) {
    const key = keys[index] as string;
    if (prefix && !key.startsWith(prefix)) break;
    const stored = bucket.objects.get(key);
    if (!stored || !filter(stored.object)) continue;
    if (items.length === limit) break;
    items.push(stored);
    lastKey = key;
  }
  const result: ListResult = { items, resourceVersion: String(listVersion) };
  if (
    index < keys.length &&
    items.length === limit &&
    (!prefix || (keys[index] as string).startsWith(prefix))
  ) {
    result.continue = encodeContinue(listVersion, lastKey);
    let remaining = 0;
    for (let rest = index; rest < keys.length; rest += 1) {
      const key = keys[rest] as string;
      if (prefix && !key.startsWith(prefix)) break;
      const stored = bucket.objects.get(key);
      if (stored && filter(stored.object)) remaining += 1;
    }
    if (remaining === 0) delete result.continue;
    else if (!options.labelSelector && !options.fieldSelector) result.remainingItemCount = remaining;
  }
  return result;
}

function lowerBound(keys: string[], target: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((keys[middle] as string) < target) low = middle + 1;
    else high = middle;
  }
  return low;
}
