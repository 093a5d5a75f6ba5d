import { isJsonObject, type JsonObject } from '../api-types';
import {
  mergeKeyedSlice,
  mergeScalarSlice,
  normalizeElementOrder,
  StrategicMergeError,
  stripDirectives,
} from './list-order';
import { patchMetaFor } from './patch-meta';

export { StrategicMergeError } from './list-order';

const DELETE = Symbol('delete');
const SET_ELEMENT_ORDER = '$setElementOrder/';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';

/**
 * Kubernetes strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch): maps merge, `null` deletes,
 * lists with a merge key merge item by item (containers by name, env by name, ports by containerPort, ...),
 * other lists are replaced. Directives: `$patch: replace|delete|merge`, `$retainKeys`,
 * `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>`. Merged lists come out in kube's order
 * (`list-order.ts`).
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
  // Lists with an order directive are merged and ordered first, as kube's mergePatchIntoOriginal does.
  const ordered = new Set<string>();
  for (const [key, value] of Object.entries(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const field = key.slice(SET_ELEMENT_ORDER.length);
    if (!Array.isArray(value)) throw new StrategicMergeError(`invalid patch: ${key} must be a list`);
    ordered.add(field);
    const list = orderedList(result[field], patch[field], value, [...path, field], kind);
    if (list !== undefined) result[field] = list;
  }
  const removals: [string, unknown[]][] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith(SET_ELEMENT_ORDER) || ordered.has(key))
      continue;
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      removals.push([key.slice(DELETE_FROM_PRIMITIVE_LIST.length), Array.isArray(value) ? value : []]);
      continue;
    }
    mergeField(result, key, value, [...path, key], kind);
  }
  for (const [field, values] of removals) {
    const list = result[field];
    // kube takes the parallel list as the value when the field is absent; then it filters.
    result[field] = Array.isArray(list) ? list.filter((item) => !values.includes(item)) : values;
  }
  if (Array.isArray(patch.$retainKeys)) {
    const retain = new Set(patch.$retainKeys.map(String));
    for (const key of Object.keys(result)) if (!retain.has(key)) delete result[key];
  } else if (patch.$retainKeys !== undefined) {
    throw new StrategicMergeError('invalid patch: $retainKeys must be a list of strings');
  }
  return result;
}

function mergeField(result: JsonObject, key: string, value: unknown, path: string[], kind: string): void {
  const current = result[key];
  if (value === null) {
    delete result[key];
  } else if (isJsonObject(value) && (current === undefined || isJsonObject(current))) {
    const merged = mergeMap((current as JsonObject | undefined) ?? {}, value, path, kind);
    if (merged === DELETE) delete result[key];
    else result[key] = merged;
  } else if (Array.isArray(value) && (current === undefined || Array.isArray(current))) {
    result[key] = mergeList(current as unknown[] | undefined, value, path, kind);
  } else {
    result[key] = stripDirectives(value);
  }
}

function mergeItem(path: string[], kind: string) {
  return (live: JsonObject, patch: JsonObject) => {
    const merged = mergeMap(live, patch, path, kind);
    return merged === DELETE ? undefined : merged;
  };
}

function mergeList(
  original: unknown[] | undefined,
  patch: unknown[],
  path: string[],
  kind: string,
): unknown[] {
  const meta = patchMetaFor(kind, path);
  if (meta.mergeKey) return mergeKeyedSlice(original ?? [], patch, meta.mergeKey, mergeItem(path, kind)).list;
  if (meta.mergeStrategy) return mergeScalarSlice(original ?? [], patch);
  return patch.filter((item) => !(isJsonObject(item) && item.$patch !== undefined)).map(stripDirectives);
}

/**
 * A list under `$setElementOrder`: merged as usual, then the items the directive names follow its order and
 * the live ones it does not name keep their places among them (kube's mergePatchIntoOriginal).
 */
function orderedList(
  originalValue: unknown,
  patchValue: unknown,
  order: unknown[],
  path: string[],
  kind: string,
): unknown[] | undefined {
  const original = Array.isArray(originalValue) ? originalValue : undefined;
  const patch = Array.isArray(patchValue) ? patchValue : undefined;
  if (!original && !patch) return undefined;
  const { mergeKey, mergeStrategy } = patchMetaFor(kind, path);
  if (mergeKey) {
    checkOrder(patch ?? [], order, mergeKey);
    const identity = (item: unknown) => (isJsonObject(item) ? item[mergeKey] : undefined);
    if (!patch) return normalizeElementOrder(original ?? [], order, original ?? [], identity);
    const merged = mergeKeyedSlice(original ?? [], patch, mergeKey, mergeItem(path, kind));
    return normalizeElementOrder(merged.list, order, original ? merged.liveWindow : [], identity);
  }
  if (mergeStrategy) {
    const merged = original && patch ? mergeScalarSlice(original, patch) : (original ?? patch ?? []);
    return normalizeElementOrder(merged, order, original ?? [], (item) => item);
  }
  // An atomic list: the patch replaces it and there is nothing to order.
  return patch ? mergeList(original, patch, path, kind) : original;
}

/** kube's validatePatchWithSetOrderList: the patch's items must appear in the directive, in its order. */
function checkOrder(patch: unknown[], order: unknown[], mergeKey: string): void {
  const items = patch.filter((item) => !(isJsonObject(item) && item.$patch !== undefined));
  let position = 0;
  for (const item of items) {
    const key = isJsonObject(item) ? item[mergeKey] : undefined;
    while (
      position < order.length &&
      !(isJsonObject(order[position]) && (order[position] as JsonObject)[mergeKey] === key)
    )
      position++;
    if (position >= order.length)
      throw new StrategicMergeError(
        `The order in patch list:\n${JSON.stringify(patch)}\n doesn't match $setElementOrder list:\n${JSON.stringify(order)}\n`,
      );
    position++;
  }
}
