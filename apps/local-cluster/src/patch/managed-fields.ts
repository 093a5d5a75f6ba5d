import { isJsonObject } from '../api-types';
import type { FieldChanges } from './compare';
import { difference, intersection, union, type FieldSet } from './field-set';
import { internFieldSet } from './intern';

/**
 * metadata.managedFields as kube-apiserver keeps it (k8s.io/apimachinery/pkg/util/managedfields): one entry per
 * manager identity — name, operation, subresource, and for Updates the apiVersion — holding the fields it
 * owns. Pure: entries and changes in, entries out.
 */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  time?: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: FieldSet;
  subresource?: string;
}

/** Who writes: the manager and what it writes through. */
export interface Writer {
  manager: string;
  /** The group/version of the request (`apps/v1`). */
  apiVersion: string;
  subresource?: string;
  /** kube's metav1.Time of the write (RFC 3339, seconds). */
  time: string;
}

/** Updates beyond this many entries are merged, oldest first, into `ancient-changes` (kube's cap). */
const MAX_UPDATE_MANAGERS = 10;
const ANCIENT_CHANGES = 'ancient-changes';

/** The entries of an object's metadata.managedFields, or none when it holds anything else. */
export function managedEntries(value: unknown): ManagedFieldsEntry[] {
  return Array.isArray(value) ? (value.filter(isJsonObject) as ManagedFieldsEntry[]) : [];
}

/** True when every entry a client sent can be read (kube falls back to the stored ones otherwise). */
export function readableEntries(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every(
      (entry) =>
        isJsonObject(entry) &&
        (entry.fieldsV1 === undefined || isJsonObject(entry.fieldsV1)) &&
        (entry.operation === undefined || entry.operation === 'Apply' || entry.operation === 'Update'),
    )
  );
}

/**
 * The identity of an entry, as BuildManagerIdentifier encodes it (JSON, Go's field order, empty fields left
 * out): appliers are one manager whatever the version they apply, updaters one per apiVersion.
 */
export function identityOf(entry: ManagedFieldsEntry): string {
  const identity: ManagedFieldsEntry = {};
  if (entry.manager) identity.manager = entry.manager;
  if (entry.operation) identity.operation = entry.operation;
  if (entry.apiVersion && entry.operation !== 'Apply') identity.apiVersion = entry.apiVersion;
  if (entry.subresource) identity.subresource = entry.subresource;
  return JSON.stringify(identity);
}

function entry(
  writer: Writer,
  operation: 'Apply' | 'Update',
  fields: FieldSet,
  time: string | undefined,
): ManagedFieldsEntry {
  return {
    manager: writer.manager,
    operation,
    apiVersion: writer.apiVersion,
    ...(time ? { time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: fields,
    ...(writer.subresource ? { subresource: writer.subresource } : {}),
  };
}

/** Other managers lose what this write changed (an Update always forces) and what it removed. */
function withoutChanges(existing: ManagedFieldsEntry, changes: FieldChanges): ManagedFieldsEntry | undefined {
  const fields = difference(difference(existing.fieldsV1, changes.changed), changes.removed);
  if (!fields) return undefined;
  return fields === existing.fieldsV1 ? existing : { ...existing, fieldsV1: fields };
}

/**
 * An Update (create, PUT, merge/JSON/strategic patch): the writer takes every field the write added or
 * changed, the others lose them. A write that changed nothing leaves the writer's entry and time as they were.
 */
export function recordUpdate(
  entries: ManagedFieldsEntry[],
  changes: FieldChanges,
  writer: Writer,
): ManagedFieldsEntry[] {
  const id = identityOf({ ...writer, operation: 'Update' });
  const result: ManagedFieldsEntry[] = [];
  let own: ManagedFieldsEntry | undefined;
  for (const existing of entries) {
    const kept = withoutChanges(existing, changes);
    if (identityOf(existing) === id) own = kept;
    else if (kept) result.push(kept);
  }
  if (changes.changed) {
    own = entry(writer, 'Update', union(own?.fieldsV1, changes.changed) as FieldSet, writer.time);
  }
  if (own) result.push(own);
  return internEntries(sortEntries(capUpdateManagers(result)));
}

/** A field another manager owns and an apply would change. */
export interface FieldConflict {
  owner: ManagedFieldsEntry;
  fields: FieldSet;
}

/**
 * An Apply: the applier's entry becomes exactly the applied fields. The fields it changes that others own are
 * conflicts: returned (and nothing recorded) unless forced, taken from them when forced. Fields it did not
 * change stay shared. `time` is undefined when the object did not change (kube then keeps the entry's time).
 */
export function recordApply(
  entries: ManagedFieldsEntry[],
  changes: FieldChanges,
  applied: FieldSet | undefined,
  writer: Writer,
  force: boolean,
): { entries: ManagedFieldsEntry[] } | { conflicts: FieldConflict[] } {
  const id = identityOf({ ...writer, operation: 'Apply' });
  const previous = entries.find((existing) => identityOf(existing) === id);
  const others = entries.filter((existing) => existing !== previous);
  if (!force) {
    const conflicts: FieldConflict[] = [];
    for (const owner of others) {
      const fields = intersection(owner.fieldsV1, changes.changed);
      if (fields) conflicts.push({ owner, fields });
    }
    if (conflicts.length > 0) return { conflicts };
  }
  const result: ManagedFieldsEntry[] = [];
  for (const existing of others) {
    const kept = withoutChanges(existing, changes);
    if (kept) result.push(kept);
  }
  if (applied)
    result.push(
      entry(writer, 'Apply', applied, changes.changed || changes.removed ? writer.time : previous?.time),
    );
  return { entries: internEntries(sortEntries(capUpdateManagers(result))) };
}

/** The entries with their field sets shared (intern.ts): what an object keeps for as long as it is stored. */
function internEntries(entries: ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  return entries.map((existing) => {
    const shared = existing.fieldsV1 && internFieldSet(existing.fieldsV1);
    return shared === existing.fieldsV1 ? existing : { ...existing, fieldsV1: shared };
  });
}

function seconds(time: string | undefined): number {
  const parsed = time ? Date.parse(time) : NaN;
  return Number.isNaN(parsed) ? 0 : Math.floor(parsed / 1000);
}

/** kube's sortEncodedManagedFields: appliers first, then by time, manager, apiVersion and subresource. */
function sortEntries(entries: ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  const text = (value: string | undefined) => value ?? '';
  const order = (a: string | undefined, b: string | undefined) =>
    text(a) === text(b) ? 0 : text(a) < text(b) ? -1 : 1;
  return entries.sort(
    (a, b) =>
      order(a.operation, b.operation) ||
      seconds(a.time) - seconds(b.time) ||
      order(a.manager, b.manager) ||
      order(a.apiVersion, b.apiVersion) ||
      order(a.subresource, b.subresource),
  );
}

/**
 * kube's capManagersManager: past ten Update entries, the oldest are merged into an `ancient-changes` entry per
 * apiVersion, so an object many writers touched keeps a bounded managedFields.
 */
function capUpdateManagers(entries: ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  const updaters = entries.filter((existing) => existing.operation !== 'Apply');
  if (updaters.length <= MAX_UPDATE_MANAGERS) return entries;
  updaters.sort(
    (a, b) =>
      seconds(a.time) - seconds(b.time) ||
      (identityOf(a) < identityOf(b) ? -1 : identityOf(a) > identityOf(b) ? 1 : 0),
  );
  let result = entries;
  let count = updaters.length;
  for (const oldest of updaters) {
    if (count <= MAX_UPDATE_MANAGERS) break;
    if (oldest.manager === ANCIENT_CHANGES) continue;
    const bucket = result.find(
      (existing) =>
        existing.manager === ANCIENT_CHANGES &&
        existing.operation === 'Update' &&
        existing.apiVersion === oldest.apiVersion,
    );
    const merged: ManagedFieldsEntry = {
      manager: ANCIENT_CHANGES,
      operation: 'Update',
      apiVersion: oldest.apiVersion,
      ...(oldest.time ? { time: oldest.time } : {}),
      fieldsType: 'FieldsV1',
      fieldsV1: union(bucket?.fieldsV1, oldest.fieldsV1) ?? {},
    };
    result = [...result.filter((existing) => existing !== oldest && existing !== bucket), merged];
    count--;
  }
  return result;
}
