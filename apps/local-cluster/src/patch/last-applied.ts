import { isJsonObject, type JsonObject, type KubeObject } from '../api-types';
import { ALL_FIELDS, compareObjects } from './compare';
import { appliedFieldSet, difference, type FieldSet } from './field-set';

/**
 * kube's bridge from client-side to server-side apply, for the `kubectl` manager only (what `kubectl apply
 * --server-side` uses): fields recorded in the client-side `last-applied-configuration` annotation with the
 * value they still have may be taken without a conflict (lastAppliedManager), and once such an object is
 * applied server-side its annotation follows the applied configuration (lastAppliedUpdater).
 */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
export const KUBECTL_MANAGER = 'kubectl';

/** kube's TotalAnnotationSizeLimitB: an annotation that would pass it is dropped rather than set. */
const ANNOTATIONS_LIMIT_BYTES = 256 * 1024;

function annotationOf(object: KubeObject | undefined): string | undefined {
  const value = object?.metadata.annotations?.[LAST_APPLIED];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The fields of the last-applied configuration whose live value still matches it; undefined without one. */
export function lastAppliedFields(live: KubeObject | undefined, apiVersion: string): FieldSet | undefined {
  const text = annotationOf(live);
  if (!live || !text) return undefined;
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isJsonObject(lastApplied) || lastApplied.apiVersion !== apiVersion) return undefined;
  const kind = live.kind ?? '';
  const { changed, removed } = compareObjects(lastApplied, live, kind, ALL_FIELDS);
  return difference(difference(appliedFieldSet(lastApplied, kind), changed), removed);
}

/** After a `kubectl` apply: the annotation, if the object has one, becomes the applied configuration. */
export function syncLastApplied(merged: KubeObject, config: KubeObject): void {
  const annotations = merged.metadata.annotations;
  if (!annotationOf(merged) || !annotations) return;
  const applied = structuredClone(config) as JsonObject & KubeObject;
  if (applied.metadata.annotations) {
    delete applied.metadata.annotations[LAST_APPLIED];
  }
  // Go encodes the map with its keys sorted and a final newline (json.Encoder).
  annotations[LAST_APPLIED] = `${goJson(sortKeys(applied))}\n`;
  const size = Object.entries(annotations).reduce(
    (total, [key, value]) => total + Buffer.byteLength(key) + Buffer.byteLength(String(value)),
    0,
  );
  if (size > ANNOTATIONS_LIMIT_BYTES) delete annotations[LAST_APPLIED];
}

/** JSON as Go's json.Encoder writes it: `<`, `>`, `&` and the line separators escaped. */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isJsonObject(value)) return value;
  const sorted: JsonObject = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(value[key]);
  return sorted;
}
