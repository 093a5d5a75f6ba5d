import { InputError, NotFoundError, toHttpError } from '@cite/errors';
import { requestIdFrom, type Logger } from '@cite/logging';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';

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
  next(new NotFoundError(`no route for ${req.method} ${req.path}`));
};

/**
 * The one place errors become responses: typed errors in, `{ error: { code, message, details } }` out.
 * 5xx are logged with their stack; 4xx are not. No response ever carries a stack.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const mapped = toHttpError(fromBodyParser(error) ?? error);
    if (mapped.log) (req.log ?? logger).error('request failed', { error, status: mapped.status });
    res.status(mapped.status).set(mapped.headers).json(mapped.body);
  };
}

/** express.json() failures (bad JSON, wrong charset) are the caller's fault: a 400 naming the body, never a 500. */
function fromBodyParser(error: unknown): InputError | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  const type = (error as { type: unknown }).type;
  if (typeof type !== 'string') return undefined;
  if (type === 'entity.too.large')
    return new InputError('request body too large', { details: [{ path: 'body', message: 'too large' }] });
  if (type.startsWith('entity.') || type.endsWith('.unsupported')) {
    return new InputError('request body is not valid JSON', {
      details: [{ path: 'body', message: String((error as { message?: unknown }).message) }],
    });
  }
  return undefined;
}
