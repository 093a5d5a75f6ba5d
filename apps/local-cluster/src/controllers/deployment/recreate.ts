/**
 * The Recreate strategy (kube's recreate.go): scale every old ReplicaSet to zero, wait until none of their pods
 * is left running (terminating pods count), then create or scale up the new one to spec.replicas.
 */
import type { ReplicaSet } from '../kit/wire';
import { type SyncContext, rsReplicas, scaleReplicaSetAndRecordEvent } from './context';
import { replicasOf } from './fenceposts';
import { getAllReplicaSetsAndSyncRevision } from './new-replicaset';
import { cleanupDeployment } from './scale';
import { deploymentComplete, syncRolloutStatus } from './status';

export function oldPodsRunning(
  context: SyncContext,
  newRS: ReplicaSet | undefined,
  oldRSs: ReplicaSet[],
): boolean {
  if (oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0)) return true;
  return oldRSs
    .filter((rs) => rs !== newRS)
    .some((rs) =>
      (context.podsByReplicaSet.get(rs.metadata?.uid ?? '') ?? []).some(
        (pod) => pod.status?.phase !== 'Failed' && pod.status?.phase !== 'Succeeded',
      ),
    );
}

export function rolloutRecreate(context: SyncContext): void {
  const found = getAllReplicaSetsAndSyncRevision(context, false);
  let newRS = found.newRS;
  const oldRSs = found.oldRSs;
  const allRSs = (): ReplicaSet[] => (newRS ? [...oldRSs, newRS] : oldRSs);

  let scaledDown = false;
  for (const rs of oldRSs.filter((candidate) => rsReplicas(candidate) > 0)) {
    if (scaleReplicaSetAndRecordEvent(context, rs, 0)) scaledDown = true;
  }
  if (scaledDown || oldPodsRunning(context, newRS, oldRSs))
    return syncRolloutStatus(context, allRSs(), newRS);

  if (!newRS) {
    newRS = getAllReplicaSetsAndSyncRevision(context, true).newRS;
    if (!newRS) return;
  }
  scaleReplicaSetAndRecordEvent(context, newRS, replicasOf(context.deployment));
  if (deploymentComplete(context.deployment, context.deployment.status)) cleanupDeployment(context, oldRSs);
  syncRolloutStatus(context, allRSs(), newRS);
}
