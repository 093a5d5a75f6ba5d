/**
 * The network as the watcher records it: domains (`domains/<host>`), a service's load-balancer endpoints
 * (`lb/<namespace>/<service>`), the IP pool with each node's use (`network/pool`, `nodes/<node>`), and
 * whose an address is (`ips/<ip>`). Read-only; the deciding is in `@cite/catalog` (`network-view.ts`).
 *
 * Scoping is the services' (`docs/api.md`): a member reads the domains and pod addresses of services of their
 * teams, and anything else answers as if it did not exist (404), since a host or an address names no service
 * the member could have asked about; the endpoints of a service are a service call (404, then 403 across
 * teams). The pool and node use are capacity, not secrets: any caller reads `/network`.
 */
import type { Principal } from '@cite/auth';
import {
  endpointsView,
  ipView,
  lookupAddress,
  mayRead,
  networkView,
  poolOf,
  type ServiceCatalog,
} from '@cite/catalog';
import { CorruptValueError, notFoundAt } from '@cite/errors';
import { hostnameErrors, teamNamespace, type Domain, type Service } from '@cite/model';
import { encodeCursor, MetadataStore } from '@cite/store';
import { Router } from 'express';
import { callContext } from '../http/locals';
import { pageQuery, pathParam, queryString } from '../http/params';

const DEFAULT_PAGE = 100;

/**
 * The services named by `names`, by name (null for one that is gone). A service record that does not parse
 * counts as gone: it hides that service's records from members rather than failing the whole answer.
 */
async function ownersOf(store: MetadataStore, names: Iterable<string>): Promise<Map<string, Service | null>> {
  const unique = [...new Set(names)];
  const found = await Promise.all(
    unique.map((name) =>
      store.services.get(name).then(
        (service) => service?.value ?? null,
        (error: unknown) => {
          if (error instanceof CorruptValueError) return null;
          throw error;
        },
      ),
    ),
  );
  return new Map(unique.map((name, index) => [name, found[index] ?? null]));
}

/** Whether `principal` may read each of `records` (see `mayRead`); admins without reading anything. */
async function readable<R extends { service?: string | undefined; namespace: string }>(
  store: MetadataStore,
  principal: Principal,
  records: readonly R[],
): Promise<boolean[]> {
  if (principal.role === 'admin') return records.map(() => true);
  const owners = await ownersOf(
    store,
    records.flatMap((record) => (record.service === undefined ? [] : [record.service])),
  );
  return records.map((record) =>
    mayRead(principal, record, record.service === undefined ? null : (owners.get(record.service) ?? null)),
  );
}

/**
 * Up to `limit` domains the caller may read (of `service` only, when given), from `cursor` on, in host order,
 * and a cursor when more may follow. Reads etcd in pages of at least 100, since most of a page may be skipped.
 */
async function listDomains(
  store: MetadataStore,
  principal: Principal,
  query: { service?: string; limit?: number; cursor?: string },
): Promise<{ items: Domain[]; nextCursor?: string }> {
  const limit = query.limit ?? DEFAULT_PAGE;
  const items: Domain[] = [];
  let cursor = query.cursor;
  for (;;) {
    const page = await store.domains.list({ limit: Math.max(limit, DEFAULT_PAGE), cursor });
    const candidates = page.items.filter(
      (item) => query.service === undefined || item.value.service === query.service,
    );
    const visible = await readable(
      store,
      principal,
      candidates.map((item) => item.value),
    );
    for (const [index, item] of candidates.entries()) {
      if (!visible[index]) continue;
      items.push(item.value);
      if (items.length === limit) {
        const more = item.id !== page.items.at(-1)?.id || page.nextCursor !== undefined;
        return more ? { items, nextCursor: encodeCursor(item.id) } : { items };
      }
    }
    if (page.nextCursor === undefined) return { items };
    cursor = page.nextCursor;
  }
}

/** A host as asked: lower case (DNS is not case-sensitive); 404 at `host` for text that names no host. */
function hostParam(text: string): string {
  const host = text.toLowerCase();
  if (hostnameErrors(host, { wildcard: true }).length > 0)
    throw notFoundAt('host', `domain ${text} not found`);
  return host;
}

export function networkRoutes(deps: { catalog: ServiceCatalog; store: MetadataStore }): Router {
  const { catalog, store } = deps;
  const router = Router();

  router.get('/domains', async (req, res) => {
    const ctx = callContext(req, res);
    const service = queryString(req, 'service');
    const page = pageQuery(req);
    // Asked for one service: 404 or 403 as for the service itself.
    if (service !== undefined) await catalog.get(ctx, service);
    const result = await listDomains(store, ctx.principal, {
      ...page,
      ...(service === undefined ? {} : { service }),
    });
    res.set('cache-control', 'no-store').json(result);
  });

  router.get('/domains/:host', async (req, res) => {
    const ctx = callContext(req, res);
    const host = hostParam(pathParam(req, 'host'));
    const found = await store.domains.get(host);
    const [visible] = found ? await readable(store, ctx.principal, [found.value]) : [false];
    if (!found || !visible) throw notFoundAt('host', `domain ${host} not found`);
    res.set('cache-control', 'no-store').json(found.value);
  });

  router.get('/services/:name/endpoints', async (req, res) => {
    const { value: service } = await catalog.get(callContext(req, res), pathParam(req, 'name'));
    const record = await store.lbEndpoints.get(
      MetadataStore.lbEndpointsId(teamNamespace(service.team), service.name),
    );
    res.set('cache-control', 'no-store').json(endpointsView(service, record?.value ?? null));
  });

  router.get('/network', async (_req, res) => {
    const stored = await store.networkPool.get();
    const { pool, source } = poolOf(stored?.value ?? null);
    const nodes = [];
    for await (const item of store.nodes.all()) nodes.push(item.value);
    res.set('cache-control', 'no-store').json(networkView(pool, nodes, source));
  });

  router.get('/network/ips/:ip', async (req, res) => {
    const ctx = callContext(req, res);
    const ip = lookupAddress(pathParam(req, 'ip'));
    const [stored, record] = await Promise.all([store.networkPool.get(), store.ips.get(ip)]);
    const { pool } = poolOf(stored?.value ?? null);
    const [visible] = record ? await readable(store, ctx.principal, [record.value]) : [false];
    res.set('cache-control', 'no-store').json(ipView(pool, ip, record && visible ? record.value : null));
  });

  return router;
}
