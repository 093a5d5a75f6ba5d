/**
 * The Endpoints controller's decision for one Service: for a Service with a selector, an Endpoints object of
 * the same name listing the IPs of its pods — ready ones in `addresses`, others in `notReadyAddresses` (all
 * in `addresses` with publishNotReadyAddresses) — with each service port mapped to the pod's port (targetPort
 * as a number, or by container port name), repacked into subsets of addresses sharing the same ports
 * (endpoints.RepackSubsets). A Service without a selector is left to whoever manages its Endpoints. Pure.
 */
import { mapSelectorMatches } from '../kit/labels';
import { isPodReady } from '../kit/pod-state';
import { semanticEqual } from '../kit/semantic';
import type { Endpoints, Pod, Service } from '../kit/wire';

type Subset = NonNullable<Endpoints['subsets']>[number];
type Address = NonNullable<Subset['addresses']>[number];
type EndpointPort = NonNullable<Subset['ports']>[number];
type ServicePort = NonNullable<NonNullable<Service['spec']>['ports']>[number];

export type EndpointsAction =
  | { type: 'create'; endpoints: Endpoints }
  | { type: 'update'; endpoints: Endpoints }
  | { type: 'delete'; name: string; namespace: string };

/** The pod port a service port sends to, or undefined when the pod has no such port (podutil.FindPort). */
export function findPort(pod: Pod, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const container of pod.spec?.containers ?? []) {
    for (const port of container.ports ?? []) {
      if (port.name === target && (port.protocol ?? 'TCP') === (servicePort.protocol ?? 'TCP'))
        return port.containerPort;
    }
  }
  return undefined;
}

/** endpointsliceutil.ShouldPodBeInEndpoints. */
function shouldBeInEndpoints(pod: Pod, publishNotReady: boolean): boolean {
  if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') return false;
  if (!pod.status?.podIP) return false;
  return publishNotReady || !pod.metadata?.deletionTimestamp;
}

function addressOf(pod: Pod, service: Service): Address {
  const address: Address = {
    ip: pod.status?.podIP ?? '',
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: {
      kind: 'Pod',
      namespace: pod.metadata?.namespace,
      name: pod.metadata?.name,
      uid: pod.metadata?.uid,
    },
  };
  if (pod.spec?.hostname && pod.spec.subdomain === service.metadata?.name)
    address.hostname = pod.spec.hostname;
  return address;
}

const portKey = (port: EndpointPort): string => `${port.name ?? ''}/${port.port}/${port.protocol ?? 'TCP'}`;

/** The subsets for a Service over the pods of its namespace. */
export function endpointSubsets(service: Service, pods: Pod[]): Subset[] {
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const servicePorts = service.spec?.ports ?? [];
  // address (ip + readiness) → its ports
  const entries = new Map<string, { address: Address; ready: boolean; ports: Map<string, EndpointPort> }>();
  for (const pod of pods) {
    if (!mapSelectorMatches(service.spec?.selector, pod.metadata?.labels)) continue;
    if (!shouldBeInEndpoints(pod, publishNotReady)) continue;
    const ready = publishNotReady || isPodReady(pod);
    const ports = new Map<string, EndpointPort>();
    for (const servicePort of servicePorts) {
      const port = findPort(pod, servicePort);
      if (port === undefined) continue;
      const endpointPort: EndpointPort = {
        ...(servicePort.name ? { name: servicePort.name } : {}),
        port,
        protocol: servicePort.protocol ?? 'TCP',
        ...(servicePort.appProtocol ? { appProtocol: servicePort.appProtocol } : {}),
      };
      ports.set(portKey(endpointPort), endpointPort);
    }
    // A pod none of whose ports resolve is left out, unless the Service has no ports at all (headless).
    if (servicePorts.length > 0 && ports.size === 0) continue;
    entries.set(`${pod.status?.podIP}/${ready}/${pod.metadata?.uid}`, {
      address: addressOf(pod, service),
      ready,
      ports,
    });
  }
  const bySignature = new Map<string, Subset>();
  for (const entry of entries.values()) {
    const ports = [...entry.ports.values()].sort((a, b) => portKey(a).localeCompare(portKey(b)));
    const signature = ports.map(portKey).join(',');
    let subset = bySignature.get(signature);
    if (!subset) bySignature.set(signature, (subset = ports.length > 0 ? { ports } : {}));
    const list = entry.ready ? (subset.addresses ??= []) : (subset.notReadyAddresses ??= []);
    list.push(entry.address);
  }
  const byIp = (a: Address, b: Address): number => a.ip.localeCompare(b.ip, 'en', { numeric: true });
  const subsets = [...bySignature.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, subset]) => subset);
  for (const subset of subsets) {
    subset.addresses?.sort(byIp);
    subset.notReadyAddresses?.sort(byIp);
  }
  return subsets;
}

export function desiredEndpoints(service: Service, pods: Pod[]): Endpoints {
  const labels: Record<string, string> = { ...service.metadata?.labels };
  if (service.spec?.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: service.metadata?.name, namespace: service.metadata?.namespace, labels },
    subsets: endpointSubsets(service, pods),
  };
}

/** What to write for the Service `key` names (`service` undefined: it is gone). */
export function reconcileEndpoints(
  service: Service | undefined,
  observed: Endpoints | undefined,
  pods: Pod[],
): EndpointsAction[] {
  if (!service) {
    return observed
      ? [
          {
            type: 'delete',
            name: observed.metadata?.name ?? '',
            namespace: observed.metadata?.namespace ?? '',
          },
        ]
      : [];
  }
  if (Object.keys(service.spec?.selector ?? {}).length === 0) return [];
  if (service.metadata?.deletionTimestamp) return [];
  const desired = desiredEndpoints(service, pods);
  if (!observed) return [{ type: 'create', endpoints: desired }];
  const same =
    semanticEqual(observed.subsets, desired.subsets) &&
    semanticEqual(observed.metadata?.labels, desired.metadata?.labels);
  if (same) return [];
  return [
    {
      type: 'update',
      endpoints: {
        ...desired,
        metadata: { ...observed.metadata, labels: desired.metadata?.labels },
        subsets: desired.subsets,
      },
    },
  ];
}
