/**
 * `GET /api/v1/services/:name/pods/events`: a service's pods as server-sent events — one `snapshot`, then
 * `pod` events `{type: added|changed|removed, pod}` as the watcher rewrites `status/<service>` (see
 * `followPods` in `@cite/catalog`). `Last-Event-ID` (an etcd revision) resumes without repeating or losing an
 * event; heartbeats keep proxies from closing the stream, and it ends when the client leaves or the server
 * shuts down.
 */
import { followPods, type PodStreamEvent, type ServiceCatalog } from '@cite/catalog';
import type { ObservedStatusStore } from '@cite/store';
import { Router, type Response } from 'express';
import { callContext } from '../http/locals';
import { pathParam } from '../http/params';
import { lastEventId, openSse, type SseStream } from '../http/sse';

/**
 * One event on the wire. Written here rather than with `SseStream.send`, which types its events as the release
 * streams' and always writes an id: the events of one write carry the id on the last only.
 */
function send(res: Response, sse: SseStream, event: PodStreamEvent): void {
  if (sse.signal.aborted) return;
  const id = event.id === undefined ? '' : `id: ${event.id}\n`;
  res.write(`${id}event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`);
}

export function podEventRoutes(deps: {
  catalog: ServiceCatalog;
  observed: ObservedStatusStore;
  streams?: AbortSignal;
}): Router {
  const router = Router();

  router.get('/services/:name/pods/events', async (req, res) => {
    const name = pathParam(req, 'name');
    const after = lastEventId(req);
    // 404 / 403 as for the service, and a first read of its pods, before any byte of the stream is sent.
    await deps.catalog.get(callContext(req, res), name);
    const controller = new AbortController();
    const events = await followPods(deps.observed, name, { after, signal: controller.signal });
    const sse = openSse(req, res, deps.streams);
    sse.signal.addEventListener('abort', () => controller.abort(), { once: true });
    try {
      for await (const event of events) send(res, sse, event);
    } catch (error) {
      if (!controller.signal.aborted) req.log.warn('pod event stream ended by an error', { error });
    } finally {
      controller.abort();
      sse.end();
    }
  });

  return router;
}
