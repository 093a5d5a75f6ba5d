/**
 * What Express, its router and body-parser throw about a request (malformed JSON, a body over the limit, a
 * body that is not what its `Content-Encoding` says, bad percent-encoding in the path) → cite's typed errors,
 * so the one error middleware answers 400/413/415 naming what is at fault instead of a 500.
 */
import {
  InputError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  type CiteError,
  type FieldIssue,
} from '@cite/errors';
import type { Request } from 'express';

interface LibraryError {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  type?: unknown;
  message?: unknown;
  limit?: unknown;
  code?: unknown;
}

const clip = (text: string, max = 120) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const issue = (path: string, message: string): { details: FieldIssue[] } => ({
  details: [{ path, message: clip(message) }],
});

function contentEncoding(req: Request): string {
  return (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
}

/** A known library error about the request → a 4xx `CiteError`; anything else → undefined (left as is). */
export function fromRequestError(error: unknown, req: Request): CiteError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as LibraryError;
  const status = typeof e.status === 'number' ? e.status : e.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : 'invalid';

  // The router could not decode a path parameter (`/services/%ZZ`).
  if (error instanceof URIError) {
    return new InputError('the request path is not valid percent-encoding', {
      ...issue('path', `malformed percent-encoding in ${JSON.stringify(clip(req.path, 100))}`),
      cause: error,
    });
  }
  switch (e.type) {
    case 'entity.too.large': {
      const limit = typeof e.limit === 'number' ? ` of ${e.limit} bytes` : '';
      return new PayloadTooLargeError(`request body is larger than the limit${limit}`, {
        ...issue('body', `must be at most${limit || ' the limit'}`),
        cause: error,
      });
    }
    case 'encoding.unsupported':
      return new UnsupportedMediaTypeError(
        `Content-Encoding ${JSON.stringify(clip(contentEncoding(req), 40))} is not supported`,
        { ...issue('headers.content-encoding', 'must be gzip, deflate, br or identity'), cause: error },
      );
    case 'charset.unsupported':
      return new UnsupportedMediaTypeError(message, {
        ...issue('headers.content-type', 'the charset must be utf-8'),
        cause: error,
      });
    case 'entity.parse.failed':
      return new InputError('request body is not valid JSON', { ...issue('body', message), cause: error });
    case 'request.size.invalid':
      return new InputError('request body does not match its Content-Length', {
        ...issue('headers.content-length', message),
        cause: error,
      });
  }
  // A decompression stream failed (zlib/brotli errors carry a `code` like Z_DATA_ERROR and no `type`): the
  // body is not what `Content-Encoding` says.
  const encoding = contentEncoding(req);
  if (e.type === undefined && typeof e.code === 'string' && encoding !== 'identity') {
    return new InputError(
      `request body is not valid ${clip(encoding, 40)} data, as its Content-Encoding says`,
      { ...issue('body', `cannot be decoded as ${clip(encoding, 40)}`), cause: error },
    );
  }
  // Any other client error a library raised (http-errors marks them `expose`): a 400/413/415 by its status.
  if (e.expose !== true) return undefined;
  if (status === 413)
    return new PayloadTooLargeError('request body too large', { ...issue('body', message), cause: error });
  if (status === 415)
    return new UnsupportedMediaTypeError(message, {
      ...issue('headers.content-type', message),
      cause: error,
    });
  return new InputError(message, { ...issue('request', message), cause: error });
}
