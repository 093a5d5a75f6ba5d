import { parse as parseYaml } from 'yaml';
import { isJsonObject, kubeTime, type KubeObject } from '../api-types';
import { badRequest, fieldError, invalid, notFound, StatusError, unsupportedMediaType } from '../errors';
import { writeScope } from '../patch/field-manager';
import { applyJsonPatch, JsonPatchError } from '../patch/json-patch';
import { applyMergePatch } from '../patch/merge-patch';
import { serverSideApply } from '../patch/server-side-apply';
import { applyStrategicMergePatch, StrategicMergeError } from '../patch/strategic-merge';
import type { WriteOptions } from './options';
import { parseBody, type Registry, type WriteResult } from './registry';
import { apiVersionOf, type ResourceDefinition } from './resource-definition';
import { servedObject } from './serialize';

/**
 * An apply body: YAML, and most clients send JSON (which is YAML too). JSON.parse is tried first when the body
 * looks like a JSON object: it is many times faster than the YAML parser.
 */
function parseApplyBody(body: string): unknown {
  if (body.trimStart().startsWith('{')) {
    try {
      return JSON.parse(body) as unknown;
    } catch {
      // not JSON after all (YAML flow mappings start with `{` too): the YAML parser decides
    }
  }
  return parseYaml(body);
}

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/** Applies a patch document of the given media type to `current` (a JSON object); pure. */
export function patchDocument(
  current: unknown,
  contentType: string,
  body: string,
  definition: ResourceDefinition,
): unknown {
  switch (contentType) {
    case PATCH_TYPES.json:
      try {
        return applyJsonPatch(current, parseJson(body));
      } catch (error) {
        if (error instanceof JsonPatchError) throw unprocessable(error.message);
        throw error;
      }
    case PATCH_TYPES.merge:
      return applyMergePatch(current, parseJson(body));
    case PATCH_TYPES.strategic:
      if (!definition.strategicMergePatch)
        throw unsupportedMediaType([PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply]);
      try {
        return applyStrategicMergePatch(current, parseJson(body), definition.kind);
      } catch (error) {
        if (error instanceof StrategicMergeError) throw badRequest(error.message);
        throw error;
      }
    default:
      throw unsupportedMediaType(Object.values(PATCH_TYPES));
  }
}

function unprocessable(message: string): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Invalid',
    code: 422,
  });
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw badRequest(`error decoding patch: ${(error as Error).message}`);
  }
}

/**
 * PATCH of a resource or its status: the patch applies to the object as served, and the result goes through
 * the same path as an update (so a stale resourceVersion in the patch is a 409, and validation applies).
 * Server-side apply creates the object when it does not exist.
 */
export function patchObject(
  registry: Registry,
  definition: ResourceDefinition,
  namespace: string | undefined,
  name: string,
  contentType: string,
  body: string,
  options: WriteOptions,
  subresource?: 'status',
): WriteResult {
  if (contentType === PATCH_TYPES.apply)
    return apply(registry, definition, namespace, name, body, options, subresource);
  const current = servedObject(definition, registry.get(definition, namespace, name));
  const patched = patchDocument(current, contentType, body, definition);
  return registry.update(definition, namespace, name, patched, options, subresource);
}

function apply(
  registry: Registry,
  definition: ResourceDefinition,
  namespace: string | undefined,
  name: string,
  body: string,
  options: WriteOptions,
  subresource?: 'status',
): WriteResult {
  if (!options.fieldManager)
    throw invalid({ group: 'meta.k8s.io', resource: 'PatchOptions', kind: 'PatchOptions' }, '', [
      fieldError.required('fieldManager', 'is required for apply patch'),
    ]);
  let document: unknown;
  try {
    document = parseApplyBody(body);
  } catch (error) {
    throw badRequest(`error decoding YAML: ${(error as Error).message}`);
  }
  if (!isJsonObject(document)) throw badRequest('apply patch must be an object');
  const applied = parseBody(document);
  if (!applied.apiVersion || !applied.kind)
    throw badRequest('apiVersion and kind must be set in an applied configuration');
  if (applied.metadata.name && applied.metadata.name !== name)
    throw badRequest(
      `the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`,
    );
  const expected = apiVersionOf(definition);
  if (applied.apiVersion !== expected)
    throw badRequest(
      `Incorrect version specified in apply patch. Specified patch version: ${String(applied.apiVersion)}, expected: ${expected}`,
    );
  if (applied.metadata.managedFields !== undefined) throw badRequest('metadata.managedFields must be nil');
  applied.metadata.name = name;
  const live = registry.find(definition, namespace, name);
  if (!live && subresource) throw notFound(definition, name);
  const result = serverSideApply({
    live: live ? servedObject(definition, live) : undefined,
    applied: applied as KubeObject,
    writer: {
      manager: options.fieldManager,
      apiVersion: expected,
      subresource,
      time: kubeTime(registry.clock()),
    },
    force: options.force === true,
    scope: writeScope(definition.strategy.statusSubresource, subresource),
  });
  const recorded = { ...options, fieldsRecorded: true };
  if (!live) return { object: registry.create(definition, namespace, result, recorded), created: true };
  return registry.update(definition, namespace, name, result, recorded, subresource);
}
