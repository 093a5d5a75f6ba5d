/** What a request under /api or /apis addresses, parsed as kube-apiserver's RequestInfoFactory does. */
export interface ResourceRequest {
  group: string;
  version: string;
  resource?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** `pods/<name>[:port]/proxy/<path>`: the path asked of the pod, from its `/`. */
  proxyPath?: string;
  /** The legacy /watch/ path prefix was used. */
  watchPrefix: boolean;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** Parses `/api/v1/...` and `/apis/<group>/<version>/...`; undefined for other paths. */
export function parseResourcePath(pathname: string): ResourceRequest | undefined {
  const parts = pathname
    .split('/')
    .filter((part) => part.length > 0)
    .map(decodeURIComponent);
  let rest: string[];
  let group: string;
  let version: string;
  if (parts[0] === 'api' && parts.length >= 2) {
    group = '';
    version = parts[1] as string;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1] as string;
    version = parts[2] as string;
    rest = parts.slice(3);
  } else return undefined;
  const request: ResourceRequest = { group, version, watchPrefix: false };
  if (rest[0] === 'watch') {
    request.watchPrefix = true;
    rest = rest.slice(1);
  }
  if (rest[0] === 'namespaces' && rest.length > 1) {
    request.namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2] as string)) rest = rest.slice(2);
  }
  request.resource = rest[0];
  request.name = rest[1];
  request.subresource = rest[2];
  if (request.subresource === 'proxy') request.proxyPath = `/${rest.slice(3).join('/')}`;
  else if (rest.length > 3) return undefined;
  if (request.resource === 'namespaces') request.namespace = undefined;
  return request;
}
