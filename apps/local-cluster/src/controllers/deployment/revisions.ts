/**
 * The annotations a Deployment and its ReplicaSets carry (deploymentutil): `deployment.kubernetes.io/revision`
 * numbers templates in the order they were rolled out (a rollback gives the old template's set the next
 * number), the Deployment's other annotations (e.g. `kubernetes.io/change-cause`) are copied to its new set,
 * and desired/max replicas remember the scale a set was sized for (proportional scaling reads them).
 */
import type { Deployment, ReplicaSet } from '../kit/wire';
import { maxSurge, replicasOf } from './fenceposts';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';

const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);

export function revisionOf(object: Deployment | ReplicaSet): number {
  const text = object.metadata?.annotations?.[REVISION_ANNOTATION];
  const value = text === undefined ? 0 : Number.parseInt(text, 10);
  return Number.isNaN(value) ? 0 : value;
}

export function maxRevision(replicaSets: ReplicaSet[]): number {
  return replicaSets.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);
}

function annotationsOf(rs: ReplicaSet): Record<string, string> {
  rs.metadata ??= {};
  rs.metadata.annotations ??= {};
  return rs.metadata.annotations;
}

/** Copies the Deployment's annotations onto the set (mutating it); true when anything changed. */
export function copyDeploymentAnnotations(deployment: Deployment, rs: ReplicaSet): boolean {
  let changed = false;
  const annotations = annotationsOf(rs);
  for (const [key, value] of Object.entries(deployment.metadata?.annotations ?? {})) {
    if (NOT_COPIED.has(key) || annotations[key] === value) continue;
    annotations[key] = value;
    changed = true;
  }
  return changed;
}

/** Sets desired/max replicas on the set (mutating it); true when they changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const annotations = annotationsOf(rs);
  let changed = false;
  if (annotations[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    annotations[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    changed = true;
  }
  if (annotations[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    annotations[MAX_REPLICAS_ANNOTATION] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsFor(deployment: Deployment): { desired: number; max: number } {
  const desired = replicasOf(deployment);
  return { desired, max: desired + maxSurge(deployment) };
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, deployment: Deployment): boolean {
  const { desired, max } = replicasAnnotationsFor(deployment);
  const annotations = rs.metadata?.annotations ?? {};
  return (
    annotations[DESIRED_REPLICAS_ANNOTATION] !== String(desired) ||
    annotations[MAX_REPLICAS_ANNOTATION] !== String(max)
  );
}

/**
 * deploymentutil.SetNewReplicaSetAnnotations (mutating `rs`): copy the Deployment's annotations, raise the
 * revision to `newRevision` when it is higher (recording the old one in revision-history), and for a set being
 * created, its desired/max replicas. True when anything changed.
 */
export function setNewReplicaSetAnnotations(
  deployment: Deployment,
  rs: ReplicaSet,
  newRevision: number,
  exists: boolean,
): boolean {
  let changed = copyDeploymentAnnotations(deployment, rs);
  const annotations = annotationsOf(rs);
  const oldRevision = annotations[REVISION_ANNOTATION];
  if (revisionOf(rs) < newRevision) {
    annotations[REVISION_ANNOTATION] = String(newRevision);
    if (oldRevision) {
      const history = annotations[REVISION_HISTORY_ANNOTATION];
      annotations[REVISION_HISTORY_ANNOTATION] = history ? `${history},${oldRevision}` : oldRevision;
    }
    changed = true;
  }
  if (!exists) {
    const { desired, max } = replicasAnnotationsFor(deployment);
    if (setReplicasAnnotations(rs, desired, max)) changed = true;
  }
  return changed;
}

/** The revision the Deployment should carry, when it differs from the one it has. */
export function deploymentRevisionUpdate(deployment: Deployment, revision: string): string | undefined {
  return deployment.metadata?.annotations?.[REVISION_ANNOTATION] === revision ? undefined : revision;
}
