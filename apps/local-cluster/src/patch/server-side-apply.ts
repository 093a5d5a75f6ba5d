import { isJsonObject, kubeTime, type JsonObject, type KubeObject } from '../api-types';
import { patchMetaFor } from './patch-meta';
import { applyStrategicMergePatch } from './strategic-merge';

/** A managedFields set in kube's FieldsV1 shape: `f:<field>` for fields, `k:{"name":"x"}` for keyed items. */
export type FieldSet = { [entry: string]: FieldSet };

interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion?: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldSet;
  subresource?: string;
}

const IGNORED_META = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
]);

/** The fields an applied configuration sets, as FieldsV1. */
export function fieldSetOf(value: JsonObject, kind: string, path: string[] = []): FieldSet {
  const set: FieldSet = {};
  for (const [key, child] of Object.entries(value)) {
    if (path.length === 0 && (key === 'apiVersion' || key === 'kind')) continue;
    if (path.length === 1 && path[0] === 'metadata' && IGNORED_META.has(key)) continue;
    const childPath = [...path, key];
    const entry = `f:${key}`;
    if (isJsonObject(child)) set[entry] = fieldSetOf(child, kind, childPath);
    else if (Array.isArray(child)) {
      const mergeKey = patchMetaFor(kind, childPath).mergeKey;
      if (!mergeKey) set[entry] = {};
      else {
        const items: FieldSet = {};
        for (const item of child) {
          if (!isJsonObject(item)) continue;
          items[`k:${JSON.stringify({ [mergeKey]: item[mergeKey] })}`] = {
            '.': {},
            ...fieldSetOf(item, kind, childPath),
          };
        }
        set[entry] = items;
      }
    } else set[entry] = {};
  }
  return set;
}

/** Removes from `live` what `before` owned and `after` no longer does (the applier dropped those fields). */
function removeReleased(live: unknown, before: FieldSet, after: FieldSet): void {
  for (const [entry, children] of Object.entries(before)) {
    if (entry === '.') continue;
    const kept = after[entry];
    if (entry.startsWith('f:') && isJsonObject(live)) {
      const field = entry.slice(2);
      if (!kept) delete live[field];
      else if (Object.keys(children).length > 0) removeReleased(live[field], children, kept);
    } else if (entry.startsWith('k:') && Array.isArray(live)) {
      const key = JSON.parse(entry.slice(2)) as JsonObject;
      const matches = (item: unknown) =>
        isJsonObject(item) && Object.entries(key).every(([k, v]) => item[k] === v);
      const index = live.findIndex(matches);
      if (index < 0) continue;
      if (!kept) live.splice(index, 1);
      else removeReleased(live[index], children, kept);
    }
  }
}

function managedEntries(object: KubeObject): ManagedFieldsEntry[] {
  return (
    Array.isArray(object.metadata.managedFields) ? object.metadata.managedFields : []
  ) as ManagedFieldsEntry[];
}

function withEntry(entries: ManagedFieldsEntry[], entry: ManagedFieldsEntry): ManagedFieldsEntry[] {
  const others = entries.filter(
    (existing) =>
      !(
        existing.manager === entry.manager &&
        existing.operation === 'Apply' &&
        (existing.subresource ?? '') === (entry.subresource ?? '')
      ),
  );
  return [...others, entry];
}

/**
 * Server-side apply (application/apply-patch+yaml) without conflict detection: the applied configuration is
 * merged into the live object with strategic-merge rules, and the fields this manager applied last time but
 * left out now are removed. The manager's field set is recorded in metadata.managedFields.
 */
export function serverSideApply(
  live: KubeObject | undefined,
  applied: KubeObject,
  manager: string,
  now: Date,
  subresource?: string,
): KubeObject {
  const fields = fieldSetOf(applied, applied.kind ?? '');
  const entry: ManagedFieldsEntry = {
    manager,
    operation: 'Apply',
    apiVersion: applied.apiVersion,
    time: kubeTime(now),
    fieldsType: 'FieldsV1',
    fieldsV1: fields,
    ...(subresource ? { subresource } : {}),
  };
  if (!live) {
    const created = structuredClone(applied);
    created.metadata = { ...created.metadata, managedFields: [entry] };
    return created;
  }
  const previous = managedEntries(live).find(
    (existing) => existing.manager === manager && existing.operation === 'Apply',
  );
  const appliedWithoutMeta = structuredClone(applied) as JsonObject;
  delete appliedWithoutMeta.apiVersion;
  delete appliedWithoutMeta.kind;
  const merged = applyStrategicMergePatch(live, appliedWithoutMeta, live.kind ?? '') as KubeObject;
  if (previous) removeReleased(merged, previous.fieldsV1, fields);
  merged.metadata = { ...merged.metadata, managedFields: withEntry(managedEntries(live), entry) };
  return merged;
}
