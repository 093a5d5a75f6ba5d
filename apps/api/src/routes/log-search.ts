/**
 * Log search in the search engine (`CITE_LOGS_URL`): `GET /api/v1/services/:name/logs/search` over a service's
 * container and deploy logs (team scoping as for the service itself), and `GET /api/v1/logs/search` across
 * services, cite's own logs included, for admins. A Lucene query string, a time range, pod and level filters,
 * newest first, paged with an opaque cursor (`search_after`). Each service's answer carries a Kibana Discover
 * link when `CITE_KIBANA_URL` is set. Without an engine: 501 saying so (the live tail still works).
 */
import type { ServiceCatalog } from '@cite/catalog';
import { ForbiddenError, InputError, NotConfiguredError } from '@cite/errors';
import { indexPattern, type LogQuery, type LogStore } from '@cite/log-store';
import { Router, type Request } from 'express';
import { callContext } from '../http/locals';
import { pathParam, queryString } from '../http/params';

export interface LogSearchDeps {
  catalog: ServiceCatalog;
  logs?: Pick<LogStore, 'search'>;
  /** `CITE_KIBANA_URL`. */
  kibanaUrl?: string;
}

const NO_ENGINE =
  'log search needs a search engine: set CITE_LOGS_URL (npm start runs one when Java is installed)';

function limitOf(req: Request): number | undefined {
  const text = queryString(req, 'limit');
  if (text === undefined) return undefined;
  const limit = Number(text);
  if (!/^\d+$/.test(text))
    throw new InputError('limit must be an integer', {
      details: [{ path: 'limit', message: 'must be an integer' }],
    });
  return limit;
}

function queryOf(req: Request): LogQuery {
  const value = (name: string) => queryString(req, name);
  const limit = limitOf(req);
  return {
    ...(value('q') !== undefined ? { q: value('q') } : {}),
    ...(value('from') !== undefined ? { from: value('from') } : {}),
    ...(value('to') !== undefined ? { to: value('to') } : {}),
    ...(value('pod') !== undefined ? { pod: value('pod') } : {}),
    ...(value('level') !== undefined ? { level: value('level') } : {}),
    ...(value('cursor') !== undefined ? { cursor: value('cursor') } : {}),
    ...(limit !== undefined ? { size: limit } : {}),
  };
}

/** A Discover link to the service's lines over the last hour (data view `cite-logs`, see ops/kibana/). */
export function kibanaLink(kibanaUrl: string, service: string): string {
  const query = encodeURIComponent(`service.name:"${service}"`);
  return (
    `${kibanaUrl}/app/discover#/?_g=(time:(from:now-1h,to:now))` +
    `&_a=(index:'cite-logs',query:(language:kuery,query:'${query}'))`
  );
}

export function logSearchRoutes(deps: LogSearchDeps): Router {
  const router = Router();
  router.get('/services/:name/logs/search', async (req, res) => {
    const ctx = callContext(req, res);
    const service = (await deps.catalog.get(ctx, pathParam(req, 'name'))).value;
    const query = queryOf(req);
    if (!deps.logs) throw new NotConfiguredError(NO_ENGINE);
    const page = await deps.logs.search(
      [indexPattern('logs', service.team), indexPattern('deploys', service.team)],
      { ...query, service: service.name },
    );
    res.set('cache-control', 'no-store').json({
      ...page,
      ...(deps.kibanaUrl ? { kibana: kibanaLink(deps.kibanaUrl, service.name) } : {}),
    });
  });

  router.get('/logs/search', async (req, res) => {
    const ctx = callContext(req, res);
    if (ctx.principal.role !== 'admin')
      throw new ForbiddenError(
        'searching across services is for admins; search one of your services instead',
      );
    const query = queryOf(req);
    const service = queryString(req, 'service');
    if (!deps.logs) throw new NotConfiguredError(NO_ENGINE);
    const page = await deps.logs.search(
      [indexPattern('logs'), indexPattern('deploys'), indexPattern('system')],
      { ...query, ...(service !== undefined ? { service } : {}) },
    );
    res.set('cache-control', 'no-store').json(page);
  });
  return router;
}
