/**
 * Load-balancer endpoints (`lb/<namespace>/<service>` in etcd): the ready pod `ip:port` list the watcher
 * keeps per service for an external balancer (LVS, nginx) to read.
 */
import { z } from 'zod';
import {
  IPv4Schema,
  NamespaceSchema,
  ObjectNameSchema,
  PortSchema,
  ServiceNameSchema,
  TimestampSchema,
} from './fields';

export const LbEndpointSchema = z.object({
  ip: IPv4Schema,
  port: PortSchema,
  /** The node the pod runs on. */
  node: ObjectNameSchema.optional(),
  pod: ObjectNameSchema.optional(),
});
export type LbEndpoint = z.infer<typeof LbEndpointSchema>;

export const LbEndpointsSchema = z.object({
  namespace: NamespaceSchema,
  service: ServiceNameSchema,
  /** The service's port as the balancer exposes it. */
  port: PortSchema,
  /** Ready endpoints only; empty when none is ready. */
  endpoints: z.array(LbEndpointSchema),
  updatedAt: TimestampSchema,
});
export type LbEndpoints = z.infer<typeof LbEndpointsSchema>;
