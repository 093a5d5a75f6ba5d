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
const STRATEGIC_MERGE_PATCH_TYPE = 'application/strategic-merge-patch+json';

/** Paths of the resources written here: `(namespace, name?, subresource?)`. */
export { PATHS };

/** The namespace of the kubelets' node Leases. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** Paths of the node-related objects: Nodes (cluster scope) and their Leases in kube-node-lease. */
export const NODE_PATHS = {
  node: (name: string, subresource?: string): string =>
    `/api/v1/nodes/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}`,
  lease: (name?: string): string =>
    `/apis/coordination.k8s.io/v1/namespaces/${NODE_LEASE_NAMESPACE}/leases${
      name === undefined ? '' : `/${encodeURIComponent(name)}`
    }`,
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

  /** Strategic merge patch: lists with a merge key (conditions by `type`) are merged item by item. */
  strategicMergePatch<T>(path: string, body: unknown): Promise<T> {
    return this.http.json<T>(path, { method: 'PATCH', body, contentType: STRATEGIC_MERGE_PATCH_TYPE });
  }

  /** DELETE with DeleteOptions (preconditions, grace period); answers the object or a Status. */
  remove<T>(path: string, options: object, query: Record<string, string> = {}): Promise<T> {
    return this.http.json<T>(path, { method: 'DELETE', body: options, query });
  }
}
