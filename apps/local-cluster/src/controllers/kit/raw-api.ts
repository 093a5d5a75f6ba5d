/**
 * The controllers' frequent writes as plain JSON (`KubeHttp` from @cite/kube): status patches, pod and
 * ReplicaSet creates and deletes, bindings, Endpoints and EndpointSlices. client-node's typed methods run every
 * request and answer through `ObjectSerializer` and WHATWG fetch, which cost more CPU than the server spends on
 * the write. Answers come back as wire objects (timestamps as strings), the form the informer caches hold, and
 * failures carry `code` and `body` like client-node's `ApiException`, so `api-errors` reads both.
 */
import type { KubeHttp } from '@cite/kube';

const MERGE_PATCH_TYPE = 'application/merge-patch+json';

function namespaced(prefix: string, resource: string) {
  return (namespace: string, name?: string, subresource?: string): string => {
    let path = `${prefix}/namespaces/${encodeURIComponent(namespace)}/${resource}`;
    if (name !== undefined) path += `/${encodeURIComponent(name)}`;
    if (subresource !== undefined) path += `/${subresource}`;
    return path;
  };
}

/** Paths of the resources written here: `(namespace, name?, subresource?)`. */
export const PATHS = {
  pods: namespaced('/api/v1', 'pods'),
  endpoints: namespaced('/api/v1', 'endpoints'),
  replicaSets: namespaced('/apis/apps/v1', 'replicasets'),
  deployments: namespaced('/apis/apps/v1', 'deployments'),
  endpointSlices: namespaced('/apis/discovery.k8s.io/v1', 'endpointslices'),
};

export class RawApi {
  constructor(private readonly http: KubeHttp) {}

  create<T>(path: string, body: unknown): Promise<T> {
    return this.http.json<T>(path, { method: 'POST', body });
  }

  replace<T>(path: string, body: unknown): Promise<T> {
    return this.http.json<T>(path, { method: 'PUT', body });
  }

  /** RFC 7386 JSON merge patch. */
  mergePatch<T>(path: string, body: unknown): Promise<T> {
    return this.http.json<T>(path, { method: 'PATCH', body, contentType: MERGE_PATCH_TYPE });
  }

  /** DELETE with DeleteOptions (preconditions, grace period); answers the object or a Status. */
  remove<T>(path: string, options: object, query: Record<string, string> = {}): Promise<T> {
    return this.http.json<T>(path, { method: 'DELETE', body: options, query });
  }
}
