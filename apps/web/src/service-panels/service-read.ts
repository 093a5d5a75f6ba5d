/**
 * The service as the editors start from: read with its `ETag`, which `PATCH` takes back as `If-Match` so that a
 * change made by someone else in between is refused (409) rather than overwritten. `api()` gives the body only,
 * so this one read goes through `fetch` itself (same URL, same bearer token); an answer that is not a success is
 * asked again through `api()`, which turns it into an `ApiError` and ends the session on a 401.
 */
import type { Release, Service } from '@cite/model';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo } from 'react';
import { api, apiUrl, session } from '../api';

export interface ServiceRead {
  service: Service;
  /** The `ETag` of this read (`"42"`), when the API sent one. */
  etag?: string;
}

export const servicePath = (name: string) => `/services/${encodeURIComponent(name)}`;

export async function readService(name: string, signal?: AbortSignal): Promise<ServiceRead> {
  const token = session.token();
  const response = await fetch(apiUrl(servicePath(name)), {
    headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(signal ? { signal } : {}),
  });
  if (!response.ok) {
    // The API's error as `api()` reports it (a 401 ends the session there); should this read work, it is used.
    return { service: await api<Service>(servicePath(name), signal ? { signal } : {}) };
  }
  const service = (await response.json()) as Service;
  const etag = response.headers.get('etag') ?? undefined;
  return etag ? { service, etag } : { service };
}

/** The query key of the editors' read of one service (shared by the panels). */
export const readKey = (name: string) => ['service-panels', 'read', name] as const;

/** What a change (`PATCH`, `…/scale`) answers. */
export interface ChangeAnswer {
  service: Service;
  release?: Release | null;
}

/**
 * The service read with its ETag. The page's copy (`service`) stands in until the read is there, and whenever the
 * page has seen a newer one (which starts a new read). `etag` is undefined while there is no read of the newest
 * service yet; `reading` says one is under way.
 */
export function useServiceRead(service: Service) {
  const client = useQueryClient();
  const key = useMemo(() => readKey(service.name), [service.name]);
  const query = useQuery({
    queryKey: key,
    queryFn: async ({ signal }) => {
      const read = await readService(service.name, signal);
      // Never back to an older service than one already known (a read that crossed a change's answer).
      const known = client.getQueryData<ServiceRead>(key);
      return known && known.service.updatedAt > read.service.updatedAt ? known : read;
    },
  });
  const data = query.data;
  const behind = data !== undefined && data.service.updatedAt < service.updatedAt;
  useEffect(() => {
    if (behind) void client.invalidateQueries({ queryKey: key });
  }, [behind, client, key]);
  const current: ServiceRead = data !== undefined && !behind ? data : { service };
  /** Takes a change's answer as the newest service, and reads it again for its ETag. */
  const accept = useCallback(
    (next: Service) => {
      client.setQueryData<ServiceRead>(key, { service: next });
      void client.invalidateQueries({ queryKey: key });
    },
    [client, key],
  );
  /** Reads the service again (after a 409 for a stale ETag). */
  const reread = useCallback(() => client.invalidateQueries({ queryKey: key }), [client, key]);
  return {
    service: current.service,
    etag: current.etag,
    reading: query.isFetching || behind,
    error: query.error,
    accept,
    reread,
  };
}
