/**
 * Searches over log indices, as request bodies both Elasticsearch 8/9 and OpenSearch 2 accept: a Lucene query
 * string (`q`), a time range, exact filters, newest first, paged with `search_after` on (`@timestamp`,
 * `event.id`) — a unique tie-breaker, so no line is skipped or repeated between pages. Pure.
 */
import { InputError } from '@cite/errors';

export interface LogQuery {
  /** Lucene query string over `message` (and any field with `field:value`). */
  q?: string;
  /** RFC 3339 bounds of `@timestamp`, inclusive. */
  from?: string;
  to?: string;
  service?: string;
  /** Only these services (a member's visible ones when searching across services). */
  services?: readonly string[];
  pod?: string;
  level?: string;
  /** Page size. @defaultValue 100 */
  size?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export const MAX_PAGE = 1000;

/** The opaque cursor: the last hit's sort values. */
export function encodeLogCursor(sort: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(sort), 'utf8').toString('base64url');
}

export function decodeLogCursor(cursor: string): unknown[] {
  const invalid = () =>
    new InputError('cursor is malformed', {
      details: [{ path: 'cursor', message: 'not a cursor from this API' }],
    });
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(cursor)) throw invalid();
  try {
    const sort = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      !Array.isArray(sort) ||
      sort.length !== 2 ||
      !sort.every((v) => typeof v === 'number' || typeof v === 'string')
    )
      throw invalid();
    return sort;
  } catch {
    throw invalid();
  }
}

function time(value: string, path: string): string {
  if (Number.isNaN(Date.parse(value)))
    throw new InputError(`${path} must be an RFC 3339 time`, {
      details: [{ path, message: 'must be an RFC 3339 time' }],
    });
  return new Date(value).toISOString();
}

/** The body of a search for `query` (validated: 400 at the field at fault). */
export function searchBody(query: LogQuery): Record<string, unknown> {
  const size = query.size ?? 100;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE)
    throw new InputError(`limit must be an integer in 1..${MAX_PAGE}`, {
      details: [{ path: 'limit', message: `must be an integer in 1..${MAX_PAGE}` }],
    });
  const filter: Record<string, unknown>[] = [];
  if (query.from !== undefined || query.to !== undefined) {
    const from = query.from !== undefined ? time(query.from, 'from') : undefined;
    const to = query.to !== undefined ? time(query.to, 'to') : undefined;
    if (from && to && from > to)
      throw new InputError('from is after to', {
        details: [{ path: 'from', message: 'must not be after to' }],
      });
    filter.push({ range: { '@timestamp': { ...(from ? { gte: from } : {}), ...(to ? { lte: to } : {}) } } });
  }
  if (query.service !== undefined) filter.push({ term: { 'service.name': query.service } });
  if (query.services !== undefined) filter.push({ terms: { 'service.name': [...query.services] } });
  if (query.pod !== undefined) filter.push({ term: { 'kubernetes.pod.name': query.pod } });
  if (query.level !== undefined) filter.push({ term: { 'log.level': query.level.toLowerCase() } });
  const must =
    query.q !== undefined && query.q.trim() !== ''
      ? [
          {
            query_string: {
              query: query.q,
              default_field: 'message',
              default_operator: 'AND',
              lenient: true,
            },
          },
        ]
      : [];
  return {
    size,
    track_total_hits: false,
    query: { bool: { must, filter } },
    sort: [{ '@timestamp': { order: 'desc' } }, { 'event.id': { order: 'desc' } }],
    ...(query.cursor !== undefined ? { search_after: decodeLogCursor(query.cursor) } : {}),
  };
}

/** The mappings every log index gets (an index template per family). */
export const LOG_MAPPINGS = {
  dynamic_templates: [
    { labels: { path_match: 'labels.*', mapping: { type: 'keyword', ignore_above: 1024 } } },
    { strings: { match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 1024 } } },
  ],
  properties: {
    '@timestamp': { type: 'date' },
    message: { type: 'text' },
    log: { properties: { level: { type: 'keyword' } } },
    service: { properties: { name: { type: 'keyword' } } },
    event: { properties: { id: { type: 'keyword' }, dataset: { type: 'keyword' } } },
    kubernetes: {
      properties: {
        namespace: { type: 'keyword' },
        pod: { properties: { name: { type: 'keyword' }, uid: { type: 'keyword' } } },
        container: { properties: { name: { type: 'keyword' } } },
        node: { properties: { name: { type: 'keyword' } } },
      },
    },
    container: { properties: { image: { properties: { name: { type: 'keyword' } } } } },
    cite: { properties: { team: { type: 'keyword' }, release: { type: 'long' } } },
  },
} as const;
