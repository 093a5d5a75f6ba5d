/**
 * The Deployment controller's decision for one Deployment (kube's syncDeployment), pure: claim ReplicaSets
 * (adopt matching orphans, release owned sets that stopped matching), then by state — being deleted: status
 * only; paused or rescaled: scale; otherwise roll out by strategy — and finally the status, written only if
 * it changed, and when to look again for the progress deadline.
 */
import { selectorIsEmpty, selectorMatches } from '../kit/labels';
import { controllerRefOf, newControllerRef, withControllerRef, withoutOwner } from '../kit/owners';
import { statusPatch } from '../kit/status-fields';
import type { Deployment, Pod, ReplicaSet } from '../kit/wire';
import {
  DEPLOYMENT_STATUS_FIELDS,
  type DeploymentAction,
  type DeploymentStatus,
  type SyncContext,
  event,
} from './context';
import { isRollingUpdate } from './fenceposts';
import { getAllReplicaSetsAndSyncRevision } from './new-replicaset';
import { rolloutRecreate } from './recreate';
import { rolloutRolling } from './rolling';
import { isScalingEvent, syncScale } from './scale';
import { checkPausedConditions, progressCheckAfterMs, syncDeploymentStatus } from './status';

export interface DeploymentInput {
  deployment: Deployment;
  /** Every ReplicaSet in the Deployment's namespace. */
  replicaSets: ReplicaSet[];
  /** Every pod in the Deployment's namespace. */
  pods: Pod[];
  now: number;
}

export interface DeploymentDecision {
  actions: DeploymentAction[];
  requeueAfterMs?: number;
}

function claimReplicaSets(input: DeploymentInput, actions: DeploymentAction[]): ReplicaSet[] {
  const { deployment } = input;
  const uid = deployment.metadata?.uid;
  const deleting = Boolean(deployment.metadata?.deletionTimestamp);
  const owned: ReplicaSet[] = [];
  for (const rs of input.replicaSets) {
    const ref = controllerRefOf(rs);
    const matches = selectorMatches(deployment.spec?.selector, rs.metadata?.labels);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches || deleting) owned.push(structuredClone(rs));
      else actions.push({ type: 'releaseReplicaSet', rs, ownerReferences: withoutOwner(rs, uid ?? '') });
    } else if (matches && !deleting && !rs.metadata?.deletionTimestamp) {
      const ownerReferences = withControllerRef(rs, newControllerRef(deployment, 'apps/v1', 'Deployment'));
      actions.push({ type: 'adoptReplicaSet', rs, ownerReferences });
      owned.push({ ...structuredClone(rs), metadata: { ...structuredClone(rs.metadata), ownerReferences } });
    }
  }
  return owned;
}

function podsByReplicaSet(replicaSets: ReplicaSet[], pods: Pod[]): Map<string, Pod[]> {
  const uids = new Set(replicaSets.map((rs) => rs.metadata?.uid ?? ''));
  const map = new Map<string, Pod[]>();
  for (const pod of pods) {
    const owner = controllerRefOf(pod)?.uid;
    if (!owner || !uids.has(owner)) continue;
    const list = map.get(owner);
    if (list) list.push(pod);
    else map.set(owner, [pod]);
  }
  return map;
}

/** Plans the status write, unless the status already says it (zero counts equal missing ones). */
function pushStatus(actions: DeploymentAction[], observed: DeploymentStatus, status: DeploymentStatus): void {
  const patch = statusPatch(
    observed as Record<string, unknown>,
    status as Record<string, unknown>,
    DEPLOYMENT_STATUS_FIELDS,
  );
  if (patch) actions.push({ type: 'updateStatus', status, patch });
}

export function reconcileDeployment(input: DeploymentInput): DeploymentDecision {
  const actions: DeploymentAction[] = [];
  const deployment = structuredClone(input.deployment);
  const observedStatus = input.deployment.status ?? {};
  const replicaSets = claimReplicaSets(input, actions);
  const context: SyncContext = {
    deployment,
    replicaSets,
    namespaceReplicaSets: input.replicaSets,
    podsByReplicaSet: podsByReplicaSet(replicaSets, input.pods),
    now: input.now,
    actions,
  };

  if (selectorIsEmpty(deployment.spec?.selector)) {
    event(
      context,
      'Warning',
      'SelectingAll',
      'This deployment is selecting all pods. A non-empty selector is required.',
    );
    const generation = deployment.metadata?.generation ?? 0;
    if ((observedStatus.observedGeneration ?? 0) < generation)
      pushStatus(actions, observedStatus, { ...observedStatus, observedGeneration: generation });
    return { actions };
  }

  if (deployment.metadata?.deletionTimestamp) {
    const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(context, false);
    syncDeploymentStatus(context, newRS ? [...oldRSs, newRS] : oldRSs, newRS);
  } else {
    checkPausedConditions(context);
    if (deployment.spec?.paused || isScalingEvent(context)) syncScale(context);
    else if (isRollingUpdate(deployment)) rolloutRolling(context);
    else rolloutRecreate(context);
  }

  const finalStatus = context.newStatus ?? deployment.status ?? {};
  pushStatus(actions, observedStatus, finalStatus);
  if (context.retry) return { actions, requeueAfterMs: 0 };
  const after = progressCheckAfterMs(context, finalStatus);
  return after === undefined ? { actions } : { actions, requeueAfterMs: after };
}
