/**
 * JSON request bodies: a body sent with POST, PUT or PATCH must say it is JSON (415 otherwise), is read up to
 * `limit` (413 beyond), may be gzip-, deflate- or br-encoded (400 when it does not decode, 415 for another
 * coding), and must be a JSON object (400 at `body`). A request without a body passes with `req.body`
 * undefined: routes whose body is optional treat that as `{}`.
 */
import { InputError, UnsupportedMediaTypeError } from '@cite/errors';
import express, { type RequestHandler } from 'express';

/** The media types read as JSON (`application/merge-patch+json` and the like included). */
export const JSON_TYPES = ['application/json', 'application/*+json'];

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** A request carries a body when it says so: chunked, or a Content-Length above 0. */
function sendsBody(headers: Record<string, string | string[] | undefined>): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return typeof length === 'string' && /^\d+$/.test(length.trim()) && Number(length) > 0;
}

const requireJsonType: RequestHandler = (req, _res, next) => {
  if (!WITH_BODY.has(req.method) || !sendsBody(req.headers) || req.is(JSON_TYPES)) {
    next();
    return;
  }
  const given = req.headers['content-type'];
  throw new UnsupportedMediaTypeError(
    given === undefined
      ? 'a request body needs Content-Type: application/json'
      : 'request bodies must be JSON (Content-Type: application/json)',
    {
      details: [
        {
          path: 'headers.content-type',
          message:
            given === undefined
              ? 'is missing'
              : `must be application/json, not ${JSON.stringify(given.slice(0, 80))}`,
        },
      ],
    },
  );
};

/** Valid JSON that is not an object (`null`, `3`, `"x"`, `[]`) is still not a request body cite reads. */
const requireObject: RequestHandler = (req, _res, next) => {
  const body: unknown = req.body;
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    throw new InputError('request body must be a JSON object', {
      details: [{ path: 'body', message: `must be a JSON object, not ${describe(body)}` }],
    });
  }
  next();
};

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** The JSON body parser of an API: content type, size limit, content coding and shape checked. */
export function jsonBody(options: { limit: string | number }): RequestHandler[] {
  return [
    requireJsonType,
    express.json({ limit: options.limit, strict: false, type: JSON_TYPES }),
    requireObject,
  ];
}
