/**
 * A cite service's load-balancer record (`lb/<namespace>/<service>`, docs/lb-records.md) from its Kubernetes
 * Service and EndpointSlices — or its Endpoints where the cluster keeps no slices. Pure.
 */
import { isIPv4, type LbEndpoint, type LbEndpoints } from '@cite/model';
import type { V1EndpointSlice, V1Endpoints, V1Service } from '@kubernetes/client-node';
import { citeServiceOf } from './identity';

/** The service port the balancer exposes: the Service's first port. */
function servicePort(service: V1Service): { port: number; name: string } | null {
  const first = service.spec?.ports?.[0];
  return first ? { port: first.port, name: first.name ?? '' } : null;
}

function fromSlices(slices: readonly V1EndpointSlice[], portName: string): LbEndpoint[] {
  const found: LbEndpoint[] = [];
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4') continue;
    const port = (slice.ports ?? []).find((candidate) => (candidate.name ?? '') === portName)?.port;
    if (port === undefined) continue;
    for (const endpoint of slice.endpoints ?? []) {
      // Kubernetes: a nil `ready` is to be read as ready; terminating endpoints are not ready.
      if (endpoint.conditions?.ready === false) continue;
      for (const ip of endpoint.addresses)
        found.push({
          ip,
          port,
          ...(endpoint.nodeName ? { node: endpoint.nodeName } : {}),
          ...(endpoint.targetRef?.kind === 'Pod' && endpoint.targetRef.name
            ? { pod: endpoint.targetRef.name }
            : {}),
        });
    }
  }
  return found;
}

function fromEndpoints(endpoints: V1Endpoints, portName: string): LbEndpoint[] {
  return (endpoints.subsets ?? []).flatMap((subset) => {
    const port = (subset.ports ?? []).find((candidate) => (candidate.name ?? '') === portName)?.port;
    if (port === undefined) return [];
    return (subset.addresses ?? []).map((address) => ({
      ip: address.ip,
      port,
      ...(address.nodeName ? { node: address.nodeName } : {}),
      ...(address.targetRef?.kind === 'Pod' && address.targetRef.name ? { pod: address.targetRef.name } : {}),
    }));
  });
}

/** Sorted by ip (numerically) then port, one entry per ip:port: the order the contract promises. */
function ordered(endpoints: readonly LbEndpoint[]): LbEndpoint[] {
  const numeric = (ip: string) => ip.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
  const unique = new Map<string, LbEndpoint>();
  for (const endpoint of endpoints)
    if (isIPv4(endpoint.ip)) unique.set(`${endpoint.ip}:${endpoint.port}`, endpoint);
  return [...unique.values()].sort((a, b) => numeric(a.ip) - numeric(b.ip) || a.port - b.port);
}

/**
 * The record of a cite Service: its ready endpoints, from its slices when it has any, else from its Endpoints.
 * Null for a Service that is not cite's (or has no port): no record.
 */
export function lbRecordFor(
  service: V1Service,
  slices: readonly V1EndpointSlice[],
  endpoints: V1Endpoints | null,
  now: Date,
): LbEndpoints | null {
  const name = citeServiceOf(service);
  const port = servicePort(service);
  if (name === null || name !== service.metadata?.name || port === null) return null;
  const ready =
    slices.length > 0 ? fromSlices(slices, port.name) : endpoints ? fromEndpoints(endpoints, port.name) : [];
  return {
    namespace: service.metadata.namespace ?? '',
    service: name,
    port: port.port,
    endpoints: ordered(ready),
    updatedAt: now.toISOString(),
  };
}
