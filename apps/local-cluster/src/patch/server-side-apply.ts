import { type JsonObject, type KubeObject } from '../api-types';
import { StatusError, type StatusCause } from '../errors';
import { mergeApplied, pruneReleased } from './apply-merge';
import { compareObjects, type FieldScope } from './compare';
import { renderPath } from './field-path';
import { KUBECTL_MANAGER, lastAppliedFields, syncLastApplied } from './last-applied';
import { appliedFieldSet, difference, makeNode, memberPaths, union, type FieldSet } from './field-set';
import {
  identityOf,
  managedEntries,
  recordApply,
  type FieldConflict,
  type ManagedFieldsEntry,
  type Writer,
} from './managed-fields';

export interface ApplyRequest {
  /** The object as served, or undefined when the apply creates it. */
  live: KubeObject | undefined;
  /** The applied configuration (apiVersion, kind and metadata.name checked by the caller). */
  applied: KubeObject;
  writer: Writer;
  /** `force=true`: take the conflicting fields from their managers instead of failing. */
  force: boolean;
  /** The top-level fields this endpoint writes (status or everything but status). */
  scope: FieldScope;
}

/**
 * Server-side apply (application/apply-patch+yaml) as kube-apiserver does it: the configuration is merged into
 * the live object, what this manager applied last time and no applier owns any more is removed, and the
 * fields the merge changes that other managers own are conflicts — a 409 listing them unless `force`, in which
 * case this manager takes them. The result carries the new managedFields; defaulting and validation follow in
 * the registry.
 */
export function serverSideApply(request: ApplyRequest): KubeObject {
  const { live, applied, writer, scope } = request;
  const kind = applied.kind ?? live?.kind ?? '';
  const config = structuredClone(applied) as JsonObject;
  delete config.apiVersion;
  delete config.kind;
  const base = live ? (structuredClone(live) as JsonObject) : {};
  const merged = mergeApplied(base, config, [], kind) as KubeObject;
  const applying = scoped(appliedFieldSet(applied, kind), scope);
  const entries = managedEntries(live?.metadata.managedFields);
  const previous = entries.find(
    (entry) => identityOf(entry) === identityOf({ ...writer, operation: 'Apply' }),
  );
  if (previous?.fieldsV1) {
    const stillApplied = entries
      .filter((entry) => entry.operation === 'Apply' && entry !== previous)
      .reduce<FieldSet | undefined>((owned, entry) => union(owned, entry.fieldsV1), applying);
    const released = difference(previous.fieldsV1, stillApplied);
    if (released) pruneReleased(merged, released, [], kind);
  }
  const changes = compareObjects(base, merged, kind, scope);
  let outcome = recordApply(entries, changes, applying, writer, request.force);
  if ('conflicts' in outcome && writer.manager === KUBECTL_MANAGER) {
    // kubectl taking over from its client-side apply: what the annotation recorded is not a conflict.
    const allowed = lastAppliedFields(live, writer.apiVersion);
    if (allowed) {
      const conflicts = outcome.conflicts
        .map((conflict) => ({ ...conflict, fields: difference(conflict.fields, allowed) }))
        .filter((conflict): conflict is FieldConflict => conflict.fields !== undefined);
      outcome = conflicts.length > 0 ? { conflicts } : recordApply(entries, changes, applying, writer, true);
    }
  }
  if ('conflicts' in outcome) throw applyConflict(outcome.conflicts);
  merged.metadata = { ...merged.metadata, managedFields: outcome.entries };
  if (outcome.entries.length === 0) delete merged.metadata.managedFields;
  if (writer.manager === KUBECTL_MANAGER) syncLastApplied(merged, applied);
  return merged;
}

/** `set` without the top-level fields outside `scope` (kube's reset fields are nobody's on this endpoint). */
function scoped(set: FieldSet | undefined, scope: FieldScope): FieldSet | undefined {
  if (!set) return undefined;
  const children: Record<string, FieldSet> = {};
  for (const [element, child] of Object.entries(set))
    if (!element.startsWith('f:') || scope(element.slice(2))) children[element] = child;
  return makeNode(false, children);
}

/** How kube names a manager in conflicts: `"kubectl-edit" using apps/v1`, `"cite"` for an applier. */
function printManager(entry: ManagedFieldsEntry): string {
  let name = JSON.stringify(entry.manager ?? '');
  if (entry.subresource) name += ` with subresource ${JSON.stringify(entry.subresource)}`;
  return entry.operation === 'Apply' ? name : `${name} using ${entry.apiVersion ?? ''}`;
}

/** 409 Conflict with one FieldManagerConflict cause per field (k8s.io/apimachinery managedfields NewConflictError). */
export function applyConflict(conflicts: FieldConflict[]): StatusError {
  const listed = conflicts.flatMap(({ owner, fields }) =>
    memberPaths(fields).map((path) => ({ owner, field: renderPath(path) })),
  );
  const causes: StatusCause[] = listed.map(({ owner, field }) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(owner)}`,
    field,
  }));
  let message: string;
  const first = listed[0];
  if (listed.length === 1 && first) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(first.owner)}: ${first.field}`;
  } else {
    const owners = [...conflicts].sort((a, b) => (identityOf(a.owner) < identityOf(b.owner) ? -1 : 1));
    const lines = owners.flatMap(({ owner, fields }) => [
      `conflicts with ${printManager(owner)}:`,
      ...memberPaths(fields).map((path) => `- ${renderPath(path)}`),
    ]);
    message = `Apply failed with ${listed.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Conflict',
    details: { causes },
    code: 409,
  });
}
