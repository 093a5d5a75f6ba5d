import { timingSafeEqual, createHash } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  createMetrics,
  metricsEndpoint,
  type HttpMetrics,
  type MetricsHandler,
  type MetricsSource,
} from '@cite/metrics';
import type { ClusterState } from '../cluster-state';
import { notAcceptable, pathNotFound, unauthorized } from '../errors';
import { type CloseWatchesOptions, OpenWatches } from '../registry/watch';
import { apiGroup, apiVersions, groupList, resourceList, versionInfo } from './discovery';
import { openApiV2, openApiV3Document, openApiV3Root } from './openapi';
import { parseResourcePath } from './request-info';
import { handleResourceRequest, type HandlerSettings } from './resource-handler';
import { writeError, writeJson } from './responses';
import { routeTemplate, UNMATCHED } from './route-template';
import { wantsTable } from './tables';

export interface ApiServerOptions extends HandlerSettings {
  host: string;
  port: number;
  /** PEM key and certificate: serve HTTPS. */
  tls?: { key: string; cert: string };
  /** Bearer token every request must carry (401 otherwise). */
  token?: string;
  /** Request durations are recorded here and served at `/metrics`. @defaultValue metrics of this server alone */
  metrics?: HttpMetrics & MetricsSource;
}

export interface RunningApiServer {
  url: string;
  port: number;
  /**
   * Ends every open watch stream cleanly, as a restart of the server does, and answers how many it ended;
   * `expireHistory` also expires older resourceVersions (see `CloseWatchesOptions`).
   */
  closeWatches(options?: CloseWatchesOptions): number;
  close(): Promise<void>;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time bearer-token check (the digests have equal length whatever the inputs). */
function authorized(request: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const header = request.headers.authorization ?? '';
  const presented = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
  return timingSafeEqual(digest(presented), digest(token)) && presented.length > 0;
}

const HEALTH_PATHS = new Set(['/healthz', '/readyz', '/livez']);

/**
 * The kube-apiserver emulator over HTTP(S): health, version, discovery, OpenAPI, and the resource API. JSON
 * only; a client asking for protobuf gets JSON, which client-go and kubectl accept.
 */
export async function startApiServer(
  state: ClusterState,
  options: ApiServerOptions,
): Promise<RunningApiServer> {
  const metrics = options.metrics ?? createMetrics({ processMetrics: false });
  const serveMetrics = metricsEndpoint(metrics);
  const openWatches = options.openWatches ?? new OpenWatches();
  const settings: ApiServerOptions = { ...options, openWatches };
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    timeRequest(state, metrics, request, response);
    handle(state, settings, request, response, serveMetrics).catch((error: unknown) =>
      writeError(response, error),
    );
  };
  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : createHttpServer(handler);
  server.keepAliveTimeout = 60_000;
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    closeWatches: (closeOptions) => openWatches.closeAll(state.registry.store.resourceVersion, closeOptions),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** Records the request's duration when it finishes, by route template (watches and followed logs are not). */
function timeRequest(
  state: ClusterState,
  metrics: HttpMetrics,
  request: IncomingMessage,
  response: ServerResponse,
) {
  const started = performance.now();
  response.once('finish', () => {
    let route: string | undefined;
    try {
      route = routeTemplate(state.catalog, request.method ?? 'GET', request.url ?? '/');
    } catch {
      route = UNMATCHED; // a path that does not decode (answered 400)
    }
    if (route === undefined) return;
    metrics.httpRequest(
      request.method ?? 'GET',
      route,
      response.statusCode,
      (performance.now() - started) / 1000,
    );
  });
}

async function handle(
  state: ClusterState,
  options: ApiServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
  serveMetrics: MetricsHandler,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://local');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (HEALTH_PATHS.has(path) || [...HEALTH_PATHS].some((prefix) => path.startsWith(`${prefix}/`))) {
    response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('ok');
    return;
  }
  if (!authorized(request, options.token)) throw unauthorized();
  if (path === '/metrics') return serveMetrics(request, response);
  const method = request.method ?? 'GET';
  if (method === 'GET') {
    const served = serveStatic(state, path, request, options);
    if (served !== undefined) {
      writeJson(response, 200, served);
      return;
    }
  }
  const target = parseResourcePath(path);
  if (!target || !target.resource) throw pathNotFound();
  const accept = request.headers.accept;
  const include = (url.searchParams.get('includeObject') ?? 'Metadata') as 'None' | 'Metadata' | 'Object';
  await handleResourceRequest(
    state,
    target,
    { request, response, query: url.searchParams, table: wantsTable(accept), include },
    options,
  );
}

/** Version, discovery and OpenAPI documents, or undefined when `path` is not one of them. */
function serveStatic(
  state: ClusterState,
  path: string,
  request: IncomingMessage,
  options: ApiServerOptions,
): unknown | undefined {
  const catalog = state.catalog;
  if (path === '/version') return versionInfo();
  if (path === '/api') return apiVersions(`${options.host}:${options.port}`);
  if (path === '/apis') return groupList(catalog);
  if (path === '/api/v1') return resourceList(catalog, '', 'v1');
  if (path === '/openapi/v2') {
    const accept = request.headers.accept ?? '';
    if (accept.includes('protobuf') && !accept.includes('json'))
      throw notAcceptable('only application/json is served');
    return openApiV2(catalog);
  }
  if (path === '/openapi/v3') return openApiV3Root(catalog);
  if (path.startsWith('/openapi/v3/')) {
    const document = openApiV3Document(catalog, path.slice('/openapi/v3/'.length));
    if (!document) throw pathNotFound();
    return document;
  }
  const groupMatch = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (groupMatch) {
    const [, group = '', version] = groupMatch;
    if (version === undefined) {
      const found = apiGroup(catalog, group);
      if (!found) throw pathNotFound();
      return found;
    }
    if (!catalog.hasGroupVersion(group, version)) throw pathNotFound();
    return resourceList(catalog, group, version);
  }
  return undefined;
}
