import { asArray, asObject, isJsonObject, jsonEqual, type JsonObject, type KubeObject } from '../api-types';
import { fieldError } from '../errors';
import { defaultPodSpec, validatePodSpec } from '../validation/pod-spec';
import type { ResourceDefinition } from '../registry/resource-definition';
import { defineResource, strategy } from './define';
import { POD_ZERO_FIELDS, zeroValueNormalizer } from './omit-zero';
import { podColumns } from './pod-table';

/**
 * What the DefaultTolerationSeconds admission plugin gives every pod that does not say otherwise: NoExecute
 * tolerations of the not-ready and unreachable taints for this many seconds (kube-apiserver's
 * `--default-not-ready-toleration-seconds` and `--default-unreachable-toleration-seconds`, 300 each), which is how
 * long its pods stay on a node that went NotReady or unreachable before the taint manager evicts them.
 */
export interface DefaultTolerationSeconds {
  notReady: number;
  unreachable: number;
}

export const DEFAULT_TOLERATION_SECONDS: DefaultTolerationSeconds = { notReady: 300, unreachable: 300 };

/** The QoS class kube computes from requests and limits (Guaranteed, Burstable, BestEffort). */
export function qosClass(spec: JsonObject): string {
  const containers = [...asArray(spec.containers), ...asArray(spec.initContainers)].map(asObject);
  let anySet = false;
  let guaranteed = true;
  for (const container of containers) {
    const resources = asObject(container.resources);
    const requests = asObject(resources.requests);
    const limits = asObject(resources.limits);
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) anySet = true;
    for (const name of ['cpu', 'memory']) {
      if (limits[name] === undefined) guaranteed = false;
      else if (requests[name] !== undefined && String(requests[name]) !== String(limits[name]))
        guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** Spec with the fields a pod update may change blanked out, for the immutability comparison. */
function immutablePart(spec: JsonObject): JsonObject {
  const copy = structuredClone(spec);
  for (const list of ['containers', 'initContainers']) {
    for (const container of asArray(copy[list])) if (isJsonObject(container)) delete container.image;
  }
  delete copy.activeDeadlineSeconds;
  delete copy.tolerations;
  delete copy.terminationGracePeriodSeconds;
  return copy;
}

const POD_UPDATE_MESSAGE =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

function podFields(pod: KubeObject): Record<string, string | undefined> {
  const spec = asObject(pod.spec);
  const status = asObject(pod.status);
  const text = (value: unknown) => (value === undefined ? '' : String(value));
  return {
    'spec.nodeName': text(spec.nodeName),
    'spec.restartPolicy': text(spec.restartPolicy),
    'spec.schedulerName': text(spec.schedulerName),
    'spec.serviceAccountName': text(spec.serviceAccountName),
    'spec.hostNetwork': String(spec.hostNetwork === true),
    'status.phase': text(status.phase),
    'status.podIP': text(status.podIP),
    'status.nominatedNodeName': text(status.nominatedNodeName),
  };
}

/**
 * core/v1 pods: defaults (and the admission defaults: service account, tolerations, priority), status split,
 * the pod-update immutability rule, and graceful deletion of scheduled pods (the kubelet finishes it).
 */
export function podResource(
  tolerationSeconds: DefaultTolerationSeconds = DEFAULT_TOLERATION_SECONDS,
): ResourceDefinition {
  const defaultTolerations = [
    { key: 'node.kubernetes.io/not-ready', seconds: tolerationSeconds.notReady },
    { key: 'node.kubernetes.io/unreachable', seconds: tolerationSeconds.unreachable },
  ];
  return defineResource({
    group: '',
    version: 'v1',
    resource: 'pods',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status', 'log', 'binding', 'eviction', 'proxy'],
    selectableFields: Object.keys(podFields({ metadata: {} })),
    fieldGetter: podFields,
    columns: podColumns,
    strategy: strategy({
      statusSubresource: true,
      returnDeletedObject: true,
      normalizeZeroValues: zeroValueNormalizer(POD_ZERO_FIELDS),
      prepareForCreate(pod) {
        const spec = asObject(pod.spec);
        pod.spec = spec;
        defaultPodSpec(spec);
        spec.enableServiceLinks ??= true;
        pod.status = { phase: 'Pending', qosClass: qosClass(spec) };
      },
      admitCreate(pod) {
        const spec = asObject(pod.spec);
        spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
        spec.serviceAccount = spec.serviceAccountName;
        spec.priority ??= 0;
        spec.preemptionPolicy ??= 'PreemptLowerPriority';
        const tolerations = asArray(spec.tolerations).map(asObject);
        for (const { key, seconds } of defaultTolerations) {
          if (!tolerations.some((toleration) => toleration.key === key))
            tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
        }
        spec.tolerations = tolerations;
      },
      prepareForUpdate(pod, previous) {
        const spec = asObject(pod.spec);
        pod.spec = spec;
        defaultPodSpec(spec);
        // Fields set by admission on create carry over when a client omits them.
        const before = asObject(previous.spec);
        for (const key of [
          'serviceAccountName',
          'serviceAccount',
          'enableServiceLinks',
          'priority',
          'preemptionPolicy',
          'nodeName',
          'tolerations',
        ])
          if (spec[key] === undefined && before[key] !== undefined) spec[key] = before[key];
      },
      validate: (pod) => validatePodSpec(pod.spec, 'spec'),
      validateUpdate(pod, previous) {
        const errors = validatePodSpec(pod.spec, 'spec');
        if (!jsonEqual(immutablePart(asObject(pod.spec)), immutablePart(asObject(previous.spec))))
          errors.push(fieldError.forbidden('spec', POD_UPDATE_MESSAGE));
        return errors;
      },
      gracePeriodSeconds(pod, requested) {
        const spec = asObject(pod.spec);
        const phase = asObject(pod.status).phase;
        if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
        const grace = requested ?? (spec.terminationGracePeriodSeconds as number | undefined) ?? 30;
        return Math.max(0, grace);
      },
    }),
  });
}

/** The pods resource with kube's default toleration seconds. */
export const pods = podResource();
