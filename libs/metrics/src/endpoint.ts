/**
 * `/metrics` without Express: a handler over Node's own request and response, which the API mounts as a route,
 * local-cluster calls from its raw server, and `serveMetrics` serves on a port of its own (the deployer).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthenticationError, MethodNotAllowedError, NotFoundError, toHttpError } from '@cite/errors';

/** What the endpoint reads of a `CiteMetrics`. */
export interface MetricsSource {
  exposition(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsEndpointOptions {
  /** Bearer token a scrape must present (`CITE_METRICS_TOKEN`). @defaultValue none: the endpoint is open */
  token?: string;
}

export type MetricsHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Constant-time check of `Authorization: Bearer <token>` (equal-length digests whatever the inputs). */
export function presentsToken(request: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return true;
  const header = request.headers.authorization ?? '';
  const presented = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
  return timingSafeEqual(digest(presented), digest(token)) && presented.length > 0;
}

function writeError(response: ServerResponse, error: unknown, headers: Record<string, string> = {}): void {
  const mapped = toHttpError(error);
  response.writeHead(mapped.status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...mapped.headers,
    ...headers,
  });
  response.end(JSON.stringify(mapped.body));
}

/** GET (or HEAD) answers the exposition text; a missing or wrong token 401, another method 405. */
export function metricsEndpoint(
  metrics: MetricsSource,
  options: MetricsEndpointOptions = {},
): MetricsHandler {
  return async (request, response) => {
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      writeError(
        response,
        new MethodNotAllowedError(['GET', 'HEAD'], `${method} is not allowed on /metrics`),
      );
      return;
    }
    if (!presentsToken(request, options.token)) {
      writeError(response, new AuthenticationError('/metrics needs the metrics bearer token'), {
        'www-authenticate': 'Bearer realm="cite-metrics"',
      });
      return;
    }
    const text = await metrics.exposition();
    response.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
    response.end(method === 'HEAD' ? undefined : text);
  };
}

export interface MetricsServerOptions extends MetricsEndpointOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
}

export interface RunningMetricsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * A small HTTP server for a process without one of its own (the deployer): `/metrics`, and `/healthz` (the
 * process is up). Anything else is a 404 in cite's error shape.
 */
export async function serveMetrics(
  metrics: MetricsSource,
  options: MetricsServerOptions,
): Promise<RunningMetricsServer> {
  const endpoint = metricsEndpoint(metrics, options);
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (path === '/metrics') {
      endpoint(request, response).catch((error: unknown) => writeError(response, error));
    } else if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ status: 'ok' }));
    } else {
      const shown = path.length > 200 ? `${path.slice(0, 199)}…` : path;
      writeError(response, new NotFoundError(`no route for ${request.method ?? 'GET'} ${shown}`));
    }
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
