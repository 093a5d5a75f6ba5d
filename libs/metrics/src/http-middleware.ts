import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { HttpMetrics } from './recorders';

/** The route label of a request no route answered (404, 405, an error before routing). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Express middleware (mount it first) recording `cite_http_request_duration_seconds` for every response, with
 * the matched route's template (`/api/v1/services/:name`) — never the raw path, so a service name never becomes
 * a label value. The template is caught as Express's router sets `req.route` (with `req.baseUrl` still that of
 * the router holding the route): by the time the response ends, an error may have unwound `baseUrl`. A request
 * whose client left before any header was sent is not recorded.
 */
export function httpMetrics(metrics: HttpMetrics): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    let route = UNMATCHED_ROUTE;
    let matched: unknown;
    Object.defineProperty(req, 'route', {
      configurable: true,
      enumerable: true,
      get: () => matched,
      set(value: unknown) {
        matched = value;
        const path = (value as { path?: unknown } | undefined)?.path;
        if (typeof path === 'string') route = `${req.baseUrl}${path}`;
      },
    });
    let recorded = false;
    const record = () => {
      if (recorded || !res.headersSent) return;
      recorded = true;
      metrics.httpRequest(req.method, route, res.statusCode, (performance.now() - started) / 1000);
    };
    // Finished (the usual case), or closed early: a client that left mid-stream (an SSE stream) still counts.
    res.once('finish', record);
    res.once('close', record);
    next();
  };
}
