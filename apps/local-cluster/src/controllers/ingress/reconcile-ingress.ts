/**
 * The ingress controller's decision, as ingress-nginx publishes the address of its own Service: every Ingress,
 * whatever its `ingressClassName`, gets `status.loadBalancer.ingress = [{ ip }, …]` with the configured VIPs in
 * order. A status that already says so is left alone (no write, so no watch event), which is what keeps a
 * watcher of Ingresses from seeing a MODIFIED per resync.
 */
import { readIpv4 } from '@cite/ip-pool';
import type { V1Ingress } from '@kubernetes/client-node';
import { semanticEqual } from '../kit/semantic';
import { type Wire, isDeleting, nameOf, namespaceOf } from '../kit/wire';

export type Ingress = Wire<V1Ingress>;

/**
 * The address published when none is configured: inside the seed's node subnet (10.60.25.0/24, where the
 * nodes are .139–.143 and .203–.207) but no node's, as a keepalived VIP in front of the ingress nodes is.
 */
export const DEFAULT_INGRESS_VIPS: readonly string[] = Object.freeze(['10.60.25.250']);

export interface LoadBalancerIngress {
  ip: string;
}

export type IngressAction = {
  type: 'patchStatus';
  namespace: string;
  name: string;
  /** RFC 7386 merge patch for the `/status` subresource. */
  patch: { status: { loadBalancer: { ingress: LoadBalancerIngress[] } } };
};

/**
 * What is wrong with a VIP list, or undefined when it is usable: at least one address, each a dotted-quad
 * IPv4 address, none twice (a status listing one address twice would only confuse its readers).
 */
export function ingressVipsProblem(vips: readonly unknown[]): string | undefined {
  if (vips.length === 0) return 'needs at least one IPv4 address';
  const seen = new Set<string>();
  for (const vip of vips) {
    const read = readIpv4(vip);
    if (!read.ok) return read.problem;
    if (seen.has(vip as string)) return `lists ${String(vip)} twice`;
    seen.add(vip as string);
  }
  return undefined;
}

/** The `status.loadBalancer.ingress` the VIPs make. */
export function desiredLoadBalancerIngress(vips: readonly string[]): LoadBalancerIngress[] {
  return vips.map((ip) => ({ ip }));
}

/**
 * What to write so that `ingress` (undefined: gone) publishes `vips`. Nothing for an Ingress that is gone or
 * being deleted, nor for one whose status lists exactly these addresses in this order; otherwise one status
 * patch replacing the whole list (a merge patch replaces arrays, so stale entries — a hostname, ports — go).
 */
export function reconcileIngress(ingress: Ingress | undefined, vips: readonly string[]): IngressAction[] {
  if (!ingress || isDeleting(ingress)) return [];
  const desired = desiredLoadBalancerIngress(vips);
  if (semanticEqual(ingress.status?.loadBalancer?.ingress, desired)) return [];
  return [
    {
      type: 'patchStatus',
      namespace: namespaceOf(ingress),
      name: nameOf(ingress),
      patch: { status: { loadBalancer: { ingress: desired } } },
    },
  ];
}
