/**
 * The UI's one door to the public API (`/api/v1`, same origin): the bearer token from the session, JSON in and
 * out, the API's errors as `ApiError` (code, message and the fields at fault), and server-sent event streams read
 * through `fetch` (an `EventSource` cannot send the token, and the token never goes into a URL). A 401 anywhere
 * ends the session: `onUnauthenticated` listeners (the app's router) return to sign-in with the API's message.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';

const TOKEN_KEY = 'cite.token';

export interface FieldIssue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /**
   * The message for one field (`replicas`, `env.2.name`, `domains.0`; `env[2].name` is read the same), or for any
   * field under it.
   */
  fieldMessage(path: string): string | undefined {
    const wanted = dotted(path);
    return this.details.find((d) => {
      const at = dotted(d.path);
      return at === wanted || at.startsWith(`${wanted}.`);
    })?.message;
  }
}

/** `env[2].name` → `env.2.name`: the API's paths join with dots. */
function dotted(path: string): string {
  return path.replace(/\[(\d+)\]/g, '.$1');
}

export const session = {
  token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set(token: string): void {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  clear(): void {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

type Listener = (message: string) => void;
const listeners = new Set<Listener>();

/** Called with the API's message when a call answers 401 (the session has been cleared). */
export function onUnauthenticated(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | readonly string[]>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** A token to use instead of the session's (sign-in checks one before keeping it). */
  token?: string;
}

export function apiUrl(path: string, query?: CallOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
    else params.set(key, String(value));
  }
  const search = params.toString();
  return `/api/v1${path}${search ? `?${search}` : ''}`;
}

function headersOf(options: CallOptions, accept: string): Record<string, string> {
  const token = options.token ?? session.token();
  return {
    accept,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...options.headers,
  };
}

async function failure(response: Response, options: CallOptions): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let error: ApiError;
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; details?: FieldIssue[] } };
    error = new ApiError(
      response.status,
      body.error?.code ?? 'error',
      body.error?.message ?? `${response.status} ${response.statusText}`,
      body.error?.details ?? [],
    );
  } catch {
    error = new ApiError(
      response.status,
      'error',
      text.slice(0, 200) || `${response.status} ${response.statusText}`,
    );
  }
  if (response.status === 401 && options.token === undefined) {
    session.clear();
    for (const listener of listeners) listener(error.message);
  }
  return error;
}

/** One API call; resolves with the JSON answer (undefined for 204). */
export async function api<T>(path: string, options: CallOptions = {}): Promise<T> {
  const response = await fetch(apiUrl(path, options.query), {
    method: options.method ?? 'GET',
    headers: headersOf(options, 'application/json'),
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!response.ok) throw await failure(response, options);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface StreamHandlers {
  onEvent: (event: EventSourceMessage) => void;
  /** The stream opened (again). */
  onOpen?: () => void;
  /** The stream failed or ended; it is opened again after `retryMs` unless aborted. */
  onError?: (error: unknown) => void;
}

/**
 * Follows a server-sent event stream until `signal` aborts, opening it again (with `Last-Event-ID`) when it ends
 * or fails. A 4xx other than 429 ends it for good (onError is told).
 */
export async function followEvents(
  path: string,
  query: CallOptions['query'],
  handlers: StreamHandlers,
  signal: AbortSignal,
  retryMs = 1000,
): Promise<void> {
  let lastId: string | undefined;
  while (!signal.aborted) {
    try {
      const response = await fetch(apiUrl(path, query), {
        headers: { ...headersOf({}, 'text/event-stream'), ...(lastId ? { 'last-event-id': lastId } : {}) },
        signal,
      });
      if (!response.ok || !response.body) {
        const error = await failure(response, {});
        handlers.onError?.(error);
        if (response.status >= 400 && response.status < 500 && response.status !== 429) return;
      } else {
        handlers.onOpen?.();
        const parser = createParser({
          onEvent: (event) => {
            if (event.id) lastId = event.id;
            handlers.onEvent(event);
          },
        });
        const decoder = new TextDecoder();
        const reader = response.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parser.feed(decoder.decode(value, { stream: true }));
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      handlers.onError?.(error);
    }
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}
