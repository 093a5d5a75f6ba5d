/** The OpenAPI path of a service's live merged pod logs (see `document.ts`, which passes its helpers in). */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { DEFAULT_TAIL_LINES, MAX_SINCE_SECONDS, MAX_TAIL_LINES } from '@cite/catalog';
import { z } from 'zod';
import type { Helpers } from './github';

/** An error answer whose code is not one of the shared `Error` schema's (429 and 501 are this route's own). */
const errorOf = (code: string, id: string) =>
  z
    .object({
      error: z.object({
        code: z.literal(code),
        message: z.string(),
        details: z.array(z.object({ path: z.string(), message: z.string() })),
      }),
    })
    .meta({ id });

/** `GET /services/{name}/logs`. */
export function registerLogs(registry: OpenAPIRegistry, helpers: Helpers): void {
  const { route, json, notFound } = helpers;
  const LogLine = z
    .object({
      pod: z.string(),
      container: z.string(),
      time: z
        .string()
        .meta({ description: 'When the container wrote the line (UTC, nine fraction digits).' }),
      message: z.string(),
    })
    .meta({
      id: 'LogLine',
      description:
        'Event `log`, with id `<time>~<pod>~<n>` (n: earlier lines of the pod with the same time). A line that arrived behind a later line of another pod has no id.',
    });
  const LogPods = z.object({ service: z.string(), pods: z.array(z.string()) }).meta({
    id: 'LogPods',
    description: 'Event `pods`: the pods followed, at the start and whenever they change.',
  });
  route(registry, {
    method: 'get',
    path: '/api/v1/services/{name}/logs',
    tags: ['services'],
    summary:
      "The service's pod logs merged live: SSE `log` and `pods` events (resumable with Last-Event-ID), or text lines `<pod> <container> <message>` (Accept: text/plain or ?format=text)",
    request: {
      params: z.object({ name: z.string().meta({ description: 'Service name' }) }),
      query: z.object({
        follow: z.enum(['true', 'false']).optional().meta({
          description: 'Keep following and pick up new pods (default), or send what is there and end.',
        }),
        tailLines: z
          .number()
          .int()
          .min(0)
          .max(MAX_TAIL_LINES)
          .optional()
          .meta({
            description: `Last lines of each pod to start with (default ${DEFAULT_TAIL_LINES} without sinceSeconds).`,
          }),
        sinceSeconds: z
          .number()
          .int()
          .min(1)
          .max(MAX_SINCE_SECONDS)
          .optional()
          .meta({ description: 'Only lines of the last so many seconds.' }),
        pod: z.string().optional().meta({ description: 'Only this pod.' }),
        container: z.string().optional().meta({ description: 'This container of each pod (default `app`).' }),
        format: z.enum(['text', 'sse']).optional().meta({ description: 'Overrides `Accept`.' }),
        lastEventId: z.string().optional().meta({ description: 'As `Last-Event-ID`, for a first connect.' }),
      }),
      headers: z.object({
        'Last-Event-ID': z
          .string()
          .optional()
          .meta({ description: 'Resume after this event: no line twice.' }),
      }),
    },
    responses: {
      200: {
        description: 'The merged log',
        content: {
          'text/event-stream': { schema: z.union([LogLine, LogPods]) },
          'text/plain': { schema: z.string() },
        },
      },
      ...notFound,
      429: json(
        errorOf('too_many_requests', 'TooManyLogStreams'),
        'This token already holds the most live log streams it may (5 by default); close one.',
      ),
      501: json(
        errorOf('not_configured', 'LogsNotConfigured'),
        'The api has no cluster to read logs from (`CITE_KUBECONFIG` unset).',
      ),
    },
  });

  const LogHit = z
    .object({
      id: z.string(),
      index: z.string(),
      '@timestamp': z.string(),
      message: z.string(),
      level: z.string().optional(),
      service: z.string().optional(),
      pod: z.string().optional(),
      node: z.string().optional(),
      container: z.string().optional(),
      release: z.number().int().optional(),
    })
    .meta({ id: 'LogHit' });
  const LogSearchPage = z
    .object({
      items: z.array(LogHit),
      nextCursor: z.string().optional(),
      kibana: z.string().optional().meta({ description: 'A Discover link (when CITE_KIBANA_URL is set).' }),
    })
    .meta({ id: 'LogSearchPage' });
  const searchQuery = {
    q: z.string().optional().meta({ description: 'Lucene query string over `message` (and `field:value`).' }),
    from: z.string().optional().meta({ description: 'RFC 3339, inclusive.' }),
    to: z.string().optional().meta({ description: 'RFC 3339, inclusive.' }),
    pod: z.string().optional(),
    level: z.string().optional().meta({ description: 'error, warn, info, debug, …' }),
    limit: z.number().int().min(1).max(1000).optional().meta({ description: 'Page size (default 100).' }),
    cursor: z.string().optional().meta({ description: '`nextCursor` of the previous page.' }),
  };
  const noEngine = json(
    errorOf('not_configured', 'LogSearchNotConfigured'),
    'No search engine is configured (`CITE_LOGS_URL` unset).',
  );
  route(registry, {
    method: 'get',
    path: '/api/v1/services/{name}/logs/search',
    tags: ['services'],
    summary: "Search the service's container and deploy logs in the search engine, newest first",
    request: {
      params: z.object({ name: z.string().meta({ description: 'Service name' }) }),
      query: z.object(searchQuery),
    },
    responses: { 200: json(LogSearchPage, 'A page of lines'), ...notFound, 501: noEngine },
  });
  route(registry, {
    method: 'get',
    path: '/api/v1/logs/search',
    tags: ['services'],
    summary: "Search every service's logs and cite's own (admins)",
    request: { query: z.object({ ...searchQuery, service: z.string().optional() }) },
    responses: { 200: json(LogSearchPage, 'A page of lines'), 501: noEngine },
  });
}
