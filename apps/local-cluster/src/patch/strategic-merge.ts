import { isJsonObject, type JsonObject } from '../api-types';
import { patchMetaFor } from './patch-meta';

/** A strategic merge patch that cannot apply (malformed directive); the registry answers 400. */
export class StrategicMergeError extends Error {}

const DELETE = Symbol('delete');
const SET_ELEMENT_ORDER = '$setElementOrder/';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';

/**
 * Kubernetes strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch): maps merge, `null` deletes,
 * lists with a merge key merge item by item (containers by name, env by name, ports by containerPort, ...),
 * other lists are replaced. Directives: `$patch: replace|delete|merge`, `$retainKeys`,
 * `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>`.
 */
export function applyStrategicMergePatch(target: unknown, patch: unknown, kind: string): unknown {
  if (!isJsonObject(patch)) throw new StrategicMergeError('strategic merge patch must be a JSON object');
  const result = mergeMap(isJsonObject(target) ? target : {}, patch, [], kind);
  return result === DELETE ? {} : result;
}

function mergeMap(
  original: JsonObject,
  patch: JsonObject,
  path: string[],
  kind: string,
): JsonObject | typeof DELETE {
  const directive = patch.$patch;
  if (directive === 'delete') return DELETE;
  if (directive === 'replace') return stripDirectives(patch) as JsonObject;
  if (directive !== undefined && directive !== 'merge')
    throw new StrategicMergeError(
      `Unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`,
    );
  const result: JsonObject = { ...original };
  const orders: [string, unknown[]][] = [];
  const removals: [string, unknown[]][] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys') continue;
    if (key.startsWith(SET_ELEMENT_ORDER)) {
      orders.push([key.slice(SET_ELEMENT_ORDER.length), Array.isArray(value) ? value : []]);
      continue;
    }
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      removals.push([key.slice(DELETE_FROM_PRIMITIVE_LIST.length), Array.isArray(value) ? value : []]);
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    const childPath = [...path, key];
    if (isJsonObject(value)) {
      const merged = mergeMap(
        isJsonObject(result[key]) ? (result[key] as JsonObject) : {},
        value,
        childPath,
        kind,
      );
      if (merged === DELETE) delete result[key];
      else result[key] = merged;
    } else if (Array.isArray(value)) {
      result[key] = mergeList(
        Array.isArray(result[key]) ? (result[key] as unknown[]) : [],
        value,
        childPath,
        kind,
      );
    } else {
      result[key] = value;
    }
  }
  for (const [field, values] of removals) {
    if (Array.isArray(result[field]))
      result[field] = (result[field] as unknown[]).filter((item) => !values.includes(item));
  }
  for (const [field, order] of orders) {
    if (Array.isArray(result[field]))
      result[field] = reorder(
        result[field] as unknown[],
        order,
        patchMetaFor(kind, [...path, field]).mergeKey,
      );
  }
  if (Array.isArray(patch.$retainKeys)) {
    const retain = new Set(patch.$retainKeys.map(String));
    for (const key of Object.keys(result)) if (!retain.has(key)) delete result[key];
  } else if (patch.$retainKeys !== undefined) {
    throw new StrategicMergeError('invalid patch: $retainKeys must be a list of strings');
  }
  return result;
}

function mergeList(original: unknown[], patch: unknown[], path: string[], kind: string): unknown[] {
  if (patch.some((item) => isJsonObject(item) && item.$patch === 'replace'))
    return patch.filter((item) => !(isJsonObject(item) && item.$patch === 'replace')).map(stripDirectives);
  const meta = patchMetaFor(kind, path);
  const mergeKey = meta.mergeKey;
  if (mergeKey) {
    const result = original.map((item) => item);
    for (const item of patch) {
      if (!isJsonObject(item)) {
        result.push(item);
        continue;
      }
      const key = item[mergeKey];
      const index = result.findIndex((existing) => isJsonObject(existing) && existing[mergeKey] === key);
      if (item.$patch === 'delete') {
        if (index >= 0) result.splice(index, 1);
        continue;
      }
      const merged = mergeMap(index >= 0 ? (result[index] as JsonObject) : {}, item, path, kind);
      if (merged === DELETE) {
        if (index >= 0) result.splice(index, 1);
      } else if (index >= 0) result[index] = merged;
      else result.push(merged);
    }
    return result;
  }
  if (meta.mergeStrategy) {
    const result = [...original];
    for (const item of patch) if (!result.includes(item)) result.push(item);
    return result;
  }
  return patch.map(stripDirectives);
}

/** Orders `items` as `order` lists them (by merge key or value); items it does not list keep their place after. */
function reorder(items: unknown[], order: unknown[], mergeKey: string | undefined): unknown[] {
  const identity = (item: unknown) => (mergeKey && isJsonObject(item) ? item[mergeKey] : item);
  const positions = new Map(order.map((item, index) => [JSON.stringify(identity(item)), index]));
  const indexed = items.map((item, index) => ({
    item,
    index,
    rank: positions.get(JSON.stringify(identity(item))),
  }));
  indexed.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.index - b.index);
  return indexed.map((entry) => entry.item);
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isJsonObject(value)) return value;
  const result: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (key.startsWith('$')) continue;
    result[key] = stripDirectives(child);
  }
  return result;
}
