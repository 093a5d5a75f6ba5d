import { isJsonObject, type JsonObject } from '../api-types';

/**
 * The list half of kube's strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch: mergeSlice,
 * mergeSliceWithSpecialElements, mergeSliceWithoutSpecialElements, normalizeElementOrder), including the order
 * of the result: items the patch names come in the patch's order, the other live items keep theirs, and the two
 * are interleaved by the live order where both are live items — so an item new to the list comes before the
 * live items, `[9090, 8080]` when 9090 is patched into `[8080]`.
 */

/** A strategic merge patch that cannot apply (malformed directive); the registry answers 400. */
export class StrategicMergeError extends Error {}

export type MergeItem = (live: JsonObject, patch: JsonObject) => JsonObject | undefined;

export interface MergedSlice {
  list: unknown[];
  /**
   * The live list as kube's code leaves its backing array: deletions shift items left in place and appended
   * items land in the freed slots. `$setElementOrder` later orders server-only items against this window, so
   * it decides where they go when a patch both deletes and adds.
   */
  liveWindow: unknown[];
}

/** mergeSlice of a list merged by `mergeKey` (kube: lists of maps with patchStrategy merge). */
export function mergeKeyedSlice(
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
  mergeItem: MergeItem,
): MergedSlice {
  if (original.length === 0 && patch.length === 0) return { list: original, liveWindow: original };
  const window = [...original];
  let live = [...original];
  const items: unknown[] = [];
  let replace = false;
  for (const item of patch) {
    const directive = isJsonObject(item) ? item.$patch : undefined;
    if (directive === undefined) items.push(item);
    else if (directive === 'delete') live = deleteMatching(live, window, keyOf(item, mergeKey), mergeKey);
    else if (directive === 'replace') replace = true;
    else if (directive === 'merge')
      throw new StrategicMergeError('merging lists cannot yet be specified in the patch');
    else
      throw new StrategicMergeError(
        `Unknown patch type: ${String(directive)} in map: ${JSON.stringify(item)}`,
      );
  }
  if (replace) return { list: items.map(stripDirectives), liveWindow: window };
  const serverOrder = [...live];
  let inWindow = true;
  for (const item of items) {
    const key = keyOf(item, mergeKey);
    const index = live.findIndex((existing) => keyOf(existing, mergeKey) === key);
    if (index >= 0 && isJsonObject(live[index]) && isJsonObject(item)) {
      live[index] = mergeItem(live[index] as JsonObject, item) ?? live[index];
      continue;
    }
    // Go's append writes into the live array's free slots until it is full, then reallocates.
    if (inWindow && live.length < window.length) window[live.length] = item;
    else inWindow = false;
    live.push(stripDirectives(item));
  }
  return {
    list: normalizeElementOrder(live, items, serverOrder, (item) => keyOf(item, mergeKey)),
    liveWindow: window,
  };
}

/** Go's `append(s[:k], s[k+1:]...)` for every item with this key: shifts the rest left inside the window. */
function deleteMatching(live: unknown[], window: unknown[], key: unknown, mergeKey: string): unknown[] {
  let current = live;
  for (;;) {
    const index = current.findIndex((item) => keyOf(item, mergeKey) === key);
    if (index < 0) return current;
    for (let i = index; i < current.length - 1; i++) window[i] = current[i + 1];
    current = [...current.slice(0, index), ...current.slice(index + 1)];
  }
}

/** mergeSlice of a list of scalars with patchStrategy merge (finalizers): a union, in kube's order. */
export function mergeScalarSlice(original: unknown[], patch: unknown[]): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const merged = [...new Set([...original, ...patch])];
  return normalizeElementOrder(merged, patch, original, (item) => item);
}

/**
 * Splits `merged` into the items `order` names and the others, sorts the first by `order` and the others by
 * `serverOrder`, then interleaves them (kube's partition…, normalizeElementOrder and mergeSortedSlice).
 */
export function normalizeElementOrder(
  merged: unknown[],
  order: unknown[],
  serverOrder: unknown[],
  identity: (item: unknown) => unknown,
): unknown[] {
  const indexIn = (list: unknown[], item: unknown) => {
    const wanted = identity(item);
    return list.findIndex((candidate) => identity(candidate) === wanted);
  };
  const named = merged.filter((item) => indexIn(order, item) >= 0);
  const serverOnly = merged.filter((item) => indexIn(order, item) < 0);
  const byIndex = (list: unknown[]) => (a: unknown, b: unknown) => indexIn(list, a) - indexIn(list, b);
  const right = [...named].sort(byIndex(order));
  const left = [...serverOnly].sort(byIndex(serverOrder));
  const result: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) result.push(left[i++]);
    else if (i >= left.length) result.push(right[j++]);
    else {
      // A server-only item goes first only when both are live items and it was before the other.
      const l = indexIn(serverOrder, left[i]);
      const r = indexIn(serverOrder, right[j]);
      if (l >= 0 && r >= 0 && l < r) result.push(left[i++]);
      else result.push(right[j++]);
    }
  }
  return result;
}

function keyOf(item: unknown, mergeKey: string): unknown {
  return isJsonObject(item) ? item[mergeKey] : undefined;
}

export function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isJsonObject(value)) return value;
  const result: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (key.startsWith('$')) continue;
    result[key] = stripDirectives(child);
  }
  return result;
}
