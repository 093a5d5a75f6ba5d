/** Query strings, path parameters and headers → typed values, or a 400/404 naming the one at fault. */
import { invalidField, notFoundAt } from '@cite/errors';
import { MAX_PAGE_SIZE } from '@cite/store';
import type { Request } from 'express';

function single(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidField(name, 'must be given once');
  return value;
}

function all(req: Request, name: string): string[] {
  const value = req.query[name];
  if (value === undefined) return [];
  const values = Array.isArray(value) ? value : [value];
  if (!values.every((item): item is string => typeof item === 'string'))
    throw invalidField(name, 'must be a string');
  return values;
}

export function queryString(req: Request, name: string): string | undefined {
  const value = single(req, name);
  if (value === '') throw invalidField(name, 'must be non-empty when given');
  return value;
}

export function queryStrings(req: Request, name: string): string[] {
  return all(req, name);
}

/** `limit` (1–1000) and `cursor` (from `nextCursor`). */
export function pageQuery(req: Request): { limit?: number; cursor?: string } {
  const limit = single(req, 'limit');
  const cursor = queryString(req, 'cursor');
  if (
    limit !== undefined &&
    (!/^\d{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_PAGE_SIZE)
  ) {
    throw invalidField('limit', `must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return {
    ...(limit === undefined ? {} : { limit: Number(limit) }),
    ...(cursor === undefined ? {} : { cursor }),
  };
}

/** A release number in a path: anything but 1…9999999999 cannot name a release (404). */
export function releaseNumberParam(value: string | undefined): number {
  if (value === undefined || !/^[1-9]\d{0,9}$/.test(value)) {
    throw notFoundAt('number', `release ${value ?? ''} not found: release numbers are 1, 2, 3, …`);
  }
  return Number(value);
}

/** `If-Match: "<revision>"` (the `ETag` of a read) → the revision; undefined when absent. */
export function ifMatchRevision(req: Request): number | undefined {
  const header = req.get('if-match');
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"(\d{1,15})"$/.exec(header.trim());
  if (!match)
    throw invalidField('headers.if-match', 'must be an ETag from a read of this service, like "42"');
  return Number(match[1]);
}

export const etagOf = (modRevision: number) => `"${modRevision}"`;

/** A path parameter as one string (Express 5 gives wildcard parameters as arrays of segments). */
export function pathParam(req: Request, name: string): string {
  const value = (req.params as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value.join('/') : (value ?? '');
}
