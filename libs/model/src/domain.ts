/**
 * A domain record (`domains/<host>` in etcd), kept by the watcher from Ingress objects: which service owns a
 * host, where and on which paths. Two services never own one host: the first keeps it, and the record notes
 * the later claimant in `conflict` until the claim goes away.
 */
import { z } from 'zod';
import { checkedString, hostnameSchema, NamespaceSchema, ServiceNameSchema, TimestampSchema } from './fields';

export const DomainSchema = z.object({
  /** The host as the Ingress carries it; a `*.` wildcard is recorded as seen (Kubernetes allows one). */
  host: hostnameSchema({ wildcard: true }),
  /** The owning service. */
  service: ServiceNameSchema,
  namespace: NamespaceSchema,
  /** Ingress paths routed for the host, each starting with `/`. */
  paths: z.array(
    checkedString((value) =>
      /^\/\S*$/.test(value) ? [] : ["must start with '/' and contain no whitespace"],
    ),
  ),
  /** Where the host is served: the Ingress's load-balancer addresses or backend `service:port`s. */
  targets: z.array(z.string().min(1, 'must be non-empty')),
  /** A later service that also claims the host, and since when; it does not get the host. */
  conflict: z.object({ with: ServiceNameSchema, since: TimestampSchema }).optional(),
  updatedAt: TimestampSchema,
});
export type Domain = z.infer<typeof DomainSchema>;
