/**
 * What the watcher records about pod addresses: `ips/<ip>` (whose address is this?) and
 * `nodes/<node>` (how full is the node's pod range?). The pool they are read against is `network/pool`.
 */
import { z } from 'zod';
import { IPv4Schema, NamespaceSchema, ObjectNameSchema, ServiceNameSchema, TimestampSchema } from './fields';

/** `ips/<ip>`: the pod that holds an address. */
export const IpRecordSchema = z.object({
  ip: IPv4Schema,
  pod: ObjectNameSchema,
  namespace: NamespaceSchema,
  /** The node the pod runs on. */
  node: ObjectNameSchema.optional(),
  /** The cite service the pod belongs to (its `app.kubernetes.io/name` label, for cite's pods). */
  service: ServiceNameSchema.optional(),
  updatedAt: TimestampSchema,
});
export type IpRecord = z.infer<typeof IpRecordSchema>;

const count = z.number().int().min(0);

/** `nodes/<node>`: a node and the use of its pod range. */
export const NodeUsageRecordSchema = z.object({
  node: ObjectNameSchema,
  /** The node's InternalIP. */
  address: IPv4Schema.optional(),
  /** The node's pod range (`spec.podCIDR`). */
  podCidr: z.string().max(64).optional(),
  /** Pod addresses the range holds (network, gateway and broadcast addresses left out). */
  capacity: count,
  /** Pods on the node with an address in its range. */
  used: count,
  ready: z.boolean(),
  updatedAt: TimestampSchema,
});
export type NodeUsageRecord = z.infer<typeof NodeUsageRecordSchema>;

/** `logpositions/<pod uid>/<container>`: how far the shipper has shipped a container's log. */
export const LogPositionRecordSchema = z.object({
  namespace: NamespaceSchema,
  pod: ObjectNameSchema,
  container: z.string().min(1).max(253),
  /** The last shipped line's kubelet timestamp, normalised to nanoseconds. */
  timestamp: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/),
  sequence: z.number().int().min(0),
  updatedAt: TimestampSchema,
});
export type LogPositionRecord = z.infer<typeof LogPositionRecordSchema>;
