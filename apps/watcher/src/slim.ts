/**
 * What the watcher keeps of each object it caches (client-go's informer transform): only the fields that
 * `@cite/observe` reads. At 10,000 services × 3 pods, whole pods (managed fields, specs, env) would be most of
 * the watcher's memory.
 */
import type {
  KubernetesObject,
  V1Deployment,
  V1EndpointSlice,
  V1Endpoints,
  V1Ingress,
  V1Node,
  V1ObjectMeta,
  V1Pod,
  V1Service,
} from '@kubernetes/client-node';

function meta(metadata: V1ObjectMeta | undefined, extra: Partial<V1ObjectMeta> = {}): V1ObjectMeta {
  return {
    ...(metadata?.name !== undefined ? { name: metadata.name } : {}),
    ...(metadata?.namespace !== undefined ? { namespace: metadata.namespace } : {}),
    ...(metadata?.uid !== undefined ? { uid: metadata.uid } : {}),
    ...(metadata?.resourceVersion !== undefined ? { resourceVersion: metadata.resourceVersion } : {}),
    ...(metadata?.creationTimestamp !== undefined ? { creationTimestamp: metadata.creationTimestamp } : {}),
    ...(metadata?.deletionTimestamp !== undefined ? { deletionTimestamp: metadata.deletionTimestamp } : {}),
    ...(metadata?.labels !== undefined ? { labels: metadata.labels } : {}),
    ...extra,
  };
}

export const slimIngress = (ingress: V1Ingress): V1Ingress => ({
  metadata: meta(ingress.metadata),
  spec: {
    ...(ingress.spec?.rules ? { rules: ingress.spec.rules } : {}),
    ...(ingress.spec?.tls ? { tls: ingress.spec.tls } : {}),
  },
  ...(ingress.status ? { status: ingress.status } : {}),
});

export const slimService = (service: V1Service): V1Service => ({
  metadata: meta(service.metadata),
  spec: { ...(service.spec?.ports ? { ports: service.spec.ports } : {}) },
});

export const slimSlice = (slice: V1EndpointSlice): V1EndpointSlice => ({
  metadata: meta(slice.metadata),
  addressType: slice.addressType,
  endpoints: (slice.endpoints ?? []).map((endpoint) => ({
    addresses: endpoint.addresses,
    ...(endpoint.conditions ? { conditions: endpoint.conditions } : {}),
    ...(endpoint.nodeName ? { nodeName: endpoint.nodeName } : {}),
    ...(endpoint.targetRef
      ? { targetRef: { kind: endpoint.targetRef.kind, name: endpoint.targetRef.name } }
      : {}),
  })),
  ...(slice.ports ? { ports: slice.ports } : {}),
});

export const slimEndpoints = (endpoints: V1Endpoints): V1Endpoints => ({
  metadata: meta(endpoints.metadata),
  ...(endpoints.subsets
    ? {
        subsets: endpoints.subsets.map((subset) => ({
          ...(subset.addresses
            ? {
                addresses: subset.addresses.map((address) => ({
                  ip: address.ip,
                  ...(address.nodeName ? { nodeName: address.nodeName } : {}),
                  ...(address.targetRef
                    ? { targetRef: { kind: address.targetRef.kind, name: address.targetRef.name } }
                    : {}),
                })),
              }
            : {}),
          ...(subset.ports ? { ports: subset.ports } : {}),
        })),
      }
    : {}),
});

export const slimPod = (pod: V1Pod): V1Pod => ({
  metadata: meta(pod.metadata),
  spec: {
    containers: (pod.spec?.containers ?? []).map((container) => ({ name: container.name })),
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    ...(pod.spec?.hostNetwork ? { hostNetwork: true } : {}),
  },
  ...(pod.status
    ? {
        status: {
          ...(pod.status.phase ? { phase: pod.status.phase } : {}),
          ...(pod.status.podIP ? { podIP: pod.status.podIP } : {}),
          ...(pod.status.conditions
            ? {
                conditions: pod.status.conditions.map((c) => ({
                  type: c.type,
                  status: c.status,
                  ...(c.reason ? { reason: c.reason } : {}),
                  ...(c.message ? { message: c.message } : {}),
                })),
              }
            : {}),
          ...(pod.status.containerStatuses
            ? {
                containerStatuses: pod.status.containerStatuses.map((status) => ({
                  name: status.name,
                  ready: status.ready,
                  restartCount: status.restartCount,
                  image: '',
                  imageID: '',
                  ...(status.state ? { state: status.state } : {}),
                  ...(status.lastState ? { lastState: status.lastState } : {}),
                })),
              }
            : {}),
          ...(pod.status.message ? { message: pod.status.message } : {}),
          ...(pod.status.reason ? { reason: pod.status.reason } : {}),
        },
      }
    : {}),
});

export const slimNode = (node: V1Node): V1Node => ({
  metadata: meta(node.metadata),
  spec: { ...(node.spec?.podCIDR ? { podCIDR: node.spec.podCIDR } : {}) },
  status: {
    ...(node.status?.addresses ? { addresses: node.status.addresses } : {}),
    ...(node.status?.conditions
      ? { conditions: node.status.conditions.map((c) => ({ type: c.type, status: c.status })) }
      : {}),
  },
});

export const slimDeployment = (deployment: V1Deployment): V1Deployment => ({
  metadata: meta(deployment.metadata, {
    ...(deployment.metadata?.annotations ? { annotations: deployment.metadata.annotations } : {}),
    ...(deployment.metadata?.generation !== undefined ? { generation: deployment.metadata.generation } : {}),
  }),
  spec: {
    ...(deployment.spec?.replicas !== undefined ? { replicas: deployment.spec.replicas } : {}),
    selector: deployment.spec?.selector ?? {},
    template: {
      spec: {
        containers: (deployment.spec?.template.spec?.containers ?? []).map((container) => ({
          name: container.name,
          ...(container.image ? { image: container.image } : {}),
        })),
      },
    },
    ...(deployment.spec?.paused ? { paused: true } : {}),
    ...(deployment.spec?.progressDeadlineSeconds !== undefined
      ? { progressDeadlineSeconds: deployment.spec.progressDeadlineSeconds }
      : {}),
  },
  ...(deployment.status ? { status: deployment.status } : {}),
});

/** `namespace/name`. */
export function keyOf(object: KubernetesObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}
