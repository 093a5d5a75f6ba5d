import type { JsonObject } from '../api-types';

/**
 * What kube-apiserver compares a create against: the Go zero value of the kind, as its unstructured encoding
 * has it. Only maps and lists matter here (scalars are members whether added or changed): a non-pointer struct
 * is present as `{}`, a nil slice or pointer without `omitempty` as null, everything else is absent. A field
 * present in the zero value is not "added" by the create, so the creator's entry has no `.` for it:
 * `f:spec: {f:strategy: {f:rollingUpdate: {.: {}, …}}}` for a Deployment, `f:spec: {.: {}, …}` for a custom
 * resource.
 */
const POD_TEMPLATE = { metadata: {}, spec: { containers: null } };

const ZERO: Record<string, () => JsonObject> = {
  Deployment: () => ({
    metadata: {},
    spec: { selector: null, template: structuredClone(POD_TEMPLATE), strategy: {} },
    status: {},
  }),
  ReplicaSet: () => ({
    metadata: {},
    spec: { selector: null, template: structuredClone(POD_TEMPLATE) },
    status: {},
  }),
  Pod: () => ({ metadata: {}, spec: { containers: null }, status: {} }),
  Service: () => ({ metadata: {}, spec: {}, status: { loadBalancer: {} } }),
  Ingress: () => ({ metadata: {}, spec: {}, status: { loadBalancer: {} } }),
  Namespace: () => ({ metadata: {}, spec: {}, status: {} }),
  Node: () => ({
    metadata: {},
    spec: {},
    status: { daemonEndpoints: { kubeletEndpoint: {} }, nodeInfo: {} },
  }),
  ResourceQuota: () => ({ metadata: {}, spec: {}, status: {} }),
  LimitRange: () => ({ metadata: {}, spec: { limits: null } }),
  Lease: () => ({ metadata: {}, spec: {} }),
  Event: () => ({
    metadata: {},
    involvedObject: {},
    source: {},
    firstTimestamp: null,
    lastTimestamp: null,
    eventTime: null,
  }),
  EndpointSlice: () => ({ metadata: {}, endpoints: null }),
  HorizontalPodAutoscaler: () => ({ metadata: {}, spec: { scaleTargetRef: {} }, status: {} }),
  CustomResourceDefinition: () => ({
    metadata: {},
    spec: { names: {}, versions: null },
    status: { acceptedNames: {}, storedVersions: null },
  }),
};

/** The zero object of a kind; `{metadata: {}}` for ConfigMaps, Secrets, Endpoints and custom resources. */
export function zeroObject(kind: string): JsonObject {
  return ZERO[kind]?.() ?? { metadata: {} };
}
