/** Cluster-wide reads the batch tasks share: every object of a kind, page by page, as plain JSON. */
import { KubeHttpError, type KubeHttp } from '@cite/kube';
import { UnavailableError } from '@cite/errors';

interface ListAnswer<T> {
  items?: T[];
  metadata?: { continue?: string };
}

/** Lists every object at `path` (a cluster-wide collection such as `/apis/apps/v1/replicasets`), 500 at a time. */
export async function listAll<T>(
  http: KubeHttp,
  path: string,
  options: { labelSelector?: string; signal?: AbortSignal } = {},
): Promise<T[]> {
  return listMapped<T, T>(http, path, (item) => item, options);
}

/**
 * Like `listAll`, keeping only what `map` makes of each object, page by page: a page's full JSON is garbage once
 * mapped, so 10,000 ReplicaSets cost what their slim records cost, not their manifests.
 */
export async function listMapped<T, R>(
  http: KubeHttp,
  path: string,
  map: (item: T) => R,
  options: { labelSelector?: string; signal?: AbortSignal } = {},
): Promise<R[]> {
  const items: R[] = [];
  let next: string | undefined;
  do {
    const page = await http
      .json<ListAnswer<T>>(path, {
        query: { limit: '500', labelSelector: options.labelSelector, continue: next },
        ...(options.signal ? { signal: options.signal } : {}),
      })
      .catch((error: unknown) => {
        throw kubeFailure(`list ${path}`, error);
      });
    for (const item of page.items ?? []) items.push(map(item));
    next = page.metadata?.continue || undefined;
  } while (next);
  return items;
}

/** A failed call to the API server as cite's typed error, its message one line. */
export function kubeFailure(action: string, error: unknown): Error {
  if (error instanceof KubeHttpError) {
    const body = error.body as string;
    let message = body;
    try {
      message = (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      // not JSON: the text itself
    }
    return new UnavailableError(
      'kubernetes',
      `${action}: HTTP ${error.code} ${String(message).slice(0, 200)}`,
      {
        cause: error,
      },
    );
  }
  return new UnavailableError('kubernetes', `${action}: ${(error as Error).message}`, { cause: error });
}

/** The paths of the collections and objects gc works with. */
export const COLLECTIONS = {
  ReplicaSet: { group: '/apis/apps/v1', plural: 'replicasets' },
  Deployment: { group: '/apis/apps/v1', plural: 'deployments' },
  Service: { group: '/api/v1', plural: 'services' },
  Ingress: { group: '/apis/networking.k8s.io/v1', plural: 'ingresses' },
  Pod: { group: '/api/v1', plural: 'pods' },
  Node: { group: '/api/v1', plural: 'nodes' },
  Endpoints: { group: '/api/v1', plural: 'endpoints' },
} as const;

export function collectionPath(kind: keyof typeof COLLECTIONS): string {
  const { group, plural } = COLLECTIONS[kind];
  return `${group}/${plural}`;
}

export function objectPath(kind: keyof typeof COLLECTIONS, namespace: string, name: string): string {
  const { group, plural } = COLLECTIONS[kind];
  return `${group}/namespaces/${encodeURIComponent(namespace)}/${plural}/${encodeURIComponent(name)}`;
}
