/**
 * Scaling without a rollout (kube's sync.go): a paused Deployment or a change of spec.replicas resizes the
 * active ReplicaSets, proportionally when a rollout is under way; and the cleanup of old, empty ReplicaSets
 * beyond revisionHistoryLimit.
 */
import type { ReplicaSet } from '../kit/wire';
import {
  type SyncContext,
  byCreation,
  nameOf,
  rsReplicas,
  scaleReplicaSet,
  scaleReplicaSetAndRecordEvent,
} from './context';
import { isRollingUpdate, maxSurge, replicasOf } from './fenceposts';
import { getAllReplicaSetsAndSyncRevision } from './new-replicaset';
import { DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, revisionOf } from './revisions';
import { syncDeploymentStatus } from './status';

const active = (sets: (ReplicaSet | undefined)[]): ReplicaSet[] =>
  sets.filter((rs): rs is ReplicaSet => rs !== undefined && rsReplicas(rs) > 0);

function annotationNumber(rs: ReplicaSet, key: string): number | undefined {
  const text = rs.metadata?.annotations?.[key];
  if (text === undefined) return undefined;
  const value = Number.parseInt(text, 10);
  return Number.isNaN(value) ? undefined : value;
}

/** isScalingEvent: an active set was sized for another spec.replicas than the Deployment has now. */
export function isScalingEvent(context: SyncContext): boolean {
  const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(context, false);
  return active([...oldRSs, newRS]).some((rs) => {
    const desired = annotationNumber(rs, DESIRED_REPLICAS_ANNOTATION);
    return desired !== undefined && desired !== replicasOf(context.deployment);
  });
}

function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const all = active([...newestFirst, newRS]);
  if (all.length === 0) return newRS ?? newestFirst[0];
  return all.length === 1 ? all[0] : undefined;
}

function proportion(context: SyncContext, rs: ReplicaSet, toAdd: number, added: number): number {
  if (rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const deployment = context.deployment;
  let fraction: number;
  if (replicasOf(deployment) === 0) fraction = -rsReplicas(rs);
  else {
    const deploymentReplicas = replicasOf(deployment) + maxSurge(deployment);
    const annotated = annotationNumber(rs, MAX_REPLICAS_ANNOTATION) ?? deployment.status?.replicas ?? 0;
    fraction =
      annotated === 0 ? 0 : Math.round((rsReplicas(rs) * deploymentReplicas) / annotated) - rsReplicas(rs);
  }
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** dc.scale. */
export function scaleDeployment(
  context: SyncContext,
  newRS: ReplicaSet | undefined,
  oldRSs: ReplicaSet[],
): void {
  const deployment = context.deployment;
  const replicas = replicasOf(deployment);
  const latest = findActiveOrLatest(newRS, oldRSs);
  if (latest) {
    scaleReplicaSetAndRecordEvent(context, latest, replicas);
    return;
  }
  // Saturated: the new set is at full size and available, so old ones go.
  const saturated =
    newRS !== undefined &&
    rsReplicas(newRS) === replicas &&
    annotationNumber(newRS, DESIRED_REPLICAS_ANNOTATION) === replicas &&
    (newRS.status?.availableReplicas ?? 0) === replicas;
  if (saturated) {
    for (const rs of active(oldRSs)) scaleReplicaSetAndRecordEvent(context, rs, 0);
    return;
  }
  if (!isRollingUpdate(deployment)) return;
  const sets = active([...oldRSs, newRS]);
  const current = sets.reduce((total, rs) => total + rsReplicas(rs), 0);
  const allowed = replicas > 0 ? replicas + maxSurge(deployment) : 0;
  const toAdd = allowed - current;
  // Growing: biggest (then newest) first; shrinking: biggest (then oldest) first.
  sets.sort((a, b) => rsReplicas(b) - rsReplicas(a) || (toAdd > 0 ? byCreation(b, a) : byCreation(a, b)));
  let added = 0;
  const sizes = new Map<ReplicaSet, number>();
  for (const rs of sets) {
    const part = toAdd !== 0 ? proportion(context, rs, toAdd, added) : 0;
    sizes.set(rs, rsReplicas(rs) + part);
    added += part;
  }
  sets.forEach((rs, index) => {
    let size = sizes.get(rs) ?? rsReplicas(rs);
    if (index === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    scaleReplicaSet(context, rs, size);
  });
}

/** dc.sync: scale, clean up when paused, and the status. */
export function syncScale(context: SyncContext): void {
  const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(context, false);
  scaleDeployment(context, newRS, oldRSs);
  if (context.deployment.spec?.paused) cleanupDeployment(context, oldRSs);
  syncDeploymentStatus(context, newRS ? [...oldRSs, newRS] : oldRSs, newRS);
}

/** dc.cleanupDeployment: delete the oldest empty sets beyond revisionHistoryLimit (default 10). */
export function cleanupDeployment(context: SyncContext, oldRSs: ReplicaSet[]): void {
  const limit = context.deployment.spec?.revisionHistoryLimit ?? 10;
  const alive = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
  const excess = alive.length - limit;
  if (excess <= 0) return;
  const byRevision = [...alive].sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
  for (const rs of byRevision.slice(0, excess)) {
    const settled = (rs.metadata?.generation ?? 0) <= (rs.status?.observedGeneration ?? 0);
    if ((rs.status?.replicas ?? 0) !== 0 || rsReplicas(rs) !== 0 || !settled) continue;
    if (
      context.actions.some((action) => action.type === 'deleteReplicaSet' && nameOf(action.rs) === nameOf(rs))
    )
      continue;
    context.actions.push({ type: 'deleteReplicaSet', rs });
  }
}
