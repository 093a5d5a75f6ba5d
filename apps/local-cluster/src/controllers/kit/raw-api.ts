/**
 * The controllers' frequent writes as plain JSON (`KubeHttp` from @cite/kube): status patches, pod and
 * ReplicaSet creates and deletes, bindings, Endpoints, EndpointSlices and events. client-node's typed methods run every
 * request and answer through `ObjectSerializer` and WHATWG fetch, which cost more CPU than the server spends on
 * the write. Answers come back as wire objects (timestamps as strings), the form the informer caches hold, and
 * failures carry `code` and `body` like client-node's `ApiException`, so `@cite/kube`'s `statusCodeOf` and
 * `statusReasonOf` read both.
 */
import { PATHS, type KubeHttp } from '@cite/kube';

const MERGE_PATCH_TYPE = 'application/merge-patch+json';

/** Paths of the resources written here: `(namespace, name?, subresource?)`. */
export { PATHS };

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
