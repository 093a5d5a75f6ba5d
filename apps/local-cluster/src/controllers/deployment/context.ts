/**
 * The working state of one Deployment sync. kube's controller calls the API as it goes and continues with the
 * objects the API returns; here the sync works on copies and records what it would have called as actions,
 * so the whole decision is a pure function and the executor replays the actions in order.
 */
import { isPodActive } from '../kit/pod-state';
import { parseTime } from '../kit/time';
import type { Deployment, OwnerReference, Pod, ReplicaSet } from '../kit/wire';
import { replicasAnnotationsFor, replicasAnnotationsNeedUpdate, setReplicasAnnotations } from './revisions';

export type DeploymentStatus = NonNullable<Deployment['status']>;

export type DeploymentAction =
  | { type: 'adoptReplicaSet'; rs: ReplicaSet; ownerReferences: OwnerReference[] }
  | { type: 'releaseReplicaSet'; rs: ReplicaSet; ownerReferences: OwnerReference[] }
  | { type: 'createReplicaSet'; replicaSet: ReplicaSet }
  | {
      type: 'updateReplicaSet';
      name: string;
      resourceVersion?: string;
      replicas?: number;
      minReadySeconds?: number;
      annotations?: Record<string, string>;
    }
  | { type: 'deleteReplicaSet'; rs: ReplicaSet }
  | { type: 'setDeploymentRevision'; revision: string }
  | { type: 'updateStatus'; status: DeploymentStatus; patch: Record<string, unknown> }
  | { type: 'event'; eventType: 'Normal' | 'Warning'; reason: string; message: string };

/** The status fields the controller writes. */
export const DEPLOYMENT_STATUS_FIELDS = [
  'observedGeneration',
  'replicas',
  'updatedReplicas',
  'readyReplicas',
  'availableReplicas',
  'unavailableReplicas',
  'collisionCount',
  'conditions',
] as const;

export interface SyncContext {
  /** A copy; its status collects condition changes made during the sync. */
  deployment: Deployment;
  /** Copies of the ReplicaSets the Deployment owns (after adoption), updated as actions are planned. */
  replicaSets: ReplicaSet[];
  /** Every ReplicaSet in the namespace (for name collisions). */
  namespaceReplicaSets: ReplicaSet[];
  /** Pods per owning ReplicaSet uid. */
  podsByReplicaSet: Map<string, Pod[]>;
  now: number;
  actions: DeploymentAction[];
  /** The status computed by the sync, to be written if it differs from the observed one. */
  newStatus?: DeploymentStatus;
  /** Set when the sync must stop early (e.g. a hash collision) and be retried. */
  retry?: boolean;
}

export function rsReplicas(rs: ReplicaSet): number {
  return rs.spec?.replicas ?? 1;
}

export function nameOf(rs: ReplicaSet): string {
  return rs.metadata?.name ?? '';
}

/** Active (not terminal, not terminating) pods the set owns, as the cache shows them. */
export function activePodCount(context: SyncContext, rs: ReplicaSet): number {
  return (context.podsByReplicaSet.get(rs.metadata?.uid ?? '') ?? []).filter(isPodActive).length;
}

/**
 * Available pods of a set for scale-down arithmetic: its reported figure, but never more than its spec, so a
 * status written before the set shrank cannot make the controller delete below maxUnavailable.
 */
export function availableForScaleDown(rs: ReplicaSet): number {
  return Math.min(rs.status?.availableReplicas ?? 0, rsReplicas(rs));
}

export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const diff =
    (parseTime(a.metadata?.creationTimestamp) ?? 0) - (parseTime(b.metadata?.creationTimestamp) ?? 0);
  return diff !== 0 ? diff : nameOf(a).localeCompare(nameOf(b));
}

export function event(
  context: SyncContext,
  eventType: 'Normal' | 'Warning',
  reason: string,
  message: string,
): void {
  context.actions.push({ type: 'event', eventType, reason, message });
}

/** Plans an update of a set (merging with an update already planned for it) and applies it to the copy. */
export function updateReplicaSet(
  context: SyncContext,
  rs: ReplicaSet,
  change: { replicas?: number; minReadySeconds?: number; annotations?: Record<string, string> },
): void {
  const name = nameOf(rs);
  rs.spec ??= { selector: {} };
  if (change.replicas !== undefined) rs.spec.replicas = change.replicas;
  if (change.minReadySeconds !== undefined) rs.spec.minReadySeconds = change.minReadySeconds;
  if (change.annotations) {
    rs.metadata ??= {};
    rs.metadata.annotations = { ...change.annotations };
  }
  const created = context.actions.find(
    (action) => action.type === 'createReplicaSet' && nameOf(action.replicaSet) === name,
  );
  if (created && created.type === 'createReplicaSet') {
    created.replicaSet = structuredClone(rs);
    return;
  }
  const planned = context.actions.find(
    (action) => action.type === 'updateReplicaSet' && action.name === name,
  );
  if (planned && planned.type === 'updateReplicaSet') {
    Object.assign(
      planned,
      Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined)),
    );
    return;
  }
  context.actions.push({
    type: 'updateReplicaSet',
    name,
    resourceVersion: rs.metadata?.resourceVersion,
    ...Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined)),
  });
}

/** dc.scaleReplicaSet: size and desired/max annotations; true when the size changed. */
export function scaleReplicaSet(context: SyncContext, rs: ReplicaSet, newScale: number): boolean {
  const deployment = context.deployment;
  const oldScale = rsReplicas(rs);
  const sizeNeedsUpdate = oldScale !== newScale;
  if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, deployment)) return false;
  const annotated = structuredClone(rs);
  const { desired, max } = replicasAnnotationsFor(deployment);
  setReplicasAnnotations(annotated, desired, max);
  updateReplicaSet(context, rs, { replicas: newScale, annotations: annotated.metadata?.annotations ?? {} });
  if (sizeNeedsUpdate) {
    const direction = newScale > oldScale ? 'up' : 'down';
    event(
      context,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${direction} replica set ${nameOf(rs)} from ${oldScale} to ${newScale}`,
    );
  }
  return sizeNeedsUpdate;
}

/** dc.scaleReplicaSetAndRecordEvent: nothing at all when the size is already right. */
export function scaleReplicaSetAndRecordEvent(
  context: SyncContext,
  rs: ReplicaSet,
  newScale: number,
): boolean {
  if (rsReplicas(rs) === newScale) return false;
  return scaleReplicaSet(context, rs, newScale);
}
