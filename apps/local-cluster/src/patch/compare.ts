import { isJsonObject, jsonEqual, type JsonObject } from '../api-types';
import { isAtomicMap, itemElement, listShape } from './field-path';
import { makeNode, UNOWNED_METADATA, type FieldSet } from './field-set';

/**
 * What a write changed, as structured-merge-diff's Compare sees it: `changed` holds the added and modified
 * fields (a map, list or item that did not exist before is a member too, which is where managedFields' `.`
 * entries come from), `removed` the fields that are gone.
 */
export interface FieldChanges {
  changed?: FieldSet;
  removed?: FieldSet;
}

/** Which top-level fields a write may own (kube's reset fields: status on the main resource, spec on /status). */
export type FieldScope = (field: string) => boolean;

export const ALL_FIELDS: FieldScope = () => true;

type Pair = [changed: FieldSet | undefined, removed: FieldSet | undefined];
const NONE: Pair = [undefined, undefined];

export function compareObjects(
  live: JsonObject,
  next: JsonObject,
  kind: string,
  scope: FieldScope,
): FieldChanges {
  const changed: Record<string, FieldSet> = {};
  const removed: Record<string, FieldSet> = {};
  for (const key of keysOf(live, next)) {
    if (key === 'apiVersion' || key === 'kind' || !scope(key)) continue;
    const [added, gone] =
      key === 'metadata'
        ? compareMetadata(live.metadata, next.metadata, kind)
        : compareValue(live[key], next[key], [key], kind);
    if (added) changed[`f:${key}`] = added;
    if (gone) removed[`f:${key}`] = gone;
  }
  return { changed: makeNode(false, changed), removed: makeNode(false, removed) };
}

/** metadata itself and its server-set fields belong to nobody (kube's stripMetaManager). */
function compareMetadata(live: unknown, next: unknown, kind: string): Pair {
  const before = isJsonObject(live) ? live : {};
  const after = isJsonObject(next) ? next : {};
  const changed: Record<string, FieldSet> = {};
  const removed: Record<string, FieldSet> = {};
  for (const key of keysOf(before, after)) {
    if (UNOWNED_METADATA.has(key)) continue;
    const [added, gone] = compareValue(before[key], after[key], ['metadata', key], kind);
    if (added) changed[`f:${key}`] = added;
    if (gone) removed[`f:${key}`] = gone;
  }
  return [makeNode(false, changed), makeNode(false, removed)];
}

function keysOf(a: JsonObject | undefined, b: JsonObject | undefined): string[] {
  const keys = a ? Object.keys(a).filter((key) => a[key] !== undefined) : [];
  if (b)
    for (const key of Object.keys(b))
      if (b[key] !== undefined && (!a || a[key] === undefined)) keys.push(key);
  return keys;
}

type ValueType = 'none' | 'map' | 'list' | 'scalar';

function typeOf(value: unknown): ValueType {
  if (value === undefined || value === null) return 'none';
  if (Array.isArray(value)) return 'list';
  return isJsonObject(value) ? 'map' : 'scalar';
}

/** `undefined` is an absent field, `null` a present one without value (as Go encodes a nil non-omitempty field). */
function compareValue(live: unknown, next: unknown, path: string[], kind: string, listItem = false): Pair {
  if (live === undefined && next === undefined) return NONE;
  const left = typeOf(live);
  const right = typeOf(next);
  const type = left === 'none' ? right : right === 'none' || right === left ? left : 'scalar';
  if (type === 'map' && !isAtomicMap(path, listItem)) return compareMaps(live, next, path, kind);
  if (type === 'list' && !listItem && listShape(kind, path).type !== 'atomic')
    return compareLists(live, next, path, kind);
  return compareLeaf(live, next);
}

function compareLeaf(live: unknown, next: unknown): Pair {
  if (live === undefined) return [{}, undefined];
  if (next === undefined) return [undefined, {}];
  return jsonEqual(live, next) ? NONE : [{}, undefined];
}

function compareMaps(live: unknown, next: unknown, path: string[], kind: string): Pair {
  const before = isJsonObject(live) ? live : undefined;
  const after = isJsonObject(next) ? next : undefined;
  // Both empty or absent: one leaf, which keeps {} and null apart (structured-merge-diff's emptyPromoteToLeaf).
  if (isEmptyMap(before) && isEmptyMap(after)) return compareLeaf(live, next);
  const changed: Record<string, FieldSet> = {};
  const removed: Record<string, FieldSet> = {};
  for (const key of keysOf(before, after)) {
    const [added, gone] = compareValue(before?.[key], after?.[key], [...path, key], kind);
    if (added) changed[`f:${key}`] = added;
    if (gone) removed[`f:${key}`] = gone;
  }
  return [makeNode(live === undefined, changed), makeNode(next === undefined, removed)];
}

function isEmptyMap(map: JsonObject | undefined): boolean {
  if (!map) return true;
  for (const key in map) if (map[key] !== undefined) return false;
  return true;
}

function compareLists(live: unknown, next: unknown, path: string[], kind: string): Pair {
  const before = Array.isArray(live) ? live : [];
  const after = Array.isArray(next) ? next : [];
  if (before.length === 0 && after.length === 0) return compareLeaf(live, next);
  const shape = listShape(kind, path);
  const items = new Map<string, [unknown, unknown]>();
  for (const item of before) {
    const element = itemElement(item, shape);
    if (element && !items.has(element)) items.set(element, [item, undefined]);
  }
  for (const item of after) {
    const element = itemElement(item, shape);
    const pair = element ? items.get(element) : undefined;
    if (!element || (pair && pair[1] !== undefined)) continue;
    items.set(element, [pair?.[0], item]);
  }
  const changed: Record<string, FieldSet> = {};
  const removed: Record<string, FieldSet> = {};
  for (const [element, [old, current]] of items) {
    const [added, gone] =
      shape.type === 'set' ? compareLeaf(old, current) : compareValue(old, current, path, kind, true);
    if (added) changed[element] = added;
    if (gone) removed[element] = gone;
  }
  return [makeNode(live === undefined, changed), makeNode(next === undefined, removed)];
}
