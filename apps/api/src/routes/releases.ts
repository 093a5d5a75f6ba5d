/** Releases of a service: deploy, list, read, roll back; progress and deploy log, as JSON, text and SSE. */
import type { ServiceCatalog, StreamEvent } from '@cite/catalog';
import type { Release } from '@cite/model';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { audited } from '../http/audit';
import { releaseLinks } from '../http/links';
import { auditDetails, callContext } from '../http/locals';
import { etagOf, pageQuery, pathParam, releaseNumberParam } from '../http/params';
import { followQuery, lastEventId, openSse, wantsEventStream } from '../http/sse';

const serviceTarget = (req: Request) => `service/${pathParam(req, 'name')}`;

function accepted(res: Response, release: Release): void {
  const links = releaseLinks(release.service, release.number);
  auditDetails(res, { release: release.number, cause: release.cause, image: release.image });
  res.status(202).location(links.self).json({ release, links });
}

/** Streams `events` as SSE until they end, the client leaves or the server stops. */
async function stream(
  req: Request,
  res: Response,
  start: (signal: AbortSignal) => Promise<AsyncGenerator<StreamEvent>>,
  shutdown?: AbortSignal,
): Promise<void> {
  const controller = new AbortController();
  // Authorization and 404 happen here, before any byte of the stream is sent.
  const events = await start(controller.signal);
  const sse = openSse(req, res, shutdown);
  sse.signal.addEventListener('abort', () => controller.abort(), { once: true });
  try {
    for await (const event of events) sse.send(event);
  } catch (error) {
    if (!controller.signal.aborted) req.log.warn('event stream ended by an error', { error });
  } finally {
    controller.abort();
    sse.end();
  }
}

export function releaseRoutes(deps: {
  catalog: ServiceCatalog;
  idempotent: RequestHandler;
  streams?: AbortSignal;
}): Router {
  const { catalog } = deps;
  const router = Router();

  router.post(
    '/services/:name/deploys',
    audited('release.deploy', serviceTarget),
    deps.idempotent,
    async (req, res) => {
      accepted(res, await catalog.deploy(callContext(req, res), pathParam(req, 'name'), req.body));
    },
  );

  router.post(
    '/services/:name/rollback',
    audited('release.rollback', serviceTarget),
    deps.idempotent,
    async (req, res) => {
      accepted(res, await catalog.rollback(callContext(req, res), pathParam(req, 'name'), req.body ?? {}));
    },
  );

  router.get('/services/:name/releases', async (req, res) => {
    res.json(await catalog.releases(callContext(req, res), pathParam(req, 'name'), pageQuery(req)));
  });

  router.get('/services/:name/releases/:number', async (req, res) => {
    const release = await catalog.release(
      callContext(req, res),
      pathParam(req, 'name'),
      releaseNumberParam(pathParam(req, 'number')),
    );
    res.set('etag', etagOf(release.modRevision)).json(release.value);
  });

  router.get('/services/:name/releases/:number/events', async (req, res) => {
    const name = pathParam(req, 'name');
    const number = releaseNumberParam(pathParam(req, 'number'));
    followQuery(req); // events always follow; a `follow` that is not true/false is still a 400
    const after = lastEventId(req);
    await stream(
      req,
      res,
      (signal) => catalog.releaseEvents(callContext(req, res), name, number, { after, signal }),
      deps.streams,
    );
  });

  router.get('/services/:name/releases/:number/log', async (req, res) => {
    const name = pathParam(req, 'name');
    const number = releaseNumberParam(pathParam(req, 'number'));
    if (wantsEventStream(req)) {
      const after = lastEventId(req);
      await stream(
        req,
        res,
        (signal) => catalog.releaseLogEvents(callContext(req, res), name, number, { after, signal }),
        deps.streams,
      );
      return;
    }
    const text = await catalog.releaseLogText(callContext(req, res), name, number);
    res.type('text/plain; charset=utf-8').set('cache-control', 'no-store').send(text);
  });

  return router;
}
