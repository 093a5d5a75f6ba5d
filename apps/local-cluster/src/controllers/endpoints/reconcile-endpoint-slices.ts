/**
 * The EndpointSlice controller's decision for one Service, mirrored from the same subsets the Endpoints
 * controller computes: one slice per port set (`<service>-<hash of the ports>`), each endpoint with its
 * ready/serving/terminating conditions, labelled `kubernetes.io/service-name` (what `kubectl describe service`
 * and `describe ingress` select by) and owned by the Service; a Service without endpoints gets one empty
 * placeholder slice, as kube's controller keeps. Terminating pods are not listed (Endpoints drops them). Pure.
 */
import { semanticEqual } from '../kit/semantic';
import type { EndpointSlice, Pod, Service } from '../kit/wire';
import { safeEncodeString } from '../deployment/template-hash';
import { endpointSubsets } from './reconcile-endpoints';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';

export type EndpointSliceAction =
  | { type: 'create'; slice: EndpointSlice }
  | { type: 'update'; slice: EndpointSlice }
  | { type: 'delete'; name: string; namespace: string };

type Address = NonNullable<NonNullable<ReturnType<typeof endpointSubsets>[number]['addresses']>[number]>;

function hashSuffix(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return safeEncodeString(String(hash >>> 0)).slice(0, 5);
}

function endpointOf(address: Address, ready: boolean): NonNullable<EndpointSlice['endpoints']>[number] {
  return {
    addresses: [address.ip],
    conditions: { ready, serving: ready, terminating: false },
    ...(address.hostname ? { hostname: address.hostname } : {}),
    ...(address.nodeName ? { nodeName: address.nodeName } : {}),
    ...(address.targetRef ? { targetRef: address.targetRef } : {}),
  };
}

/** The slices a Service with a selector should have, by name. */
export function desiredEndpointSlices(service: Service, pods: Pod[]): EndpointSlice[] {
  const name = service.metadata?.name ?? '';
  const labels: Record<string, string> = {
    ...service.metadata?.labels,
    [SERVICE_NAME_LABEL]: name,
    [MANAGED_BY_LABEL]: MANAGED_BY,
  };
  if (service.spec?.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
  const metadata = (signature: string) => ({
    name: `${name}-${hashSuffix(signature)}`,
    namespace: service.metadata?.namespace,
    labels,
    ownerReferences: [
      {
        apiVersion: 'v1',
        kind: 'Service',
        name,
        uid: service.metadata?.uid ?? '',
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  });
  const slice = (signature: string, rest: Partial<EndpointSlice>): EndpointSlice => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: metadata(signature),
    addressType: 'IPv4',
    ...rest,
  });
  const subsets = endpointSubsets(service, pods);
  if (subsets.length === 0) return [slice('', { endpoints: [] })];
  return subsets.map((subset) => {
    const signature = (subset.ports ?? []).map((port) => `${port.name}/${port.port}/${port.protocol}`).join();
    return slice(signature, {
      endpoints: [
        ...(subset.addresses ?? []).map((address) => endpointOf(address, true)),
        ...(subset.notReadyAddresses ?? []).map((address) => endpointOf(address, false)),
      ],
      // The controller always names a port ("" for a Service's single unnamed one): kubectl describe
      // dereferences the name.
      ...(subset.ports ? { ports: subset.ports.map((port) => ({ ...port, name: port.name ?? '' })) } : {}),
    });
  });
}

/** What to write for a Service (`undefined`: gone) given the slices this controller manages for it. */
export function reconcileEndpointSlices(
  service: Service | undefined,
  observed: EndpointSlice[],
  pods: Pod[],
): EndpointSliceAction[] {
  const remove = (slice: EndpointSlice): EndpointSliceAction => ({
    type: 'delete',
    name: slice.metadata?.name ?? '',
    namespace: slice.metadata?.namespace ?? '',
  });
  const withSelector = Object.keys(service?.spec?.selector ?? {}).length > 0;
  if (!service || !withSelector || service.metadata?.deletionTimestamp) return observed.map(remove);
  const desired = desiredEndpointSlices(service, pods);
  const actions: EndpointSliceAction[] = [];
  for (const slice of desired) {
    const current = observed.find((candidate) => candidate.metadata?.name === slice.metadata?.name);
    if (!current) actions.push({ type: 'create', slice });
    else if (
      !semanticEqual(current.endpoints ?? [], slice.endpoints ?? []) ||
      !semanticEqual(current.ports ?? [], slice.ports ?? []) ||
      !semanticEqual(current.metadata?.labels, slice.metadata?.labels)
    )
      actions.push({
        type: 'update',
        slice: { ...slice, metadata: { ...current.metadata, ...slice.metadata } },
      });
  }
  const names = new Set(desired.map((slice) => slice.metadata?.name));
  for (const slice of observed) if (!names.has(slice.metadata?.name)) actions.push(remove(slice));
  return actions;
}
