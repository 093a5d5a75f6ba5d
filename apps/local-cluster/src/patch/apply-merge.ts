import { isJsonObject, type JsonObject } from '../api-types';
import { isAtomicMap, itemElement, listShape, type ListShape } from './field-path';
import { isMember, type FieldSet } from './field-set';

/**
 * structured-merge-diff's Merge of an applied configuration into the live object: maps merge key by key,
 * keyed lists and sets item by item, atomic values (scalars, atomic lists and structs) are replaced. Unlike a
 * strategic merge patch, an item the live list lacks goes after the live items it follows in the
 * configuration, not first. A null in the configuration removes the field (Go drops it when decoding).
 */
export function mergeApplied(
  live: unknown,
  config: unknown,
  path: string[],
  kind: string,
  listItem = false,
): unknown {
  if (config === undefined) return live;
  if (live === undefined || live === null || config === null) return structuredClone(config);
  if (isJsonObject(live) && isJsonObject(config) && !isAtomicMap(path, listItem)) {
    const result: JsonObject = { ...live };
    for (const [key, value] of Object.entries(config)) {
      if (value === null) delete result[key];
      else if (value !== undefined) result[key] = mergeApplied(live[key], value, [...path, key], kind);
    }
    return result;
  }
  if (Array.isArray(live) && Array.isArray(config) && !listItem) {
    const shape = listShape(kind, path);
    if (shape.type !== 'atomic' && (live.length > 0 || config.length > 0))
      return mergeItems(live, config, shape, path, kind);
  }
  return structuredClone(config);
}

interface Indexed {
  order: string[];
  items: Map<string, unknown>;
}

function indexItems(list: unknown[], shape: ListShape): Indexed {
  const order: string[] = [];
  const items = new Map<string, unknown>();
  for (const item of list) {
    const element = itemElement(item, shape);
    if (!element || items.has(element)) continue;
    items.set(element, item);
    order.push(element);
  }
  return { order, items };
}

/**
 * The merged list in structured-merge-diff's order: live items keep their places, items both lists hold follow
 * the configuration's order, and new items go where the configuration puts them relative to those.
 */
function mergeItems(
  live: unknown[],
  config: unknown[],
  shape: ListShape,
  path: string[],
  kind: string,
): unknown[] {
  const left = indexItems(live, shape);
  const right = indexItems(config, shape);
  const shared = right.order.filter((element) => left.items.has(element));
  let nextShared = shared.shift();
  const merge = (element: string) =>
    shape.type === 'set'
      ? (right.items.get(element) ?? left.items.get(element))
      : mergeApplied(left.items.get(element), right.items.get(element), path, kind, true);
  const out: unknown[] = [];
  let l = 0;
  let r = 0;
  while (l < left.order.length || r < right.order.length) {
    const lElement = left.order[l];
    const rElement = right.order[r];
    if (lElement !== undefined && rElement !== undefined) {
      if (lElement === rElement) {
        out.push(merge(lElement));
        l++;
        r++;
        nextShared = shared.shift();
        continue;
      }
      if (right.items.has(lElement) && nextShared !== undefined && nextShared !== lElement) {
        l++; // shared, but not its turn: it is placed when the configuration reaches it
        continue;
      }
    }
    if (lElement !== undefined && !right.items.has(lElement)) {
      out.push(left.items.get(lElement));
      l++;
      continue;
    }
    if (rElement === undefined) {
      l++; // a shared item already placed from the configuration's side
      continue;
    }
    out.push(merge(rElement));
    r++;
    if (nextShared === rElement) nextShared = shared.shift();
  }
  return out;
}

/**
 * Removes from the merged object what the applier applied last time and no longer does, unless another
 * applier (or this configuration) still owns it: structured-merge-diff's prune. Fields only Update managers
 * hold go too, as in kube.
 */
export function pruneReleased(merged: unknown, released: FieldSet, path: string[], kind: string): void {
  for (const [element, child] of Object.entries(released)) {
    if (element === '.') continue;
    if (element.startsWith('f:') && isJsonObject(merged)) {
      const field = element.slice(2);
      if (isMember(child)) delete merged[field];
      else pruneReleased(merged[field], child, [...path, field], kind);
    } else if (Array.isArray(merged)) {
      const shape = listShape(kind, path);
      const index = merged.findIndex((item) => itemElement(item, shape) === element);
      if (index < 0) continue;
      if (isMember(child)) merged.splice(index, 1);
      else pruneReleased(merged[index], child, path, kind);
    }
  }
}
