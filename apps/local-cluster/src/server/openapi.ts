import { createHash } from 'node:crypto';
import type { ResourceCatalog } from '../registry/catalog';
import { apiVersionOf, type ResourceDefinition } from '../registry/resource-definition';

/**
 * Minimal OpenAPI documents: per group-version, each resource's operations carry the
 * `x-kubernetes-group-version-kind` extension and the `fieldValidation` parameter, which is how kubectl decides
 * that the server validates fields itself (so `kubectl apply` needs no client-side schema), and each kind has a
 * schema with its top-level fields, enough for `kubectl explain`.
 */

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function schemaName(definition: ResourceDefinition): string {
  const group = definition.group ? definition.group.split('.').reverse().join('.') : 'core';
  return `io.k8s.api.${group}.${definition.version}.${definition.kind}`;
}

const FIELD_DESCRIPTIONS: Record<string, string> = {
  apiVersion: 'APIVersion defines the versioned schema of this representation of an object.',
  kind: 'Kind is a string value representing the REST resource this object represents.',
  metadata: "Standard object's metadata.",
  spec: 'Specification of the desired behavior.',
  status: 'Most recently observed status. Read-only.',
};

function kindSchema(definition: ResourceDefinition): Record<string, unknown> {
  const gvk = { group: definition.group, version: definition.version, kind: definition.kind };
  const properties: Record<string, unknown> = {};
  for (const [name, description] of Object.entries(FIELD_DESCRIPTIONS)) {
    properties[name] =
      name === 'apiVersion' || name === 'kind'
        ? { type: 'string', description }
        : { type: 'object', description };
  }
  return {
    description: `${definition.kind} (${apiVersionOf(definition)}), served by local-cluster.`,
    type: 'object',
    properties,
    'x-kubernetes-group-version-kind': [gvk],
  };
}

function operations(definition: ResourceDefinition, base: string): Record<string, unknown> {
  const gvk = { group: definition.group, version: definition.version, kind: definition.kind };
  const ref = { $ref: `#/components/schemas/${schemaName(definition)}` };
  const parameters = [
    {
      name: 'fieldValidation',
      in: 'query',
      description:
        'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.',
      schema: { type: 'string', uniqueItems: true },
    },
    { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
    { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
  ];
  const operation = (action: string) => ({
    operationId: `${action}${definition.kind}`,
    parameters,
    responses: { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  });
  const scope = definition.namespaced ? `${base}/namespaces/{namespace}` : base;
  return {
    [`/${scope}/${definition.resource}`]: { get: operation('list'), post: operation('post') },
    [`/${scope}/${definition.resource}/{name}`]: {
      get: operation('get'),
      put: operation('put'),
      patch: operation('patch'),
      delete: operation('delete'),
    },
  };
}

export function openApiV3Document(catalog: ResourceCatalog, path: string): unknown | undefined {
  const gv = catalog
    .groups()
    .flatMap((entry) => entry.versions.map((version) => ({ group: entry.group, version })));
  const found = gv.find((entry) => gvPath(entry.group, entry.version) === path);
  if (!found) return undefined;
  const definitions = catalog.resourcesOf(found.group, found.version);
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const definition of definitions) {
    Object.assign(paths, operations(definition, path));
    schemas[schemaName(definition)] = kindSchema(definition);
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas },
  };
}

export function openApiV3Root(catalog: ResourceCatalog): unknown {
  const paths: Record<string, unknown> = {};
  for (const entry of catalog.groups()) {
    for (const version of entry.versions) {
      const path = gvPath(entry.group, version);
      const hash = createHash('sha512')
        .update(JSON.stringify(openApiV3Document(catalog, path)))
        .digest('hex')
        .slice(0, 32)
        .toUpperCase();
      paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` };
    }
  }
  return { paths };
}

/** Swagger 2.0 with the same content, for JSON clients (kubectl asks for protobuf and falls back to v3). */
export function openApiV2(catalog: ResourceCatalog): unknown {
  const definitions: Record<string, unknown> = {};
  for (const definition of catalog.all()) definitions[schemaName(definition)] = kindSchema(definition);
  return { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: {}, definitions };
}
