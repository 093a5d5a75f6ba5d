/**
 * The `route` label of a request to the emulator, for `cite_http_request_duration_seconds`: the path's template
 * (`/apis/apps/v1/namespaces/:namespace/deployments/:name`), built only from what the catalog serves, so a
 * name, a namespace or an unknown path never becomes a label value. Watches and followed logs last as long as
 * the client wants: they are not timed.
 */
import type { ResourceCatalog } from '../registry/catalog';
import { isWatch } from './query';
import { parseResourcePath } from './request-info';

export const UNMATCHED = 'unmatched';

const HEALTH = ['/healthz', '/readyz', '/livez'];
const FIXED = new Set(['/metrics', '/version', '/api', '/apis', '/api/v1', '/openapi/v2', '/openapi/v3']);

const flag = (query: URLSearchParams, key: string) => ['true', '1', ''].includes(query.get(key) ?? 'false');

/** The template of `rawUrl`, `unmatched` when nothing serves it, undefined for a long-running request. */
export function routeTemplate(catalog: ResourceCatalog, method: string, rawUrl: string): string | undefined {
  const url = new URL(rawUrl, 'http://local');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const health = HEALTH.find((base) => path === base || path.startsWith(`${base}/`));
  if (health) return health;
  if (FIXED.has(path)) return path;
  if (path.startsWith('/openapi/v3/')) return '/openapi/v3/:groupVersion';
  const group = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (group) return groupTemplate(catalog, group[1] ?? '', group[2]);
  const target = parseResourcePath(path);
  if (!target?.resource) return UNMATCHED;
  const definition = catalog.find(target.group, target.version, target.resource);
  if (!definition) return UNMATCHED;
  const { namespace, name, subresource } = target;
  if (method === 'GET' && (target.watchPrefix || isWatch(url.searchParams))) return undefined;
  if (subresource === 'log' && flag(url.searchParams, 'follow')) return undefined;
  if (subresource !== undefined && !definition.subresources.includes(subresource)) return UNMATCHED;
  const prefix =
    definition.group === ''
      ? `/api/${definition.version}`
      : `/apis/${definition.group}/${definition.version}`;
  return [
    prefix,
    namespace !== undefined ? '/namespaces/:namespace' : '',
    `/${definition.resource}`,
    name !== undefined ? '/:name' : '',
    subresource !== undefined ? `/${subresource}` : '',
  ].join('');
}

/** `/apis/<group>` and `/apis/<group>/<version>` (discovery), when the catalog has them. */
function groupTemplate(catalog: ResourceCatalog, group: string, version: string | undefined): string {
  const known = catalog.groups().find((candidate) => candidate.group === group);
  if (!known) return UNMATCHED;
  if (version === undefined) return '/apis/:group';
  return known.versions.includes(version) ? '/apis/:group/:version' : UNMATCHED;
}
