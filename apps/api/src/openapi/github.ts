/** The OpenAPI paths of GitHub Flow (see `document.ts`, which passes its helpers in). */
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import { WebhookDeliverySchema } from '@cite/model';
import { z } from 'zod';

type Schema = z.ZodType;

export interface Helpers {
  route(
    registry: OpenAPIRegistry,
    config: Omit<RouteConfig, 'responses'> & { responses: RouteConfig['responses'] },
  ): void;
  json(
    schema: Schema,
    description: string,
  ): { description: string; content: Record<string, { schema: Schema }> };
  notFound: Record<number, unknown>;
  ErrorSchema: Schema;
  Service: Schema;
}

/** GitHub's webhook receiver (signed, no token), its delivery log and a service's previews. */
export function registerGitHub(registry: OpenAPIRegistry, helpers: Helpers): void {
  const { route, json, notFound, ErrorSchema, Service } = helpers;
  const Delivery = WebhookDeliverySchema.meta({ id: 'WebhookDelivery' });
  const answer = z
    .object({
      delivery: z.string(),
      outcome: z.enum(['queued', 'accepted', 'ignored', 'refused']),
      reason: z.string(),
      log: z.string().optional().meta({ description: 'Where the outcome of a queued delivery will be' }),
      services: z.array(z.string()).optional(),
      releases: z.array(z.object({ service: z.string(), number: z.number() })).optional(),
    })
    .meta({ id: 'WebhookAnswer' });
  registry.registerPath({
    method: 'post',
    path: '/api/v1/webhooks/github',
    tags: ['github'],
    summary:
      'A GitHub webhook delivery (push, pull_request, deployment, ping), authenticated by X-Hub-Signature-256',
    request: {
      headers: z.object({
        'x-github-event': z.string(),
        'x-github-delivery': z.string(),
        'x-hub-signature-256': z.string(),
      }),
      body: { content: { 'application/json': { schema: z.object({}).passthrough() } } },
    },
    responses: {
      200: json(answer, 'A ping: the services that claim the repository'),
      202: json(answer, 'Verified and queued; a worker acts on it once and records the outcome (`log`)'),
      400: json(ErrorSchema, 'A malformed payload, at the bad field'),
      401: json(ErrorSchema, 'Signature missing or wrong: nothing recorded'),
      413: json(ErrorSchema, 'Body over CITE_GITHUB_WEBHOOK_MAX_BYTES'),
    },
  });
  route(registry, {
    method: 'get',
    path: '/api/v1/services/{name}/previews',
    tags: ['github'],
    summary: "A service's pull-request previews (`<name>-pr-<n>`), by pull request",
    request: { params: z.object({ name: z.string() }) },
    responses: { 200: json(z.object({ items: z.array(Service) }), 'Previews'), ...notFound },
  });
  route(registry, {
    method: 'get',
    path: '/api/v1/webhooks/deliveries/{id}',
    tags: ['github'],
    summary: 'One delivery and its outcome (admins, or members for a delivery about a service of theirs)',
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: json(Delivery, 'The delivery'), ...notFound },
  });
  route(registry, {
    method: 'get',
    path: '/api/v1/webhooks/deliveries',
    tags: ['github'],
    summary: "Webhook deliveries, newest first: a service's (members of its team), or all (admins)",
    request: { query: z.object({ service: z.string().optional(), limit: z.string().optional() }) },
    responses: { 200: json(z.object({ items: z.array(Delivery) }), 'Deliveries'), ...notFound },
  });
}
