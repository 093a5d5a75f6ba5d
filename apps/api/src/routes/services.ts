/** `/api/v1/services`: create, list, read, change, scale, delete; a service's observed status. */
import { parseLabelSelector, type ChangeResult, type GitHubFlow, type ServiceCatalog } from '@cite/catalog';
import { invalidField } from '@cite/errors';
import { ServiceState, type Service } from '@cite/model';
import { Router, type Request, type Response } from 'express';
import { audited } from '../http/audit';
import { releaseLinks, serviceLinks } from '../http/links';
import { publicService } from '../http/public-service';
import { auditDetails, callContext } from '../http/locals';
import { etagOf, ifMatchRevision, pageQuery, pathParam, queryString, queryStrings } from '../http/params';
import type { RequestHandler } from 'express';

const serviceTarget = (req: Request) => `service/${pathParam(req, 'name')}`;

function bodyName(req: Request): string {
  const name: unknown = (req.body as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : '';
}

/** `?state=active,deleting` (default), `?state=all`. */
function statesQuery(req: Request): Service['state'][] | undefined {
  const raw = queryString(req, 'state');
  if (raw === undefined) return undefined;
  if (raw === 'all') return [...ServiceState.options];
  const states = raw.split(',');
  const known = new Set<string>(ServiceState.options);
  if (!states.every((state) => known.has(state))) {
    throw invalidField(
      'state',
      `must be 'all' or a comma-separated list of ${ServiceState.options.join(', ')}`,
    );
  }
  return states as Service['state'][];
}

function sendChange(res: Response, result: ChangeResult): void {
  res.set('etag', etagOf(result.service.modRevision));
  if (result.release) auditDetails(res, { release: result.release.number, cause: result.release.cause });
  res.status(result.release ? 202 : 200).json({
    service: publicService(result.service.value),
    release: result.release,
    links: {
      ...serviceLinks(result.service.value.name),
      ...(result.release ? { release: releaseLinks(result.service.value.name, result.release.number) } : {}),
    },
  });
}

export function serviceRoutes(deps: {
  catalog: ServiceCatalog;
  flow: GitHubFlow;
  idempotent: RequestHandler;
}): Router {
  const { catalog } = deps;
  const router = Router();

  router.post(
    '/services',
    audited('service.create', (req) => `service/${bodyName(req)}`),
    deps.idempotent,
    async (req, res) => {
      const created = await catalog.create(callContext(req, res), req.body);
      res
        .status(201)
        .set('etag', etagOf(created.modRevision))
        .location(serviceLinks(created.value.name).self)
        .json(publicService(created.value));
    },
  );

  router.get('/services', async (req, res) => {
    const labels = queryStrings(req, 'label').map(parseLabelSelector);
    const team = queryString(req, 'team');
    const states = statesQuery(req);
    const q = queryString(req, 'q');
    if (q !== undefined && (q.length > 63 || !/^[a-zA-Z0-9-]*$/.test(q)))
      throw invalidField('q', 'must be part of a service name: letters, digits and hyphens, at most 63');
    const include = queryString(req, 'include');
    if (include !== undefined && include !== 'status') throw invalidField('include', "must be 'status'");
    const page = await catalog.list(callContext(req, res), {
      ...pageQuery(req),
      ...(team === undefined ? {} : { team }),
      ...(states === undefined ? {} : { states }),
      ...(q ? { q } : {}),
      labels,
    });
    const summaries = include === 'status' ? await catalog.summaries(page.items) : undefined;
    res.json({
      ...page,
      items: page.items.map((service, i) => ({
        ...publicService(service),
        ...(summaries ? { status: summaries[i] } : {}),
      })),
    });
  });

  router.get('/services/:name', async (req, res) => {
    const service = await catalog.get(callContext(req, res), pathParam(req, 'name'));
    res.set('etag', etagOf(service.modRevision)).json(publicService(service.value));
  });

  router.patch('/services/:name', audited('service.update', serviceTarget), async (req, res) => {
    const ifMatch = ifMatchRevision(req);
    sendChange(res, await catalog.patch(callContext(req, res), pathParam(req, 'name'), req.body, ifMatch));
  });

  router.post(
    '/services/:name/scale',
    audited('service.scale', serviceTarget),
    deps.idempotent,
    async (req, res) => {
      sendChange(res, await catalog.scale(callContext(req, res), pathParam(req, 'name'), req.body));
    },
  );

  router.delete('/services/:name', audited('service.delete', serviceTarget), async (req, res) => {
    const service = await catalog.remove(callContext(req, res), pathParam(req, 'name'));
    res.status(202).json({ service: publicService(service.value), links: serviceLinks(service.value.name) });
  });

  // A service's pull-request previews (`<name>-pr-<n>`), which cite makes and removes itself.
  router.get('/services/:name/previews', async (req, res) => {
    const name = pathParam(req, 'name');
    await catalog.get(callContext(req, res), name);
    res.json({ items: (await deps.flow.previewsOf(name)).map(publicService) });
  });

  router.get('/services/:name/status', async (req, res) => {
    res
      .set('cache-control', 'no-store')
      .json(await catalog.status(callContext(req, res), pathParam(req, 'name')));
  });

  return router;
}
