/** The OpenAPI paths of the network views: domains, endpoints, the IP pool, addresses, pod events. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import {
  EndpointsViewSchema,
  IpViewSchema,
  NetworkViewSchema,
  PodChangeSchema,
  PodSnapshotSchema,
} from '@cite/catalog';
import { DomainSchema } from '@cite/model';
import { z } from 'zod';
import type { Helpers } from './github';

const name = z.object({ name: z.string().meta({ description: 'Service name' }) });

/** `GET /domains`, `/domains/{host}`, `/services/{name}/endpoints`, `/network`, `/network/ips/{ip}`, pod events. */
export function registerNetwork(registry: OpenAPIRegistry, helpers: Helpers): void {
  const { route, json, notFound, ErrorSchema } = helpers;
  const Domain = DomainSchema.meta({ id: 'Domain' });
  route(registry, {
    method: 'get',
    path: '/api/v1/domains',
    tags: ['network'],
    summary: 'Domains, by host: all (admins), those of services of your teams (members)',
    request: {
      query: z.object({
        service: z
          .string()
          .optional()
          .meta({ description: "One service's domains (404/403 as the service)." }),
        limit: z.number().int().min(1).max(1000).optional().meta({ description: 'Page size (default 100).' }),
        cursor: z.string().optional().meta({ description: '`nextCursor` of the previous page.' }),
      }),
    },
    responses: {
      200: json(
        z.object({ items: z.array(Domain), nextCursor: z.string().optional() }).meta({ id: 'DomainPage' }),
        'A page of domains',
      ),
      ...notFound,
    },
  });
  route(registry, {
    method: 'get',
    path: '/api/v1/domains/{host}',
    tags: ['network'],
    summary: "One domain (404 for another team's, or one held by an Ingress outside cite, to members)",
    request: { params: z.object({ host: z.string() }) },
    responses: { 200: json(Domain, 'The domain'), ...notFound },
  });
  route(registry, {
    method: 'get',
    path: '/api/v1/services/{name}/endpoints',
    tags: ['network'],
    summary: "The service's ready pod addresses for a load balancer (empty until the watcher saw it)",
    request: { params: name },
    responses: { 200: json(EndpointsViewSchema.meta({ id: 'Endpoints' }), 'Endpoints'), ...notFound },
  });
  route(registry, {
    method: 'get',
    path: '/api/v1/services/{name}/pods/events',
    tags: ['network'],
    summary:
      'Pods as server-sent events: one `snapshot`, then `pod` `{type: added|changed|removed, pod}` (resumable with Last-Event-ID)',
    request: { params: name },
    responses: {
      200: {
        description: 'text/event-stream',
        content: {
          'text/event-stream': {
            schema: z.union([
              PodSnapshotSchema.meta({ id: 'PodSnapshot' }),
              PodChangeSchema.meta({ id: 'PodChange' }),
            ]),
          },
        },
      },
      ...notFound,
    },
  });
  route(registry, {
    method: 'get',
    path: '/api/v1/network',
    tags: ['network'],
    summary: "The IP pool, each node's pod-range use, totals, and warnings (a node above 80 %)",
    responses: { 200: json(NetworkViewSchema.meta({ id: 'Network' }), 'The pool and its use') },
  });
  route(registry, {
    method: 'get',
    path: '/api/v1/network/ips/{ip}',
    tags: ['network'],
    summary: 'Whose address is this: the pod that holds it, or the node it is the address of',
    request: { params: z.object({ ip: z.string() }) },
    responses: {
      200: json(IpViewSchema.meta({ id: 'IpOwner' }), 'The pod or node'),
      404: json(ErrorSchema, 'A free address of the pool (the message names its range and node)'),
    },
  });
}
