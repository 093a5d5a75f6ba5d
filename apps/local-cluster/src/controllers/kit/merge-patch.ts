/**
 * The JSON merge patch (RFC 7386) that turns `from` into `to`: objects are diffed key by key, removed keys
 * become `null`, arrays are replaced whole (that is what merge patch does to lists). Returns undefined when the
 * two are semantically equal, so callers skip writes that would change nothing.
 */
import { semanticEqual } from './semantic';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.keys(value).length === 0;
}

export function createMergePatch(from: unknown, to: unknown): Json | undefined {
  if (!isObject(to)) throw new TypeError('a merge patch is computed between two objects');
  const base = isObject(from) ? from : {};
  const patch: Json = {};
  for (const key of new Set([...Object.keys(base), ...Object.keys(to)])) {
    const before = base[key];
    const after = to[key];
    if (semanticEqual(before, after)) continue;
    if (isEmpty(after)) {
      if (!isEmpty(before)) patch[key] = null;
      continue;
    }
    if (isObject(before) && isObject(after)) {
      const child = createMergePatch(before, after);
      if (child) patch[key] = child;
      continue;
    }
    patch[key] = after;
  }
  return Object.keys(patch).length === 0 ? undefined : patch;
}
