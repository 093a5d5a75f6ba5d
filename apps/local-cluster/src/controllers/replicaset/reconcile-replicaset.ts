/**
 * The ReplicaSet controller's decision for one ReplicaSet (kube's syncReplicaSet): claim pods (adopt matching
 * orphans, release owned pods that stopped matching), create pods from the template or delete the surplus
 * (pod-ranking.ts) so the active ones number spec.replicas, and the status that results. Pure.
 */
import { hasAllLabels, selectorMatches } from '../kit/labels';
import { newControllerRef, withControllerRef, withoutOwner, controllerRefOf } from '../kit/owners';
import { availableAt, isPodActive, isPodAvailable, isPodReady } from '../kit/pod-state';
import type { OwnerReference, Pod, ReplicaSet } from '../kit/wire';
import { podsToDelete } from './pod-ranking';

/** kube's burstReplicas: the most pods one sync creates or deletes. */
export const BURST_REPLICAS = 500;

export type ReplicaSetAction =
  | { type: 'adoptPod'; pod: Pod; ownerReferences: OwnerReference[] }
  | { type: 'releasePod'; pod: Pod; ownerReferences: OwnerReference[] }
  | { type: 'createPods'; count: number; pod: Pod }
  | { type: 'deletePods'; pods: Pod[] };

export interface ReplicaSetStatusFields {
  replicas: number;
  fullyLabeledReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  observedGeneration: number;
}

export interface ReplicaSetDecision {
  actions: ReplicaSetAction[];
  status: ReplicaSetStatusFields;
  /** Reconcile again then (a ready pod becomes available after minReadySeconds). */
  requeueAfterMs?: number;
}

export const REPLICASET_STATUS_FIELDS = [
  'replicas',
  'fullyLabeledReplicas',
  'readyReplicas',
  'availableReplicas',
  'observedGeneration',
] as const;

/** The pod a ReplicaSet creates: its template, a generated name, and the controller reference. */
export function podFromTemplate(rs: ReplicaSet): Pod {
  const template = rs.spec?.template;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata?.name}-`,
      namespace: rs.metadata?.namespace,
      labels: { ...template?.metadata?.labels },
      ...(template?.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ...(template?.metadata?.finalizers ? { finalizers: [...template.metadata.finalizers] } : {}),
      ownerReferences: [newControllerRef(rs, 'apps/v1', 'ReplicaSet')],
    },
    spec: structuredClone(template?.spec ?? { containers: [] }),
  };
}

export function reconcileReplicaSet(rs: ReplicaSet, namespacePods: Pod[], now: number): ReplicaSetDecision {
  const uid = rs.metadata?.uid;
  const deleting = Boolean(rs.metadata?.deletionTimestamp);
  const selector = rs.spec?.selector;
  const actions: ReplicaSetAction[] = [];
  const owned: Pod[] = [];
  for (const pod of namespacePods) {
    const ref = controllerRefOf(pod);
    const matches = selectorMatches(selector, pod.metadata?.labels);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches || deleting) owned.push(pod);
      else actions.push({ type: 'releasePod', pod, ownerReferences: withoutOwner(pod, uid ?? '') });
    } else if (matches && !deleting && !pod.metadata?.deletionTimestamp) {
      const ref = newControllerRef(rs, 'apps/v1', 'ReplicaSet');
      actions.push({ type: 'adoptPod', pod, ownerReferences: withControllerRef(pod, ref) });
      owned.push(pod);
    }
  }
  let active = owned.filter(isPodActive);
  if (!deleting) {
    const diff = active.length - (rs.spec?.replicas ?? 1);
    if (diff < 0) {
      actions.push({ type: 'createPods', count: Math.min(-diff, BURST_REPLICAS), pod: podFromTemplate(rs) });
    } else if (diff > 0) {
      const doomed = podsToDelete(active, Math.min(diff, BURST_REPLICAS));
      actions.push({ type: 'deletePods', pods: doomed });
      // The status describes the set after this sync: pods being deleted no longer count.
      const gone = new Set(doomed.map((pod) => pod.metadata?.uid));
      active = active.filter((pod) => !gone.has(pod.metadata?.uid));
    }
  }
  const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
  const templateLabels = rs.spec?.template?.metadata?.labels;
  const status: ReplicaSetStatusFields = {
    replicas: active.length,
    fullyLabeledReplicas: active.filter((pod) => hasAllLabels(pod.metadata?.labels, templateLabels)).length,
    readyReplicas: active.filter(isPodReady).length,
    availableReplicas: active.filter((pod) => isPodAvailable(pod, minReadySeconds, now)).length,
    observedGeneration: rs.metadata?.generation ?? 0,
  };
  const wakeTimes = active
    .map((pod) => availableAt(pod, minReadySeconds, now))
    .filter((at): at is number => at !== undefined);
  const decision: ReplicaSetDecision = { actions, status };
  if (wakeTimes.length > 0) decision.requeueAfterMs = Math.max(0, Math.min(...wakeTimes) - now);
  return decision;
}
