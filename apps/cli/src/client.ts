/**
 * The CLI's door to the public API: JSON in and out with the bearer token, the API's errors turned into one line
 * and an exit code, server-sent event streams read through fetch (eventsource-parser), and a deadline on every
 * plain call. A server that cannot be reached is one line naming it, exit 6.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { CliError, EXIT, exitCodeOf } from './errors';

export interface Query {
  [key: string]: string | number | boolean | undefined;
}

export interface ApiErrorBody {
  error?: { code?: string; message?: string; details?: { path: string; message: string }[] };
}

const TIMEOUT_MS = 30_000;

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  url(path: string, query: Query = {}): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query))
      if (value !== undefined && value !== '') params.set(key, String(value));
    const search = params.toString();
    return `${this.baseUrl}/api/v1${path}${search ? `?${search}` : ''}`;
  }

  private async send(
    method: string,
    path: string,
    options: { query?: Query; body?: unknown; accept?: string; signal?: AbortSignal; timeout?: boolean } = {},
  ): Promise<Response> {
    const signals = [
      options.signal,
      options.timeout === false ? undefined : AbortSignal.timeout(TIMEOUT_MS),
    ].filter((s): s is AbortSignal => s !== undefined);
    let response: Response;
    try {
      response = await fetch(this.url(path, options.query), {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: options.accept ?? 'application/json',
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(signals.length ? { signal: AbortSignal.any(signals) } : {}),
      });
    } catch (error) {
      throw unreachable(this.baseUrl, error);
    }
    if (!response.ok) throw await apiError(response);
    return response;
  }

  async json<T>(method: string, path: string, options: { query?: Query; body?: unknown } = {}): Promise<T> {
    const response = await this.send(method, path, options);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.json<T>('GET', path, query ? { query } : {});
  }

  async text(path: string, query?: Query): Promise<string> {
    const response = await this.send('GET', path, { ...(query ? { query } : {}), accept: 'text/plain' });
    return response.text();
  }

  /** Every page of a list (`items`, `nextCursor`), up to `max` items. */
  async all<T>(path: string, query: Query = {}, max = 10_000): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.get<{ items: T[]; nextCursor?: string }>(path, {
        ...query,
        limit: 1000,
        cursor,
      });
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && items.length < max);
    return items;
  }

  /** Reads a server-sent event stream until it ends, `onEvent` returns `'stop'`, or `signal` aborts. */
  async events(
    path: string,
    query: Query,
    onEvent: (event: EventSourceMessage) => 'stop' | void,
    signal?: AbortSignal,
  ): Promise<void> {
    const response = await this.send('GET', path, {
      query,
      accept: 'text/event-stream',
      timeout: false,
      ...(signal ? { signal } : {}),
    });
    if (!response.body) return;
    let stopped = false;
    const parser = createParser({
      onEvent: (event) => {
        if (!stopped && onEvent(event) === 'stop') stopped = true;
      },
    });
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    try {
      while (!stopped) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch (error) {
      if (signal?.aborted) return;
      throw unreachable(this.baseUrl, error);
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }
}

function unreachable(baseUrl: string, error: unknown): CliError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why =
    (error as Error).name === 'TimeoutError'
      ? `no answer within ${TIMEOUT_MS / 1000} s`
      : (cause?.code ?? cause?.message ?? (error as Error).message);
  return new CliError(`cannot reach ${baseUrl}: ${why}`, EXIT.unavailable);
}

async function apiError(response: Response): Promise<CliError> {
  const text = await response.text().catch(() => '');
  let body: ApiErrorBody = {};
  try {
    body = JSON.parse(text) as ApiErrorBody;
  } catch {
    // not JSON (a proxy's page): the status says it
  }
  const message = body.error?.message ?? `HTTP ${response.status} ${response.statusText}`.trim();
  return new CliError(message, exitCodeOf(response.status), body.error?.details ?? []);
}
