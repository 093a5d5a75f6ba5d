/**
 * A domain record (`domains/<host>` in etcd): who owns a host, where and on which paths. A service claims its
 * hosts with its spec (the api writes the record in the same transaction); the watcher completes the record from
 * the Ingress that serves the host (paths, TLS, targets) and records hosts that Ingresses outside cite take, so
 * that no service can claim them. Two owners never share a host: the first keeps it, and the record notes the
 * oldest later claimant in `conflict` until that claim goes away.
 */
import { z } from 'zod';
import { checkedString, hostnameSchema, NamespaceSchema, ServiceNameSchema, TimestampSchema } from './fields';

const INGRESS_REF = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;
const isIngressRef = (value: string) => INGRESS_REF.test(value) && value.length <= 317;

/** `namespace/name` of an Ingress. */
export const IngressRefSchema = checkedString((value) =>
  isIngressRef(value) ? [] : ['must be namespace/name of an Ingress'],
);

/** Who claims a host: a cite service's name or `namespace/name` of an Ingress cite does not manage. */
const ClaimantSchema = checkedString((value) =>
  isIngressRef(value) || ServiceNameSchema.safeParse(value).success
    ? []
    : ['must be a service name or namespace/name of an Ingress'],
);

export const DomainSchema = z
  .object({
    /** The host as the Ingress carries it; a `*.` wildcard is recorded as seen (Kubernetes allows one). */
    host: hostnameSchema({ wildcard: true }),
    /** The owning cite service; absent when an Ingress outside cite owns the host. */
    service: ServiceNameSchema.optional(),
    namespace: NamespaceSchema,
    /** The Ingress that serves the host (`namespace/name`), once the watcher has seen it. */
    ingress: IngressRefSchema.optional(),
    /** Ingress paths routed for the host, each starting with `/`. */
    paths: z.array(
      checkedString((value) =>
        /^\/\S*$/.test(value) ? [] : ["must start with '/' and contain no whitespace"],
      ),
    ),
    /** Whether the Ingress terminates TLS for the host, and with which Secret. */
    tls: z.object({ secretName: z.string().max(253).optional() }).optional(),
    /** Where the host is served: the Ingress's load-balancer addresses, else the configured VIPs. */
    targets: z.array(z.string().min(1, 'must be non-empty')),
    /**
     * The oldest later claimant, which does not get the host: a cite service's name, or `namespace/name` of an
     * Ingress that no cite service owns; `since` is when that claim was made.
     */
    conflict: z.object({ with: ClaimantSchema, since: TimestampSchema }).optional(),
    updatedAt: TimestampSchema,
  })
  .refine((domain) => domain.service !== undefined || domain.ingress !== undefined, {
    message: 'a domain is owned by a service or an Ingress',
    path: ['service'],
  });
export type Domain = z.infer<typeof DomainSchema>;
