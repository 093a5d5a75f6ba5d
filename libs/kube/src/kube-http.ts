/**
 * Plain-JSON requests to the API server with a kubeconfig's credentials, over one shared connection pool.
 *
 * client-node 2.0's typed APIs run every response through `ObjectSerializer`, which walks the whole object graph
 * to build model classes: for a list of a few hundred events that costs tens of milliseconds of CPU, most of a
 * deployer's time under load. Reads that only need the JSON (and applies, whose answer is only read back) go
 * through `KubeHttp` instead; the wire objects keep timestamps as RFC 3339 strings.
 */
import { NO_METRICS, type KubeMetrics } from '@cite/metrics';
import { HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
// undici itself: client-node's connection pool is an Agent of the npm undici, which Node's bundled fetch cannot
// drive.
import { request as undiciRequest } from 'undici';

/**
 * Paths of a namespaced resource under an API prefix (`/api/v1`, `/apis/apps/v1`):
 * `(namespace, name?, subresource?)` → `/apis/apps/v1/namespaces/<ns>/deployments[/<name>[/<sub>]]`.
 */
export function namespacedPath(prefix: string, resource: string) {
  return (namespace: string, name?: string, subresource?: string): string => {
    let path = `${prefix}/namespaces/${encodeURIComponent(namespace)}/${resource}`;
    if (name !== undefined) path += `/${encodeURIComponent(name)}`;
    if (subresource !== undefined) path += `/${subresource}`;
    return path;
  };
}

/** The paths cite and local-cluster's controllers read and write. */
export const PATHS = {
  pods: namespacedPath('/api/v1', 'pods'),
  services: namespacedPath('/api/v1', 'services'),
  events: namespacedPath('/api/v1', 'events'),
  endpoints: namespacedPath('/api/v1', 'endpoints'),
  deployments: namespacedPath('/apis/apps/v1', 'deployments'),
  replicaSets: namespacedPath('/apis/apps/v1', 'replicasets'),
  ingresses: namespacedPath('/apis/networking.k8s.io/v1', 'ingresses'),
  endpointSlices: namespacedPath('/apis/discovery.k8s.io/v1', 'endpointslices'),
};

interface Closable {
  close?: () => Promise<void>;
}

/**
 * A KubeConfig whose requests share one connection pool. client-node 2.0 builds a new undici Agent for every
 * request whenever TLS options are set (and `insecure-skip-tls-verify`, which plain-HTTP clusters need, counts),
 * so each request opens its own keep-alive connection that lingers after it: under load that is thousands of
 * sockets and a TLS handshake per call. The first Agent built is kept and handed to every later request.
 */
export class PooledKubeConfig extends KubeConfig {
  private pooled: unknown;

  /** From a kubeconfig file; without one, client-node's defaults (KUBECONFIG, ~/.kube/config, in-cluster). */
  static load(kubeconfigPath?: string): PooledKubeConfig {
    const config = new PooledKubeConfig();
    if (kubeconfigPath) config.loadFromFile(kubeconfigPath);
    else config.loadFromDefault();
    return config;
  }

  /** A pooled copy of `source` (its clusters, users and current context). */
  static from(source: KubeConfig): PooledKubeConfig {
    if (source instanceof PooledKubeConfig) return source;
    const pooled = new PooledKubeConfig();
    pooled.loadFromString(source.exportConfig());
    return pooled;
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const built = context.getDispatcher();
    if (built === undefined) return;
    this.pooled ??= built;
    if (built !== this.pooled) void (built as Closable).close?.();
    context.setDispatcher(this.pooled as typeof built);
  }

  /** Closes the pooled connections. */
  async closePool(): Promise<void> {
    await (this.pooled as Closable | undefined)?.close?.();
  }
}

/** A non-2xx answer, shaped like client-node's `ApiException` (`code`, `body`) for `translateKubeError`. */
export class KubeHttpError extends Error {
  constructor(
    readonly code: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${code}`);
    this.name = 'KubeHttpError';
  }
}

export interface KubeRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

export interface KubeHttpOptions {
  /** Records each request's latency and status. @defaultValue none */
  metrics?: KubeMetrics;
}

export class KubeHttp {
  readonly kubeConfig: PooledKubeConfig;
  private readonly metrics: KubeMetrics;

  constructor(kubeConfig: KubeConfig, options: KubeHttpOptions = {}) {
    this.kubeConfig = PooledKubeConfig.from(kubeConfig);
    this.metrics = options.metrics ?? NO_METRICS;
  }

  get server(): string | undefined {
    return this.kubeConfig.getCurrentCluster()?.server;
  }

  /** Sends one request and parses the JSON answer; a non-2xx answer rejects with `KubeHttpError`. */
  async json<T>(path: string, request: KubeRequest = {}): Promise<T> {
    const text = await this.text(path, request);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** Sends one request and answers the body as text (a pod's log); a non-2xx answer rejects with `KubeHttpError`. */
  async text(path: string, request: KubeRequest = {}): Promise<string> {
    const started = performance.now();
    let code: number | undefined;
    try {
      const response = await this.send(path, request);
      code = response.statusCode;
      const text = await response.body.text();
      if (response.statusCode < 200 || response.statusCode >= 300)
        throw new KubeHttpError(response.statusCode, text);
      return text;
    } finally {
      this.metrics.kubeRequest(request.method ?? 'GET', path, code, (performance.now() - started) / 1000);
    }
  }

  /**
   * A watch (or any newline-delimited JSON stream): each line parsed, until the server ends the stream, the
   * signal aborts (the iteration then just ends), or nothing arrives for `idleMs`. A non-200 answer rejects with
   * `KubeHttpError`.
   */
  async *lines(
    path: string,
    request: Pick<KubeRequest, 'query' | 'signal'> & { idleMs: number },
  ): AsyncGenerator<unknown> {
    for await (const line of this.textLines(path, request)) {
      const trimmed = line.trim();
      if (trimmed) yield JSON.parse(trimmed) as unknown;
    }
  }

  /**
   * The raw text lines of a streaming GET (a pod's log): each line without its `\n` or `\r\n`, as it arrives, and
   * a last line that ends without one when the stream ends. Ends as `lines` does (server end, signal abort,
   * `idleMs` of silence); a non-200 answer rejects with `KubeHttpError`. The body is read only as fast as the
   * caller pulls lines, so a slow reader holds back the server (TCP back-pressure) instead of buffering.
   */
  async *textLines(
    path: string,
    request: Pick<KubeRequest, 'query' | 'signal'> & { idleMs: number },
  ): AsyncGenerator<string> {
    const response = await this.watchResponse(path, request);
    if (response.statusCode !== 200) {
      throw new KubeHttpError(response.statusCode, await response.body.text().catch(() => ''));
    }
    const decoder = new TextDecoder();
    let pending = '';
    try {
      for await (const chunk of response.body) {
        pending += decoder.decode(chunk as Buffer, { stream: true });
        let start = 0;
        let newline: number;
        while ((newline = pending.indexOf('\n', start)) >= 0) {
          const end = newline > start && pending.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
          yield pending.slice(start, end);
          start = newline + 1;
        }
        pending = pending.slice(start);
      }
      pending += decoder.decode();
      if (pending) yield pending;
    } catch (error) {
      if (request.signal?.aborted) return;
      throw error;
    } finally {
      response.body.destroy();
    }
  }

  /** Opens a stream; what is recorded is the time to its answer's status line. */
  private async watchResponse(
    path: string,
    request: Pick<KubeRequest, 'query' | 'signal'> & { idleMs: number },
  ) {
    const started = performance.now();
    let code: number | undefined;
    try {
      const response = await this.send(path, { ...request, bodyTimeoutMs: request.idleMs });
      code = response.statusCode;
      return response;
    } finally {
      this.metrics.kubeRequest('GET', path, code, (performance.now() - started) / 1000, true);
    }
  }

  /**
   * undici's `request` (no WHATWG streams: much cheaper than `fetch` per call) with the kubeconfig's credentials
   * and the pooled Agent.
   */
  private async send(path: string, request: KubeRequest & { bodyTimeoutMs?: number }) {
    const server = this.server;
    if (!server) throw new Error('the kubeconfig names no current cluster');
    const url = new URL(server.replace(/\/$/, '') + path);
    for (const [key, value] of Object.entries(request.query ?? {}))
      if (value !== undefined) url.searchParams.set(key, value);
    const method = request.method ?? 'GET';
    const context = new RequestContext(url.toString(), HttpMethod[method]);
    await this.kubeConfig.applySecurityAuthentication(context);
    const headers: Record<string, string> = { ...context.getHeaders(), accept: 'application/json' };
    if (request.body !== undefined) headers['content-type'] = request.contentType ?? 'application/json';
    const dispatcher = context.getDispatcher();
    return undiciRequest(url, {
      method,
      headers,
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      ...(dispatcher ? { dispatcher } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.bodyTimeoutMs !== undefined ? { bodyTimeout: request.bodyTimeoutMs } : {}),
    });
  }

  close(): Promise<void> {
    return this.kubeConfig.closePool();
  }
}
