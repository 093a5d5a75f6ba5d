import { asArray, asObject, isJsonObject, type JsonObject, type KubeObject } from '../api-types';
import type { FieldError } from '../errors';
import type { ResourceDefinition, ScaleAccess, TableColumn } from '../registry/resource-definition';
import { formatLabelSelector, parseLabelSelector } from '../selectors/label-selector';
import { pruneAndDefault, validateSchema, versionSchema, type Schema } from '../validation/openapi-schema';
import { ageColumn, column, nameColumn } from './columns';
import { createWhileTerminating, isTerminating } from './crd-deletion';
import { defineResource, strategy } from './define';

/** Reads a simple JSONPath (`.spec.replicas`, `.status.conditions[0].type`) as printer columns and scale use. */
export function readJsonPath(object: unknown, path: string): unknown {
  const tokens = path
    .replace(/^\{?\.?/, '')
    .replace(/\}$/, '')
    .split('.')
    .filter(Boolean);
  let current: unknown = object;
  for (const token of tokens) {
    const match = /^([^[\]]+)(?:\[(\d+)\])?$/.exec(token);
    if (!match) return undefined;
    current = asObject(current)[match[1] as string];
    if (match[2] !== undefined) current = asArray(current)[Number(match[2])];
  }
  return current;
}

function writeJsonPath(object: JsonObject, path: string, value: unknown): void {
  const tokens = path.replace(/^\./, '').split('.');
  let current = object;
  for (const token of tokens.slice(0, -1)) {
    if (!isJsonObject(current[token])) current[token] = {};
    current = current[token] as JsonObject;
  }
  current[tokens[tokens.length - 1] as string] = value;
}

function scaleAccess(scale: JsonObject): ScaleAccess {
  const specPath = String(scale.specReplicasPath ?? '.spec.replicas');
  const statusPath = String(scale.statusReplicasPath ?? '.status.replicas');
  const selectorPath = typeof scale.labelSelectorPath === 'string' ? scale.labelSelectorPath : undefined;
  return {
    specReplicas: (object) => Number(readJsonPath(object, specPath) ?? 0),
    statusReplicas: (object) => Number(readJsonPath(object, statusPath) ?? 0),
    selector: (object) =>
      selectorPath
        ? formatLabelSelector(parseLabelSelector(String(readJsonPath(object, selectorPath) ?? '')))
        : '',
    setSpecReplicas: (object, replicas) => writeJsonPath(object, specPath, replicas),
  };
}

function printerColumns(version: JsonObject): TableColumn[] {
  const extra = asArray(version.additionalPrinterColumns).map(asObject);
  const columns = extra.map((printer) =>
    column(
      String(printer.name),
      (object, now) => {
        const value = readJsonPath(object, String(printer.jsonPath ?? ''));
        if (printer.type === 'date' && typeof value === 'string')
          return ageColumn.cell({ metadata: { creationTimestamp: value } }, now);
        return value ?? '';
      },
      printer.type === 'integer' || printer.type === 'number' || printer.type === 'boolean'
        ? printer.type
        : 'string',
      Number(printer.priority ?? 0),
    ),
  );
  return [nameColumn, ...columns, ...(extra.some((printer) => printer.name === 'Age') ? [] : [ageColumn])];
}

/** Validation of a custom resource against its version's schema (metadata is validated by the registry). */
function schemaErrors(object: KubeObject, schema: Schema | undefined): FieldError[] {
  if (!schema) return [];
  const body: JsonObject = { ...object };
  delete body.metadata;
  delete body.apiVersion;
  delete body.kind;
  const rootSchema: Schema = { ...schema, properties: { ...schema.properties } };
  delete rootSchema.properties?.metadata;
  delete rootSchema.properties?.apiVersion;
  delete rootSchema.properties?.kind;
  rootSchema.required = (schema.required ?? []).filter(
    (key) => key !== 'metadata' && key !== 'apiVersion' && key !== 'kind',
  );
  return validateSchema(body, rootSchema, '');
}

/** Options of the resources a CRD serves. */
export interface CustomResourceOptions {
  /** resourceVersion at which the resources' storage (and so their watch history) began. */
  watchHistoryFrom?: number;
}

/**
 * The resources a CustomResourceDefinition serves: one definition per served version, all sharing one
 * storage (no conversion between versions: objects are served with the requested apiVersion).
 */
export function customResourceDefinitions(
  crd: KubeObject,
  options: CustomResourceOptions = {},
): ResourceDefinition[] {
  return crdVersions(crd)
    .filter((version) => version.served !== false)
    .map((version) => versionDefinition(crd, version, options));
}

/** The definition of the storage version, served or not: what the CRD finalizer deletes instances through. */
export function customResourceStorage(crd: KubeObject): ResourceDefinition | undefined {
  const version = crdVersions(crd).find((candidate) => candidate.storage === true);
  return version ? versionDefinition(crd, version, {}) : undefined;
}

function crdVersions(crd: KubeObject): JsonObject[] {
  return asArray(asObject(crd.spec).versions).map(asObject);
}

function versionDefinition(
  crd: KubeObject,
  version: JsonObject,
  options: CustomResourceOptions,
): ResourceDefinition {
  const spec = asObject(crd.spec);
  const names = asObject(spec.names);
  const group = String(spec.group);
  const plural = String(names.plural);
  const schema = versionSchema(version);
  const subresources = asObject(version.subresources);
  const hasStatus = isJsonObject(subresources.status);
  const scale = isJsonObject(subresources.scale) ? scaleAccess(subresources.scale as JsonObject) : undefined;
  const terminating = isTerminating(crd);
  const prepare = (object: KubeObject) => {
    const pruned = schema ? (pruneAndDefault(object, schema, true) as KubeObject) : object;
    for (const key of Object.keys(object)) if (!(key in pruned)) delete object[key];
    Object.assign(object, pruned);
  };
  return defineResource({
    group,
    version: String(version.name),
    resource: plural,
    singular: String(names.singular ?? String(names.kind).toLowerCase()),
    kind: String(names.kind),
    listKind: String(names.listKind ?? `${String(names.kind)}List`),
    namespaced: spec.scope !== 'Cluster',
    shortNames: asArray(names.shortNames).map(String),
    categories: asArray(names.categories).map(String),
    subresources: [...(hasStatus ? ['status'] : []), ...(scale ? ['scale'] : [])],
    scale,
    columns: printerColumns(version),
    strategicMergePatch: false,
    watchHistoryFrom: options.watchHistoryFrom,
    strategy: strategy({
      statusSubresource: hasStatus,
      tracksGeneration: true,
      returnDeletedObject: true,
      prepareForCreate(object) {
        // Creates (and server-side applies that create) are refused from the CRD's DELETE on.
        if (terminating) throw createWhileTerminating(group, plural);
        if (hasStatus) delete object.status;
        prepare(object);
      },
      prepareForUpdate: prepare,
      validate: (object) => schemaErrors(object, schema),
    }),
  });
}
