/**
 * Finding or creating the Deployment's new ReplicaSet (dc.getAllReplicaSetsAndSyncRevision / getNewReplicaSet):
 * the set whose template equals the Deployment's (oldest first), named `<deployment>-<pod-template-hash>`;
 * its revision becomes max(old revisions) + 1 when lower (which is how a rollback to an old template gets a new
 * revision), and the Deployment carries the same revision.
 */
import { newControllerRef } from '../kit/owners';
import type { LabelSelector, ReplicaSet } from '../kit/wire';
import {
  type SyncContext,
  activePodCount,
  byCreation,
  event,
  nameOf,
  rsReplicas,
  updateReplicaSet,
} from './context';
import { isRollingUpdate, maxSurge, replicasOf } from './fenceposts';
import { REVISION_ANNOTATION, maxRevision, setNewReplicaSetAnnotations } from './revisions';
import { PROGRESSING, getCondition, hasProgressDeadline, newCondition, setCondition } from './status';
import { POD_TEMPLATE_HASH_LABEL, computeHash, equalIgnoreHash } from './template-hash';

/** The new set: same template (oldest such first), else the set carrying the template's hash name. */
export function findNewReplicaSet(context: SyncContext): ReplicaSet | undefined {
  const deployment = context.deployment;
  const sorted = [...context.replicaSets].sort(byCreation);
  const byTemplate = sorted.find((rs) => equalIgnoreHash(rs.spec?.template, deployment.spec?.template));
  if (byTemplate) return byTemplate;
  const name = `${deployment.metadata?.name}-${computeHash(deployment.spec?.template, deployment.status?.collisionCount)}`;
  return sorted.find((rs) => nameOf(rs) === name);
}

/**
 * deploymentutil.NewRSNewReplicas: how big the new set may be now. For a rolling update the pods already
 * running count as the larger of each set's spec and its active pods, so pods a shrinking set has not yet
 * deleted keep the total within replicas + maxSurge (kube counts specs only and can overshoot briefly).
 */
export function newReplicaSetReplicas(context: SyncContext, allRSs: ReplicaSet[], newRS: ReplicaSet): number {
  const deployment = context.deployment;
  const replicas = replicasOf(deployment);
  if (!isRollingUpdate(deployment)) return replicas;
  const current = allRSs.reduce(
    (total, rs) => total + Math.max(rsReplicas(rs), activePodCount(context, rs)),
    0,
  );
  const maxTotal = replicas + maxSurge(deployment);
  if (current >= maxTotal) return rsReplicas(newRS);
  return rsReplicas(newRS) + Math.max(0, Math.min(maxTotal - current, replicas - rsReplicas(newRS)));
}

function setDeploymentRevision(context: SyncContext, revision: string | undefined): void {
  if (!revision) return;
  const annotations = (context.deployment.metadata ??= {}).annotations ?? {};
  if (annotations[REVISION_ANNOTATION] === revision) return;
  context.deployment.metadata.annotations = { ...annotations, [REVISION_ANNOTATION]: revision };
  const planned = context.actions.find((action) => action.type === 'setDeploymentRevision');
  if (planned && planned.type === 'setDeploymentRevision') planned.revision = revision;
  else context.actions.push({ type: 'setDeploymentRevision', revision });
}

function withHashLabel(selector: LabelSelector | undefined, hash: string): LabelSelector {
  return { ...selector, matchLabels: { ...selector?.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash } };
}

export interface AllReplicaSets {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

export function getAllReplicaSetsAndSyncRevision(
  context: SyncContext,
  createIfMissing: boolean,
): AllReplicaSets {
  const deployment = context.deployment;
  const existing = findNewReplicaSet(context);
  const oldRSs = context.replicaSets.filter((rs) => rs !== existing);
  const newRevision = maxRevision(oldRSs) + 1;
  if (existing) {
    const copy = structuredClone(existing);
    const annotationsChanged = setNewReplicaSetAnnotations(deployment, copy, newRevision, true);
    const minReadySeconds = deployment.spec?.minReadySeconds ?? 0;
    const minReadyChanged = (existing.spec?.minReadySeconds ?? 0) !== minReadySeconds;
    if (annotationsChanged || minReadyChanged) {
      updateReplicaSet(context, existing, {
        annotations: copy.metadata?.annotations ?? {},
        ...(minReadyChanged ? { minReadySeconds } : {}),
      });
    }
    setDeploymentRevision(context, existing.metadata?.annotations?.[REVISION_ANNOTATION]);
    const status = (deployment.status ??= {});
    if (hasProgressDeadline(deployment) && !getCondition(status, PROGRESSING)) {
      const message = `Found new replica set "${nameOf(existing)}"`;
      setCondition(status, newCondition(PROGRESSING, 'True', 'FoundNewReplicaSet', message, context.now));
    }
    return { newRS: existing, oldRSs };
  }
  if (!createIfMissing) return { newRS: undefined, oldRSs };

  const hash = computeHash(deployment.spec?.template, deployment.status?.collisionCount);
  const name = `${deployment.metadata?.name}-${hash}`;
  const taken = context.namespaceReplicaSets.find((rs) => nameOf(rs) === name);
  if (taken) {
    // A set of another owner (or another template) has the name: bump collisionCount so the hash changes.
    const status = (deployment.status ??= {});
    status.collisionCount = (status.collisionCount ?? 0) + 1;
    context.newStatus = { ...status };
    context.retry = true;
    return { newRS: undefined, oldRSs };
  }
  const template = structuredClone(deployment.spec?.template ?? {});
  template.metadata = {
    ...template.metadata,
    labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash },
  };
  const newRS: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: deployment.metadata?.namespace,
      labels: { ...template.metadata.labels },
      ownerReferences: [newControllerRef(deployment, 'apps/v1', 'Deployment')],
    },
    spec: {
      replicas: 0,
      minReadySeconds: deployment.spec?.minReadySeconds ?? 0,
      selector: withHashLabel(deployment.spec?.selector, hash),
      template,
    },
  };
  newRS.spec!.replicas = newReplicaSetReplicas(context, [...oldRSs, newRS], newRS);
  setNewReplicaSetAnnotations(deployment, newRS, newRevision, false);
  context.actions.push({ type: 'createReplicaSet', replicaSet: structuredClone(newRS) });
  context.replicaSets.push(newRS);
  const replicas = rsReplicas(newRS);
  if (replicas > 0)
    event(context, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} from 0 to ${replicas}`);
  setDeploymentRevision(context, String(newRevision));
  if (hasProgressDeadline(deployment)) {
    const message = `Created new replica set "${name}"`;
    setCondition(
      (deployment.status ??= {}),
      newCondition(PROGRESSING, 'True', 'NewReplicaSetCreated', message, context.now),
    );
  }
  return { newRS, oldRSs };
}
