/**
 * The OpenAPI 3.1 document of `/api/v1`, generated from the same zod schemas that validate requests and
 * stored records (`@cite/model`, `@cite/auth`, `@cite/catalog`), so the document cannot drift from what the
 * API accepts. Built once per process.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { TokenCreateSchema, TokenViewSchema } from '@cite/auth';
import {
  DeployRequestSchema,
  RollbackRequestSchema,
  ScaleRequestSchema,
  ServiceStatusViewSchema,
  ServiceSummarySchema,
} from '@cite/catalog';
import {
  AuditEntrySchema,
  BatchReportSchema,
  BatchTaskSchema,
  ReleaseLogLineSchema,
  ReleaseSchema,
  ServiceCreateSchema,
  ServicePatchSchema,
  ServiceSchema,
} from '@cite/model';
import { z } from 'zod';
import { registerGitHub } from './github';
import { registerLogs } from './logs';
import { registerNetwork } from './network';

type Schema = z.ZodType;

const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum([
        'invalid_input',
        'unauthenticated',
        'forbidden',
        'not_found',
        'conflict',
        'method_not_allowed',
        'payload_too_large',
        'unsupported_media_type',
        'unavailable',
        'timeout',
        'internal',
      ]),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  })
  .meta({ id: 'Error', description: 'Every error: a code, a message and the fields at fault.' });

const Service = ServiceSchema.meta({ id: 'Service' });
const Release = ReleaseSchema.meta({ id: 'Release' });
const ListedService = z
  .intersection(Service, z.object({ status: ServiceSummarySchema.meta({ id: 'ServiceSummary' }).optional() }))
  .meta({ id: 'ListedService', description: 'A service; with `include=status`, its summary too.' });
const ReleaseLinks = z
  .object({ self: z.string(), status: z.string(), events: z.string(), log: z.string() })
  .meta({ id: 'ReleaseLinks' });
const ReleaseAccepted = z.object({ release: Release, links: ReleaseLinks }).meta({ id: 'ReleaseAccepted' });
const ServiceChange = z
  .object({
    service: Service,
    release: Release.nullable(),
    links: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'ServiceChange', description: '202 when the change made a release, 200 when it did not.' });
const TokenView = TokenViewSchema.meta({ id: 'Token' });
const AuditEntry = AuditEntrySchema.meta({ id: 'AuditEntry' });
const Lock = z
  .object({
    name: z.string(),
    owner: z.string(),
    acquiredAt: z.string(),
    ttlSeconds: z.number(),
    ttlRemainingSeconds: z.number().nullable(),
    revision: z.number(),
  })
  .meta({ id: 'Lock' });

const page = (item: Schema, id: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().optional() }).meta({ id });

const name = z.object({ name: z.string().meta({ description: 'Service name' }) });
const releaseParams = z.object({ name: z.string(), number: z.number().int().min(1) });
const pageQuery = z.object({
  limit: z.number().int().min(1).max(1000).optional().meta({ description: 'Page size (default 100).' }),
  cursor: z.string().optional().meta({ description: '`nextCursor` of the previous page.' }),
});
const idempotencyHeader = z.object({
  'Idempotency-Key': z
    .string()
    .optional()
    .meta({ description: 'Retrying with the same key and body returns the first answer (24 h).' }),
});

const json = (schema: Schema, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const errors = {
  400: json(ErrorSchema, 'Invalid input; `details` names each field.'),
  401: json(ErrorSchema, 'No or wrong bearer token (`WWW-Authenticate` says so).'),
  403: json(ErrorSchema, 'The token may not do this (another team, or admins only).'),
  503: json(
    ErrorSchema,
    'etcd or Redis unreachable (a generic message, e.g. `etcd is unavailable; try again`); retry after `Retry-After` seconds.',
  ),
};
/** Operations that read a JSON body. */
const bodyErrors = {
  413: json(ErrorSchema, 'The body is over 1 MB (after decoding its `Content-Encoding`).'),
  415: json(
    ErrorSchema,
    'A body without `Content-Type: application/json`, in another charset, or in a `Content-Encoding` other than gzip, deflate or br.',
  ),
};
const notFound = { 404: json(ErrorSchema, 'No such service, release, token or lock.') };
const conflict = {
  409: json(ErrorSchema, 'Conflicts with the current state (name taken, stale, deleting, key reused).'),
};

function route(
  registry: OpenAPIRegistry,
  config: Omit<RouteConfig, 'responses'> & { responses: RouteConfig['responses'] },
): void {
  registry.registerPath({
    security: [{ bearer: [] }],
    ...config,
    responses: { ...errors, ...(config.request?.body ? bodyErrors : {}), ...config.responses },
  });
}

const body = (schema: Schema) => ({ body: { content: { 'application/json': { schema } } } });

/** `/api/v1/services`: register and list. */
function registerServiceCollection(registry: OpenAPIRegistry): void {
  route(registry, {
    method: 'post',
    path: '/api/v1/services',
    tags: ['services'],
    summary: 'Register a service',
    request: { ...body(ServiceCreateSchema.meta({ id: 'ServiceCreate' })), headers: idempotencyHeader },
    responses: { 201: json(Service, 'Created'), ...conflict },
  });
  route(registry, {
    method: 'get',
    path: '/api/v1/services',
    tags: ['services'],
    summary: 'List services (members see their teams only)',
    request: {
      query: pageQuery.extend({
        team: z.string().optional(),
        label: z
          .string()
          .optional()
          .meta({ description: '`key` or `key=value`; repeat to require several.' }),
        state: z.string().optional().meta({ description: '`all` or e.g. `active,deleting` (the default).' }),
        q: z.string().optional().meta({ description: 'Part of the name, any case.' }),
        include: z.enum(['status']).optional().meta({
          description: '`status`: each service with its summary (newest release, ready / desired pods).',
        }),
      }),
    },
    responses: { 200: json(page(ListedService, 'ServicePage'), 'A page of services') },
  });
}

/** `/api/v1/services/{name}`: read, change, delete, scale, status. */
function registerServiceItems(registry: OpenAPIRegistry): void {
  route(registry, {
    method: 'get',
    path: '/api/v1/services/{name}',
    tags: ['services'],
    summary: 'Read a service (`ETag` for `If-Match`)',
    request: { params: name },
    responses: { 200: json(Service, 'The service'), ...notFound },
  });
  route(registry, {
    method: 'patch',
    path: '/api/v1/services/{name}',
    tags: ['services'],
    summary: 'Change env, resources, replicas, port, health check, domains… (→ a release of cause config)',
    request: {
      params: name,
      headers: z.object({
        'If-Match': z.string().optional().meta({ description: 'ETag of a read: 409 if stale.' }),
      }),
      ...body(ServicePatchSchema.meta({ id: 'ServicePatch' })),
    },
    responses: {
      200: json(ServiceChange, 'Changed; no release needed'),
      202: json(ServiceChange, 'Changed; a release is on its way'),
      ...notFound,
      ...conflict,
    },
  });
  route(registry, {
    method: 'delete',
    path: '/api/v1/services/{name}',
    tags: ['services'],
    summary: 'Delete a service (its cluster objects go through a job; history stays)',
    request: { params: name },
    responses: {
      202: json(z.object({ service: Service, links: z.record(z.string(), z.string()) }), 'Deleting'),
      ...notFound,
    },
  });
  route(registry, {
    method: 'post',
    path: '/api/v1/services/{name}/scale',
    tags: ['services'],
    summary: 'Scale horizontally (replicas) and vertically (cpu, memory) (→ a release of cause scale)',
    request: {
      params: name,
      headers: idempotencyHeader,
      ...body(ScaleRequestSchema.meta({ id: 'ScaleRequest' })),
    },
    responses: {
      200: json(ServiceChange, 'Nothing to release'),
      202: json(ServiceChange, 'Scaling'),
      ...notFound,
      ...conflict,
    },
  });
  route(registry, {
    method: 'get',
    path: '/api/v1/services/{name}/status',
    tags: ['services'],
    summary: 'Desired state next to what the cluster runs (pods, replicas, events)',
    request: { params: name },
    responses: { 200: json(ServiceStatusViewSchema.meta({ id: 'ServiceStatus' }), 'Status'), ...notFound },
  });
}

/** Releases of a service: deploy, list, read, roll back; progress and deploy log. */
function registerReleases(registry: OpenAPIRegistry): void {
  route(registry, {
    method: 'post',
    path: '/api/v1/services/{name}/deploys',
    tags: ['releases'],
    summary: 'Deploy an image (tag, digest or full reference)',
    request: {
      params: name,
      headers: idempotencyHeader,
      ...body(DeployRequestSchema.meta({ id: 'DeployRequest' })),
    },
    responses: { 202: json(ReleaseAccepted, 'Release accepted'), ...notFound, ...conflict },
  });
  route(registry, {
    method: 'post',
    path: '/api/v1/services/{name}/rollback',
    tags: ['releases'],
    summary: 'Roll back (default: the last successful release before the running one)',
    request: {
      params: name,
      headers: idempotencyHeader,
      ...body(RollbackRequestSchema.meta({ id: 'RollbackRequest' })),
    },
    responses: { 202: json(ReleaseAccepted, 'Rollback release accepted'), ...notFound, ...conflict },
  });
  route(registry, {
    method: 'get',
    path: '/api/v1/services/{name}/releases',
    tags: ['releases'],
    summary: 'Releases, newest first',
    request: { params: name, query: pageQuery },
    responses: { 200: json(page(Release, 'ReleasePage'), 'A page of releases'), ...notFound },
  });
  route(registry, {
    method: 'get',
    path: '/api/v1/services/{name}/releases/{number}',
    tags: ['releases'],
    summary: 'One release',
    request: { params: releaseParams },
    responses: { 200: json(Release, 'The release'), ...notFound },
  });
  route(registry, {
    method: 'get',
    path: '/api/v1/services/{name}/releases/{number}/events',
    tags: ['releases'],
    summary:
      'Release progress as server-sent events: `status`, `progress`, `done` (resumable with Last-Event-ID)',
    request: { params: releaseParams },
    responses: {
      200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string() } } },
      ...notFound,
    },
  });
  route(registry, {
    method: 'get',
    path: '/api/v1/services/{name}/releases/{number}/log',
    tags: ['releases'],
    summary:
      'Deploy log as text, or followed as SSE `log` and `done` events (Accept: text/event-stream or ?follow=true)',
    request: { params: releaseParams },
    responses: {
      200: {
        description: 'The log',
        content: {
          'text/plain': { schema: z.string() },
          'text/event-stream': { schema: ReleaseLogLineSchema.meta({ id: 'ReleaseLogLine' }) },
        },
      },
      ...notFound,
    },
  });
}

const WhoAmI = z
  .object({
    actor: z.string().meta({ description: '`admin:bootstrap` or `token:<id>`: what audit entries record.' }),
    name: z.string(),
    role: z.enum(['admin', 'member']),
    teams: z
      .array(z.string())
      .meta({ description: 'Teams a member acts for; empty for admins (all teams).' }),
    tokenId: z.string().optional(),
  })
  .meta({ id: 'WhoAmI' });

/** Tokens, the audit trail and locks (admins), and this document. */
function registerAdmin(registry: OpenAPIRegistry): void {
  route(registry, {
    method: 'get',
    path: '/api/v1/whoami',
    tags: ['tokens'],
    summary: 'Who the bearer token is: its name, role and teams (any token)',
    responses: { 200: json(WhoAmI, 'The caller') },
  });
  route(registry, {
    method: 'post',
    path: '/api/v1/tokens',
    tags: ['tokens'],
    summary: 'Create an API token (admins); the secret is in this answer only',
    request: body(TokenCreateSchema.meta({ id: 'TokenCreate' })),
    responses: {
      201: json(z.object({ token: TokenView, secret: z.string() }).meta({ id: 'TokenCreated' }), 'Created'),
    },
  });
  route(registry, {
    method: 'get',
    path: '/api/v1/tokens',
    tags: ['tokens'],
    summary: 'List tokens (admins; no secrets)',
    request: { query: pageQuery },
    responses: { 200: json(page(TokenView, 'TokenPage'), 'A page of tokens') },
  });
  route(registry, {
    method: 'delete',
    path: '/api/v1/tokens/{id}',
    tags: ['tokens'],
    summary: 'Revoke a token (admins)',
    request: { params: z.object({ id: z.string() }) },
    responses: { 204: { description: 'Revoked' }, ...notFound },
  });
  route(registry, {
    method: 'get',
    path: '/api/v1/audit',
    tags: ['audit'],
    summary: 'The audit trail, newest first (admins)',
    request: {
      query: pageQuery.extend({
        during: z.string().optional().meta({ description: 'UTC prefix, e.g. 2024-05-01T12' }),
      }),
    },
    responses: { 200: json(page(AuditEntry, 'AuditPage'), 'A page of entries') },
  });
  const BatchReport = BatchReportSchema.meta({ id: 'BatchReport' });
  route(registry, {
    method: 'get',
    path: '/api/v1/batch/reports',
    tags: ['batch'],
    summary: 'The newest report of each batch task (admins)',
    responses: {
      200: json(z.object({ items: z.array(BatchReport) }).meta({ id: 'BatchReportLatest' }), 'Reports'),
    },
  });
  route(registry, {
    method: 'get',
    path: '/api/v1/batch/reports/{task}',
    tags: ['batch'],
    summary: "One batch task's reports, newest first (admins)",
    request: { params: z.object({ task: BatchTaskSchema }), query: pageQuery },
    responses: { 200: json(page(BatchReport, 'BatchReportPage'), 'A page of reports') },
  });
  route(registry, {
    method: 'get',
    path: '/api/v1/locks',
    tags: ['locks'],
    summary: 'Locks held now (admins)',
    responses: { 200: json(z.object({ items: z.array(Lock) }), 'Locks') },
  });
  route(registry, {
    method: 'delete',
    path: '/api/v1/locks/{name}',
    tags: ['locks'],
    summary: 'Break a lock (admins); `name` may contain `/`',
    request: { params: z.object({ name: z.string() }) },
    responses: { 204: { description: 'Broken' }, ...notFound },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/openapi.json',
    tags: ['meta'],
    summary: 'This document (no authentication)',
    responses: { 200: { description: 'OpenAPI 3.1' } },
  });
}

function build(): object {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token (`cite_…`) or the bootstrap admin token.',
  });
  registerServiceCollection(registry);
  registerServiceItems(registry);
  registerReleases(registry);
  registerAdmin(registry);
  registerGitHub(registry, { route, json, notFound, ErrorSchema, Service });
  registerNetwork(registry, { route, json, notFound, ErrorSchema, Service });
  registerLogs(registry, { route, json, notFound, ErrorSchema, Service });

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'cite API',
      version: '1',
      description:
        'Container-as-a-Service on Kubernetes. JSON, camelCase, RFC 3339 times. Every error is `{ error: { code, message, details: [{ path, message }] } }`. A method a path does not have is 405 with `Allow`. Lists take `limit` and `cursor` and return `nextCursor`.',
    },
    servers: [{ url: '/' }],
  });
}

let built: object | undefined;

export function openApiDocument(): object {
  built ??= build();
  return built;
}
