import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { asObject, type KubeObject } from '../api-types';
import { badRequest, methodNotAllowed, notFound, pathNotFound, unsupportedMediaType } from '../errors';
import type { ClusterState } from '../cluster-state';
import { deleteObject } from '../registry/deletion';
import { listObjects } from '../registry/list';
import { patchObject } from '../registry/patch';
import { apiVersionOf, storageKey, type ResourceDefinition } from '../registry/resource-definition';
import { getScale, patchScale, updateScale } from '../registry/scale';
import { objectJson, servedObject } from '../registry/serialize';
import type { WatchSettings } from '../registry/watch';
import { decodeKubernetesProtobuf } from '../protobuf/decode';
import { bindPod, evictPod, proxyToPod } from '../resources/pod-subresources';
import { servePodLog, type PodLogSettings } from './pod-logs';
import { deleteOptions, isWatch, listOptions, writeOptions } from './query';
import type { ResourceRequest } from './request-info';
import { readBody, readRawBody, writeJson, writeJsonText } from './responses';
import { toTable, type IncludeObject } from './tables';
import { joinBody } from './body-pool';
import { serveWatch } from './watch-stream';

const COMMA = Buffer.from(',');
const LIST_END = Buffer.from(']}');

export interface HandlerSettings extends WatchSettings, PodLogSettings {
  /** A pod proxy request's path below `proxy` (set per request). */
  proxyPath?: string;
}

interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  query: URLSearchParams;
  table: boolean;
  include: IncludeObject;
}

function mediaType(request: IncomingMessage): string {
  return (request.headers['content-type'] ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** The request body as a JSON value; YAML is accepted too, and protobuf for the kinds kubectl creates. */
async function decodedBody(request: IncomingMessage): Promise<unknown> {
  const raw = await readRawBody(request);
  const type = mediaType(request);
  if (type === 'application/vnd.kubernetes.protobuf')
    return raw.length === 0 ? undefined : decodeKubernetesProtobuf(raw);
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  if (type === 'application/json' || type === '*/*' || type === '') return parseJson(text);
  if (type === 'application/yaml' || type === 'application/x-yaml' || type === 'text/yaml')
    return parseYaml(text);
  throw unsupportedMediaType(['application/json', 'application/yaml']);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`error decoding request body: ${(error as Error).message}`);
  }
}

/** Serves one resource request (`/api/v1/...`, `/apis/<group>/<version>/...`). */
export async function handleResourceRequest(
  state: ClusterState,
  target: ResourceRequest,
  exchange: Exchange,
  settings: HandlerSettings,
): Promise<void> {
  const definition = state.catalog.find(target.group, target.version, target.resource ?? '');
  if (!definition) throw pathNotFound();
  const { request, response, query } = exchange;
  const method = request.method ?? 'GET';
  const namespace = definition.namespaced ? target.namespace : undefined;
  if (definition.namespaced && !namespace && target.name) throw pathNotFound();
  const registry = state.registry;
  const { name, subresource } = target;

  if (subresource)
    return handleSubresource(state, definition, namespace, name as string, subresource, exchange, {
      ...settings,
      ...(target.proxyPath === undefined ? {} : { proxyPath: target.proxyPath }),
    });

  if (method === 'GET' && (isWatch(query) || target.watchPrefix)) {
    const options = listOptions(query);
    if (name)
      options.fieldSelector = [options.fieldSelector, `metadata.name=${name}`].filter(Boolean).join(',');
    return serveWatch(state, definition, namespace, options, exchange, settings);
  }
  if (method === 'GET' && name) {
    const stored = registry.getStored(definition, namespace, name);
    if (exchange.table)
      return writeJson(
        response,
        200,
        table(state, definition, [servedObject(definition, stored.object)], {}, exchange),
      );
    return writeJsonText(response, 200, objectJson(definition, stored.object, stored.bytes));
  }
  if (method === 'GET') {
    const result = listObjects(registry, definition, namespace, listOptions(query));
    const meta: Record<string, unknown> = { resourceVersion: result.resourceVersion };
    if (result.continue) meta.continue = result.continue;
    if (result.remainingItemCount !== undefined) meta.remainingItemCount = result.remainingItemCount;
    if (exchange.table) {
      const objects = result.items.map((stored) => servedObject(definition, stored.object));
      return writeJson(response, 200, table(state, definition, objects, meta, exchange));
    }
    const head = JSON.stringify({
      kind: definition.listKind,
      apiVersion: apiVersionOf(definition),
      metadata: meta,
    });
    // The items' stored bytes, concatenated: no object is serialized or encoded again.
    const parts: Buffer[] = [Buffer.from(`${head.slice(0, -1)},"items":[`)];
    result.items.forEach((stored, index) => {
      if (index > 0) parts.push(COMMA);
      parts.push(objectJson(definition, stored.object, stored.bytes));
    });
    parts.push(LIST_END);
    return writeJsonText(response, 200, joinBody(parts, response));
  }
  if (method === 'POST') {
    if (name) throw methodNotAllowed();
    const body = await decodedBody(request);
    const created = registry.create(definition, namespace, body, {
      ...writeOptions(query, request),
      bodyHandedOver: true,
    });
    return writeObject(state, response, 201, definition, created);
  }
  if (method === 'PUT') {
    if (!name) throw methodNotAllowed();
    const result = registry.update(
      definition,
      namespace,
      name,
      await decodedBody(request),
      writeOptions(query, request),
    );
    return writeObject(state, response, result.created ? 201 : 200, definition, result.object);
  }
  if (method === 'PATCH') {
    if (!name) throw methodNotAllowed();
    const body = await readBody(request);
    const result = patchObject(
      registry,
      definition,
      namespace,
      name,
      mediaType(request),
      body,
      writeOptions(query, request),
    );
    return writeObject(state, response, result.created ? 201 : 200, definition, result.object);
  }
  if (method === 'DELETE') {
    const options = deleteOptions(query, await decodedBody(request));
    if (name) {
      const result = deleteObject(registry, definition, namespace, name, options);
      const body =
        asObject(result.body).kind === 'Status'
          ? result.body
          : servedObject(definition, result.body as KubeObject);
      return writeJson(response, result.code, body);
    }
    return deleteCollection(state, definition, namespace, exchange, options);
  }
  throw methodNotAllowed();
}

/** Writes an object a write returned: its stored bytes when it is the stored version (not a dry run). */
function writeObject(
  state: ClusterState,
  response: ServerResponse,
  code: number,
  definition: ResourceDefinition,
  object: KubeObject,
): void {
  const stored = state.store.get(
    storageKey(definition),
    object.metadata.namespace,
    object.metadata.name ?? '',
  );
  if (stored?.object === object)
    return writeJsonText(response, code, objectJson(definition, stored.object, stored.bytes));
  writeJson(response, code, servedObject(definition, object));
}

function deleteCollection(
  state: ClusterState,
  definition: ResourceDefinition,
  namespace: string | undefined,
  exchange: Exchange,
  options: ReturnType<typeof deleteOptions>,
): void {
  if (definition.resource === 'namespaces') throw methodNotAllowed();
  const result = listObjects(state.registry, definition, namespace, listOptions(exchange.query));
  const items: KubeObject[] = [];
  for (const stored of result.items) {
    try {
      const outcome = deleteObject(
        state.registry,
        definition,
        stored.object.metadata.namespace,
        stored.object.metadata.name ?? '',
        options,
      );
      items.push(servedObject(definition, outcome.deleted ? stored.object : (outcome.body as KubeObject)));
    } catch (error) {
      if ((error as { code?: number }).code !== 404) throw error;
    }
  }
  writeJson(exchange.response, 200, {
    kind: definition.listKind,
    apiVersion: apiVersionOf(definition),
    metadata: { resourceVersion: String(state.store.resourceVersion) },
    items,
  });
}

function table(
  state: ClusterState,
  definition: ResourceDefinition,
  objects: KubeObject[],
  meta: Record<string, unknown>,
  exchange: Exchange,
) {
  return toTable(definition, objects, meta, exchange.include, state.registry.clock());
}

async function handleSubresource(
  state: ClusterState,
  definition: ResourceDefinition,
  namespace: string | undefined,
  name: string,
  subresource: string,
  exchange: Exchange,
  settings: HandlerSettings,
): Promise<void> {
  const { request, response, query } = exchange;
  const method = request.method ?? 'GET';
  const registry = state.registry;
  if (!definition.subresources.includes(subresource))
    throw notFound({ group: definition.group, resource: `${definition.resource}/${subresource}` }, name);
  switch (subresource) {
    case 'status':
      if (method === 'GET')
        return writeJson(response, 200, servedObject(definition, registry.get(definition, namespace, name)));
      if (method === 'PUT') {
        const result = registry.update(
          definition,
          namespace,
          name,
          await decodedBody(request),
          writeOptions(query, request),
          'status',
        );
        return writeJson(response, 200, servedObject(definition, result.object));
      }
      if (method === 'PATCH') {
        const body = await readBody(request);
        const result = patchObject(
          registry,
          definition,
          namespace,
          name,
          mediaType(request),
          body,
          writeOptions(query, request),
          'status',
        );
        return writeJson(response, 200, servedObject(definition, result.object));
      }
      break;
    case 'scale':
      if (method === 'GET') return writeJson(response, 200, getScale(registry, definition, namespace, name));
      if (method === 'PUT')
        return writeJson(
          response,
          200,
          updateScale(
            registry,
            definition,
            namespace,
            name,
            await decodedBody(request),
            writeOptions(query, request),
          ),
        );
      if (method === 'PATCH') {
        const body = await readBody(request);
        return writeJson(
          response,
          200,
          patchScale(
            registry,
            definition,
            namespace,
            name,
            mediaType(request),
            body,
            writeOptions(query, request),
          ),
        );
      }
      break;
    case 'log':
      if (method === 'GET')
        return servePodLog(registry, namespace as string, name, query, request, response, settings);
      break;
    case 'proxy':
      if (method === 'GET') {
        const answer = proxyToPod(registry, namespace as string, name, settings.proxyPath ?? '/');
        response.writeHead(answer.status, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(answer.body);
        return;
      }
      break;
    case 'binding':
      if (method === 'POST')
        return writeJson(
          response,
          201,
          bindPod(registry, namespace as string, name, await decodedBody(request)),
        );
      break;
    case 'eviction':
      if (method === 'POST')
        return writeJson(
          response,
          201,
          evictPod(registry, namespace as string, name, await decodedBody(request)),
        );
      break;
    case 'finalize':
      if (method === 'PUT') {
        const body = asObject(await decodedBody(request));
        const previous = registry.get(definition, undefined, name);
        const next = structuredClone(previous);
        next.spec = { ...asObject(next.spec), finalizers: asObject(body.spec).finalizers ?? [] };
        return writeJson(
          response,
          200,
          registry.commitUpdate(definition, next, previous, writeOptions(query, request)),
        );
      }
      break;
  }
  throw methodNotAllowed();
}
