/**
 * Applies one of `reconcileDeployment`'s actions through the API and records each answer in the informers'
 * stores, so the next sync reads its own writes. `createReplicaSet` that finds the name taken by a set that is
 * not this Deployment's (a template-hash collision) bumps `status.collisionCount` and stops the sync.
 */
import { isAlreadyExists } from '@cite/kube';
import { type Clients, MERGE_PATCH } from '../kit/clients';
import type { EventSink } from '../kit/events';
import { deleteGuarded, patchOwnerReferences } from '../kit/guarded-writes';
import type { Informer } from '../kit/informer';
import { isControlledBy } from '../kit/owners';
import { PATHS } from '../kit/raw-api';
import { type Deployment, type ReplicaSet, toWire } from '../kit/wire';
import type { DeploymentAction } from './context';
import { equalIgnoreHash } from './template-hash';

export interface DeploymentExecutorDeps {
  clients: Clients;
  deployments: Informer<Deployment>;
  replicaSets: Informer<ReplicaSet>;
  events: EventSink;
}

/** `stop`: end this sync here and run it again (the next template hash differs). */
export type DeploymentExecute = (deployment: Deployment, action: DeploymentAction) => Promise<'stop' | void>;

const SOURCE = { component: 'deployment-controller' };

export function deploymentExecutor(deps: DeploymentExecutorDeps): DeploymentExecute {
  const { clients, deployments, replicaSets, events } = deps;
  return async (deployment, action) => {
    const namespace = deployment.metadata?.namespace ?? '';
    const name = deployment.metadata?.name ?? '';
    switch (action.type) {
      case 'event': {
        const regarding = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: deployment.metadata };
        const { eventType: type, reason, message } = action;
        events.record({ regarding, type, reason, message, source: SOURCE });
        return;
      }
      case 'adoptReplicaSet':
      case 'releaseReplicaSet':
        await patchOwnerReferences(
          replicaSets.store,
          action.rs,
          action.ownerReferences,
          (body) =>
            clients.raw.mergePatch(PATHS.replicaSets(namespace, action.rs.metadata?.name ?? ''), body),
          { resourceVersion: false },
        );
        return;
      case 'createReplicaSet':
        return createReplicaSet(deps, deployment, action.replicaSet);
      case 'updateReplicaSet': {
        const { resourceVersion, annotations, replicas, minReadySeconds } = action;
        const body = {
          metadata: {
            ...(resourceVersion ? { resourceVersion } : {}),
            ...(annotations ? { annotations } : {}),
          },
          spec: {
            ...(replicas !== undefined ? { replicas } : {}),
            ...(minReadySeconds !== undefined ? { minReadySeconds } : {}),
          },
        };
        const path = PATHS.replicaSets(namespace, action.name);
        replicaSets.store.recordWrite(await clients.raw.mergePatch<ReplicaSet>(path, body));
        return;
      }
      case 'deleteReplicaSet':
        await deleteGuarded(replicaSets.store, action.rs, (body) =>
          clients.apps.deleteNamespacedReplicaSet({ name: action.rs.metadata?.name ?? '', namespace, body }),
        );
        return;
      case 'setDeploymentRevision': {
        const body = { metadata: { annotations: { 'deployment.kubernetes.io/revision': action.revision } } };
        deployments.store.recordWrite(
          await clients.raw.mergePatch<Deployment>(PATHS.deployments(namespace, name), body),
        );
        return;
      }
      case 'updateStatus':
        deployments.store.recordWrite(
          await clients.raw.mergePatch<Deployment>(
            PATHS.deployments(namespace, name, 'status'),
            action.patch,
          ),
        );
        return;
    }
  };
}

/** Creates the new ReplicaSet; on a name already taken, records the taker and tells a collision apart. */
async function createReplicaSet(
  deps: DeploymentExecutorDeps,
  deployment: Deployment,
  replicaSet: ReplicaSet,
): Promise<'stop' | void> {
  const { clients, deployments, replicaSets } = deps;
  const namespace = deployment.metadata?.namespace ?? '';
  try {
    replicaSets.store.recordWrite(
      await clients.raw.create<ReplicaSet>(PATHS.replicaSets(namespace), replicaSet),
    );
    return;
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
  const rsName = replicaSet.metadata?.name ?? '';
  const existing = toWire(
    await clients.apps.readNamespacedReplicaSet({ name: rsName, namespace }),
  ) as ReplicaSet;
  replicaSets.store.recordWrite(existing);
  const ours =
    isControlledBy(existing, deployment.metadata?.uid) &&
    equalIgnoreHash(existing.spec?.template, deployment.spec?.template);
  if (!ours) {
    // A hash collision: the next template hash includes a higher collisionCount.
    const body = { status: { collisionCount: (deployment.status?.collisionCount ?? 0) + 1 } };
    const name = deployment.metadata?.name ?? '';
    const patched = await clients.apps.patchNamespacedDeploymentStatus(
      { name, namespace, body },
      MERGE_PATCH,
    );
    deployments.store.recordWrite(toWire(patched) as Deployment);
  }
  return 'stop';
}
