/**
 * Deployment status and conditions (deploymentutil and the controller's progress.go): counts summed from the
 * ReplicaSets, Available (MinimumReplicasAvailable / MinimumReplicasUnavailable), Progressing
 * (NewReplicaSetCreated, FoundNewReplicaSet, ReplicaSetUpdated, NewReplicaSetAvailable,
 * ProgressDeadlineExceeded, DeploymentPaused, DeploymentResumed).
 */
import { parseTime, rfc3339 } from '../kit/time';
import type { Deployment, DeploymentCondition, ReplicaSet } from '../kit/wire';
import { type DeploymentStatus, type SyncContext, nameOf, rsReplicas } from './context';
import { maxUnavailable, replicasOf } from './fenceposts';

export const PROGRESSING = 'Progressing';
export const AVAILABLE = 'Available';
export const REPLICA_FAILURE = 'ReplicaFailure';
export const NEW_RS_AVAILABLE = 'NewReplicaSetAvailable';
export const TIMED_OUT = 'ProgressDeadlineExceeded';
export const PAUSED = 'DeploymentPaused';
export const RESUMED = 'DeploymentResumed';

const MAX_INT32 = 2 ** 31 - 1;

export function newCondition(
  type: string,
  status: string,
  reason: string,
  message: string,
  now: number,
): DeploymentCondition {
  const time = rfc3339(now);
  return { type, status, reason, message, lastUpdateTime: time, lastTransitionTime: time };
}

export function getCondition(
  status: DeploymentStatus | undefined,
  type: string,
): DeploymentCondition | undefined {
  return status?.conditions?.find((condition) => condition.type === type);
}

/** deploymentutil.SetDeploymentCondition: same status and reason → unchanged; same status → keep transition time. */
export function setCondition(status: DeploymentStatus, condition: DeploymentCondition): void {
  const current = getCondition(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  const next = { ...condition };
  if (current && current.status === condition.status) next.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  status.conditions = (status.conditions ?? []).filter((condition) => condition.type !== type);
}

export function hasProgressDeadline(deployment: Deployment): boolean {
  const seconds = deployment.spec?.progressDeadlineSeconds;
  return seconds !== undefined && seconds !== null && seconds !== MAX_INT32;
}

function progressDeadlineMs(deployment: Deployment): number {
  return (deployment.spec?.progressDeadlineSeconds ?? 600) * 1000;
}

const sum = (sets: ReplicaSet[], count: (rs: ReplicaSet) => number): number =>
  sets.reduce((total, rs) => total + count(rs), 0);

/** dc.calculateStatus. */
export function calculateStatus(
  context: SyncContext,
  allRSs: ReplicaSet[],
  newRS: ReplicaSet | undefined,
): DeploymentStatus {
  const deployment = context.deployment;
  const available = sum(allRSs, (rs) => rs.status?.availableReplicas ?? 0);
  const total = sum(allRSs, rsReplicas);
  const status: DeploymentStatus = {
    observedGeneration: deployment.metadata?.generation,
    replicas: sum(allRSs, (rs) => rs.status?.replicas ?? 0),
    updatedReplicas: newRS ? (newRS.status?.replicas ?? 0) : 0,
    readyReplicas: sum(allRSs, (rs) => rs.status?.readyReplicas ?? 0),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    ...(deployment.status?.collisionCount !== undefined
      ? { collisionCount: deployment.status.collisionCount }
      : {}),
    conditions: [...(deployment.status?.conditions ?? [])],
  };
  if (available >= replicasOf(deployment) - maxUnavailable(deployment)) {
    setCondition(
      status,
      newCondition(
        AVAILABLE,
        'True',
        'MinimumReplicasAvailable',
        'Deployment has minimum availability.',
        context.now,
      ),
    );
  } else {
    setCondition(
      status,
      newCondition(
        AVAILABLE,
        'False',
        'MinimumReplicasUnavailable',
        'Deployment does not have minimum availability.',
        context.now,
      ),
    );
  }
  return status;
}

/** deploymentutil.DeploymentComplete. */
export function deploymentComplete(deployment: Deployment, status: DeploymentStatus | undefined): boolean {
  const replicas = replicasOf(deployment);
  return (
    (status?.updatedReplicas ?? 0) === replicas &&
    (status?.replicas ?? 0) === replicas &&
    (status?.availableReplicas ?? 0) === replicas &&
    (status?.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0)
  );
}

/** deploymentutil.DeploymentProgressing: more updated, fewer old, more ready or more available pods. */
export function deploymentProgressing(deployment: Deployment, newStatus: DeploymentStatus): boolean {
  const old = deployment.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (newStatus.replicas ?? 0) - (newStatus.updatedReplicas ?? 0);
  return (
    (newStatus.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (newStatus.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (newStatus.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** deploymentutil.DeploymentTimedOut. */
export function deploymentTimedOut(
  deployment: Deployment,
  newStatus: DeploymentStatus,
  now: number,
): boolean {
  if (!hasProgressDeadline(deployment)) return false;
  const condition = getCondition(newStatus, PROGRESSING);
  if (!condition || condition.reason === NEW_RS_AVAILABLE) return false;
  if (condition.reason === TIMED_OUT) return true;
  const from = parseTime(condition.lastUpdateTime);
  return from !== undefined && from + progressDeadlineMs(deployment) < now;
}

/** dc.syncRolloutStatus: the status with Progressing moved along (the write happens at the end of the sync). */
export function syncRolloutStatus(
  context: SyncContext,
  allRSs: ReplicaSet[],
  newRS: ReplicaSet | undefined,
): void {
  const deployment = context.deployment;
  const newStatus = calculateStatus(context, allRSs, newRS);
  if (!hasProgressDeadline(deployment)) removeCondition(newStatus, PROGRESSING);
  const current = getCondition(deployment.status, PROGRESSING);
  const complete = newStatus.replicas === newStatus.updatedReplicas && current?.reason === NEW_RS_AVAILABLE;
  if (hasProgressDeadline(deployment) && !complete) {
    const subject = newRS ? `ReplicaSet "${nameOf(newRS)}"` : `Deployment "${deployment.metadata?.name}"`;
    if (deploymentComplete(deployment, newStatus)) {
      setCondition(
        newStatus,
        newCondition(
          PROGRESSING,
          'True',
          NEW_RS_AVAILABLE,
          `${subject} has successfully progressed.`,
          context.now,
        ),
      );
    } else if (deploymentProgressing(deployment, newStatus)) {
      const condition = newCondition(
        PROGRESSING,
        'True',
        'ReplicaSetUpdated',
        `${subject} is progressing.`,
        context.now,
      );
      // Progress refreshes lastUpdateTime (the deadline counts from it) but keeps lastTransitionTime.
      if (current?.status === 'True') condition.lastTransitionTime = current.lastTransitionTime;
      removeCondition(newStatus, PROGRESSING);
      setCondition(newStatus, condition);
    } else if (deploymentTimedOut(deployment, newStatus, context.now)) {
      setCondition(
        newStatus,
        newCondition(PROGRESSING, 'False', TIMED_OUT, `${subject} has timed out progressing.`, context.now),
      );
    }
  }
  const failure = allRSs
    .flatMap((rs) => rs.status?.conditions ?? [])
    .find((condition) => condition.type === REPLICA_FAILURE);
  if (failure) {
    setCondition(newStatus, {
      type: REPLICA_FAILURE,
      status: failure.status,
      reason: failure.reason,
      message: failure.message,
      lastUpdateTime: failure.lastTransitionTime,
      lastTransitionTime: failure.lastTransitionTime,
    });
  } else removeCondition(newStatus, REPLICA_FAILURE);
  context.newStatus = newStatus;
}

/** dc.syncDeploymentStatus (scaling, paused and deleting Deployments): counts only, Progressing untouched. */
export function syncDeploymentStatus(
  context: SyncContext,
  allRSs: ReplicaSet[],
  newRS: ReplicaSet | undefined,
): void {
  context.newStatus = calculateStatus(context, allRSs, newRS);
}

/** dc.checkPausedConditions, applied to the working copy. */
export function checkPausedConditions(context: SyncContext): void {
  const deployment = context.deployment;
  if (!hasProgressDeadline(deployment)) return;
  const status = (deployment.status ??= {});
  const condition = getCondition(status, PROGRESSING);
  if (condition?.reason === TIMED_OUT) return;
  const paused = deployment.spec?.paused === true;
  if (paused && condition?.reason !== PAUSED) {
    setCondition(status, newCondition(PROGRESSING, 'Unknown', PAUSED, 'Deployment is paused', context.now));
  } else if (!paused && condition?.reason === PAUSED) {
    setCondition(status, newCondition(PROGRESSING, 'Unknown', RESUMED, 'Deployment is resumed', context.now));
  }
}

/** When to look again so a stuck rollout is marked ProgressDeadlineExceeded in time (requeueStuckDeployment). */
export function progressCheckAfterMs(context: SyncContext, status: DeploymentStatus): number | undefined {
  const deployment = context.deployment;
  const condition = getCondition(status, PROGRESSING);
  if (!hasProgressDeadline(deployment) || !condition || deployment.spec?.paused) return undefined;
  if (condition.reason === TIMED_OUT || deploymentComplete(deployment, status)) return undefined;
  const from = parseTime(condition.lastUpdateTime);
  if (from === undefined) return undefined;
  // Times have second precision: look a second past the deadline so it has surely passed.
  return Math.max(0, from + progressDeadlineMs(deployment) + 1000 - context.now);
}
