import { NotFoundError, toHttpError } from '@cite/errors';
import { requestIdFrom, type Logger } from '@cite/logging';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { fromRequestError } from './request-errors';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      id: string;
      log: Logger;
    }
  }
}

/**
 * Gives every request an id (the caller's `X-Request-Id` when sane), echoes it back, hangs a child logger on
 * the request, and writes one JSON access-log line when the response finishes.
 */
export function requestContext(logger: Logger): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    req.id = requestIdFrom(req.headers['x-request-id']);
    req.log = logger.child({ requestId: req.id });
    res.setHeader('x-request-id', req.id);
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      req.log.http('request', {
        method: req.method,
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        durationMs: Math.round(durationMs * 100) / 100,
        bytes: Number(res.getHeader('content-length') ?? 0),
        ip: req.ip,
        userAgent: req.headers['user-agent'],
      });
    });
    next();
  };
}

/** The last route: anything unmatched is a typed 404. */
export const notFound: RequestHandler = (req, _res, next) => {
  const path = req.path.length > 200 ? `${req.path.slice(0, 199)}…` : req.path;
  next(new NotFoundError(`no route for ${req.method} ${path}`));
};

/**
 * The one place errors become responses: typed errors in, `{ error: { code, message, details } }` out.
 * What Express and body-parser throw about a request becomes a typed 4xx first (`fromRequestError`).
 * 5xx answer a generic message; the full error (etcd key, gRPC status, cause) is logged with the request id.
 * 4xx are not logged. No response ever carries a stack.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const mapped = toHttpError(fromRequestError(error, req) ?? error);
    if (mapped.log) {
      (req.log ?? logger).error('request failed', {
        error,
        cause: (error as { cause?: unknown } | null)?.cause,
        status: mapped.status,
        method: req.method,
        path: req.originalUrl.split('?')[0],
      });
    }
    res.status(mapped.status).set(mapped.headers).json(mapped.body);
  };
}
