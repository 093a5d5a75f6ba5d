/**
 * The Service page's reads (query keys and fetchers, so every piece refreshes the same caches) and a hook that
 * follows a server-sent event stream for as long as a component wants it.
 */
import type { ServiceStatusView } from '@cite/catalog';
import type { Release, Service } from '@cite/model';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EventSourceMessage } from 'eventsource-parser';
import { api, followEvents, type CallOptions } from '../api';

export const servicePath = (name: string) => `/services/${encodeURIComponent(name)}`;

export const keys = {
  /** Everything of one service: invalidating this refreshes the service, its status and its releases. */
  all: (name: string) => ['service', name] as const,
  service: (name: string) => ['service', name, 'record'] as const,
  status: (name: string) => ['service', name, 'status'] as const,
  releases: (name: string) => ['service', name, 'releases'] as const,
  previews: (name: string) => ['service', name, 'previews'] as const,
};

export interface ReleasePage {
  items: Release[];
  nextCursor?: string;
}

export const RELEASE_PAGE_SIZE = 20;

export const fetchService = (name: string, signal?: AbortSignal) =>
  api<Service>(servicePath(name), signal ? { signal } : {});

export const fetchStatus = (name: string, signal?: AbortSignal) =>
  api<ServiceStatusView>(`${servicePath(name)}/status`, signal ? { signal } : {});

export const fetchReleases = (name: string, cursor: string | undefined, signal?: AbortSignal) =>
  api<ReleasePage>(`${servicePath(name)}/releases`, {
    query: { limit: RELEASE_PAGE_SIZE, cursor },
    ...(signal ? { signal } : {}),
  });

export const fetchPreviews = (name: string, signal?: AbortSignal) =>
  api<{ items: Service[] }>(`${servicePath(name)}/previews`, signal ? { signal } : {});

/** After a change: the service, its status and its releases again (and any list of services). */
export function refreshService(client: QueryClient, name: string): Promise<void> {
  return Promise.all([
    client.invalidateQueries({ queryKey: keys.all(name) }),
    client.invalidateQueries({ queryKey: ['services'] }),
  ]).then(() => undefined);
}

export function useRefreshService(name: string): () => void {
  const client = useQueryClient();
  return useCallback(() => {
    // Fire and forget: the queries report their own errors.
    void refreshService(client, name);
  }, [client, name]);
}

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'ended';

/**
 * Follows `path` while `enabled`, handing each event to `onEvent` (the latest one given; changing it does not
 * reconnect). `onEvent` may return `'stop'` to end the stream (a release that is done). Reconnects with
 * `Last-Event-ID` when the stream drops; a 4xx ends it with `error`.
 */
export function useEventStream(
  path: string,
  query: CallOptions['query'],
  enabled: boolean,
  onEvent: (event: EventSourceMessage) => 'stop' | void,
): { state: StreamState; error: string | undefined } {
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  }, [onEvent]);
  const queryText = JSON.stringify(query ?? {});
  // What a stream reported, under the key of the stream it was: another stream starts as `connecting`.
  const streamKey = `${path}?${queryText}`;
  const [report, setReport] = useState<{ key: string; state: StreamState; error: string | undefined }>({
    key: streamKey,
    state: 'connecting',
    error: undefined,
  });

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    const key = `${path}?${queryText}`;
    // Ends when the signal aborts; errors are reported through onError, never thrown.
    void followEvents(
      path,
      JSON.parse(queryText) as CallOptions['query'],
      {
        onOpen: () => setReport({ key, state: 'live', error: undefined }),
        onEvent: (event) => {
          if (handler.current(event) === 'stop') {
            setReport({ key, state: 'ended', error: undefined });
            controller.abort();
          }
        },
        onError: (caught) => {
          if (controller.signal.aborted) return;
          const message = caught instanceof Error ? caught.message : String(caught);
          const status = (caught as { status?: unknown }).status;
          const final = typeof status === 'number' && status >= 400 && status < 500 && status !== 429;
          setReport({ key, state: final ? 'ended' : 'reconnecting', error: message });
        },
      },
      controller.signal,
      2000,
    );
    return () => controller.abort();
  }, [path, queryText, enabled]);

  return report.key === streamKey
    ? { state: report.state, error: report.error }
    : { state: 'connecting', error: undefined };
}

/** `Date.now()`, again every `everyMs` (for ages that tick). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
