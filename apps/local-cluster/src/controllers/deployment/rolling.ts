/**
 * The RollingUpdate strategy (kube's rolling.go): grow the new ReplicaSet while the total stays within
 * replicas + maxSurge, shrink old ones (unhealthy pods first) while availability stays at or above
 * replicas − maxUnavailable, one step per sync; the next sync comes with the next ReplicaSet change.
 */
import type { ReplicaSet } from '../kit/wire';
import {
  type SyncContext,
  availableForScaleDown,
  byCreation,
  rsReplicas,
  scaleReplicaSetAndRecordEvent,
} from './context';
import { maxUnavailable, replicasOf } from './fenceposts';
import { getAllReplicaSetsAndSyncRevision, newReplicaSetReplicas } from './new-replicaset';
import { cleanupDeployment } from './scale';
import { deploymentComplete, syncRolloutStatus } from './status';

export function rolloutRolling(context: SyncContext): void {
  const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(context, true);
  if (!newRS) return;
  const allRSs = [...oldRSs, newRS];
  if (reconcileNewReplicaSet(context, allRSs, newRS)) return syncRolloutStatus(context, allRSs, newRS);
  const activeOld = oldRSs.filter((rs) => rsReplicas(rs) > 0);
  if (reconcileOldReplicaSets(context, allRSs, activeOld, newRS))
    return syncRolloutStatus(context, allRSs, newRS);
  if (deploymentComplete(context.deployment, context.deployment.status)) cleanupDeployment(context, oldRSs);
  syncRolloutStatus(context, allRSs, newRS);
}

export function reconcileNewReplicaSet(
  context: SyncContext,
  allRSs: ReplicaSet[],
  newRS: ReplicaSet,
): boolean {
  const replicas = replicasOf(context.deployment);
  if (rsReplicas(newRS) === replicas) return false;
  if (rsReplicas(newRS) > replicas) return scaleReplicaSetAndRecordEvent(context, newRS, replicas);
  return scaleReplicaSetAndRecordEvent(context, newRS, newReplicaSetReplicas(context, allRSs, newRS));
}

export function reconcileOldReplicaSets(
  context: SyncContext,
  allRSs: ReplicaSet[],
  oldRSs: ReplicaSet[],
  newRS: ReplicaSet,
): boolean {
  const oldPods = oldRSs.reduce((total, rs) => total + rsReplicas(rs), 0);
  if (oldPods === 0) return false;
  const allPods = allRSs.reduce((total, rs) => total + rsReplicas(rs), 0);
  const minAvailable = replicasOf(context.deployment) - maxUnavailable(context.deployment);
  const newUnavailable = rsReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  // Unhealthy old pods go first: removing them costs no availability.
  const cleaned = cleanupUnhealthyReplicas(context, oldRSs, maxScaledDown);
  const scaledDown = scaleDownOldReplicaSetsForRollingUpdate(context, [...oldRSs, newRS], oldRSs);
  return cleaned + scaledDown > 0;
}

export function cleanupUnhealthyReplicas(
  context: SyncContext,
  oldRSs: ReplicaSet[],
  maxCleanup: number,
): number {
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= maxCleanup) break;
    const replicas = rsReplicas(rs);
    if (replicas === 0) continue;
    const unhealthy = replicas - availableForScaleDown(rs);
    if (unhealthy === 0) continue;
    const count = Math.min(maxCleanup - total, unhealthy);
    scaleReplicaSetAndRecordEvent(context, rs, replicas - count);
    total += count;
  }
  return total;
}

export function scaleDownOldReplicaSetsForRollingUpdate(
  context: SyncContext,
  allRSs: ReplicaSet[],
  oldRSs: ReplicaSet[],
): number {
  const minAvailable = replicasOf(context.deployment) - maxUnavailable(context.deployment);
  const available = allRSs.reduce(
    (total, rs) =>
      total + (oldRSs.includes(rs) ? availableForScaleDown(rs) : (rs.status?.availableReplicas ?? 0)),
    0,
  );
  if (available <= minAvailable) return 0;
  const target = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= target) break;
    const replicas = rsReplicas(rs);
    if (replicas === 0) continue;
    const count = Math.min(replicas, target - total);
    scaleReplicaSetAndRecordEvent(context, rs, replicas - count);
    total += count;
  }
  return total;
}
