/**
 * The pod address pool (`network/pool` in etcd): supernets, the ranges carved from them, and the nodes.
 * Only shapes are checked here (IPv4 CIDRs, IPv4 addresses, node names); the pool's rules — ranges inside
 * supernets, no overlap, one range per node, no node address in a range — live in `@cite/ip-pool`.
 */
import { z } from 'zod';
import { checkedString, IPv4Schema, ObjectNameSchema } from './fields';
import { isIPv4Cidr } from './net';

const CidrSchema = checkedString((value) =>
  isIPv4Cidr(value) ? [] : ['must be an IPv4 CIDR (e.g. 10.60.240.0/24)'],
);

export const IpPoolNodeSchema = z.object({
  /** The Kubernetes node name. */
  name: ObjectNameSchema,
  /** The node's own address. */
  address: IPv4Schema,
});
export type IpPoolNode = z.infer<typeof IpPoolNodeSchema>;

export const IpPoolSchema = z.object({
  supernets: z.array(CidrSchema),
  ranges: z.array(CidrSchema),
  nodes: z.array(IpPoolNodeSchema),
});
export type IpPool = z.infer<typeof IpPoolSchema>;
