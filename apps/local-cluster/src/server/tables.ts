import type { KubeObject } from '../api-types';
import type { ResourceDefinition, TableColumn } from '../registry/resource-definition';
import { ageColumn, nameColumn } from '../resources/columns';

/** Whether the Accept header asks for a meta.k8s.io Table (kubectl get's human-readable output). */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => /;\s*as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

function columnsOf(definition: ResourceDefinition): TableColumn[] {
  return definition.columns ?? [nameColumn, ageColumn];
}

function rowObject(object: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return object;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
}

/** A meta.k8s.io/v1 Table of `objects` with the resource's columns (kube's TableConvertor). */
export function toTable(
  definition: ResourceDefinition,
  objects: KubeObject[],
  listMeta: Record<string, unknown>,
  include: IncludeObject,
  now: Date,
): unknown {
  const columns = columnsOf(definition);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns.map((column) => ({
      name: column.name,
      type: column.type,
      format: column.format ?? '',
      description: column.description ?? column.name,
      priority: column.priority ?? 0,
    })),
    rows: objects.map((object) => ({
      cells: columns.map((column) => column.cell(object, now) ?? ''),
      object: rowObject(object, include),
    })),
  };
}
