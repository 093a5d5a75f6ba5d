/**
 * The Deployment controller's loop: Deployment keys are queued on changes to the Deployment, to its
 * ReplicaSets and to the pods those own; each sync replays `reconcileDeployment`'s actions in order and
 * records what the API answered, so the next sync reads its own writes.
 */
import { isAlreadyExists, isConflict, isNotFound } from '../kit/api-errors';
import { type Clients, MERGE_PATCH } from '../kit/clients';
import { PATHS } from '../kit/raw-api';
import { recordDeleteOutcome } from '../kit/delete-outcome';
import type { EventSink } from '../kit/events';
import type { Informer } from '../kit/informer';
import { selectorMatches } from '../kit/labels';
import type { ControllerLogger } from '../kit/logger';
import { controllerRefOf, isControlledBy } from '../kit/owners';
import { isPodActive } from '../kit/pod-state';
import { runWorkers, type Workers } from '../kit/run-workers';
import type { Clock } from '../kit/time';
import { WorkQueue } from '../kit/work-queue';
import { type Deployment, type Pod, type ReplicaSet, keyOf, toWire } from '../kit/wire';
import type { DeploymentAction } from './context';
import { reconcileDeployment } from './reconcile-deployment';
import { equalIgnoreHash } from './template-hash';

export interface DeploymentControllerDeps {
  clients: Clients;
  deployments: Informer<Deployment>;
  replicaSets: Informer<ReplicaSet>;
  pods: Informer<Pod>;
  events: EventSink;
  clock: Clock;
  logger: ControllerLogger;
  workers?: number;
}

const SOURCE = { component: 'deployment-controller' };

export function startDeploymentController(deps: DeploymentControllerDeps): Workers {
  const { clients, deployments, replicaSets, pods, events, clock } = deps;
  const queue = new WorkQueue();

  const enqueueForReplicaSet = (rs: ReplicaSet): void => {
    const namespace = rs.metadata?.namespace ?? '';
    const ref = controllerRefOf(rs);
    if (ref) {
      if (ref.kind === 'Deployment') queue.add(`${namespace}/${ref.name}`);
      return;
    }
    for (const deployment of deployments.store.list(namespace))
      if (selectorMatches(deployment.spec?.selector, rs.metadata?.labels)) queue.add(keyOf(deployment));
  };
  const enqueueForPod = (pod: Pod): void => {
    const ref = controllerRefOf(pod);
    if (ref?.kind !== 'ReplicaSet') return;
    const rs = replicaSets.store.get(pod.metadata?.namespace ?? '', ref.name);
    if (rs) enqueueForReplicaSet(rs);
  };
  deployments.addHandlers({
    add: (d) => queue.add(keyOf(d)),
    update: (d) => queue.add(keyOf(d)),
    delete: (d) => queue.add(keyOf(d)),
  });
  replicaSets.addHandlers({
    add: enqueueForReplicaSet,
    update: (rs, old) => {
      enqueueForReplicaSet(rs);
      if (controllerRefOf(old)?.uid !== controllerRefOf(rs)?.uid) enqueueForReplicaSet(old);
    },
    delete: enqueueForReplicaSet,
  });
  // Pods matter when they stop counting: Recreate waits for old pods, and surge counts active ones.
  pods.addHandlers({
    update: (pod, old) => {
      if (isPodActive(old) && !isPodActive(pod)) enqueueForPod(pod);
    },
    delete: enqueueForPod,
  });

  const execute = async (deployment: Deployment, action: DeploymentAction): Promise<'stop' | void> => {
    const namespace = deployment.metadata?.namespace ?? '';
    const name = deployment.metadata?.name ?? '';
    const regarding = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: deployment.metadata };
    switch (action.type) {
      case 'event':
        events.record({
          regarding,
          type: action.eventType,
          reason: action.reason,
          message: action.message,
          source: SOURCE,
        });
        return;
      case 'adoptReplicaSet':
      case 'releaseReplicaSet': {
        const body = { metadata: { uid: action.rs.metadata?.uid, ownerReferences: action.ownerReferences } };
        const patched = await clients.raw.mergePatch<ReplicaSet>(
          PATHS.replicaSets(namespace, action.rs.metadata?.name ?? ''),
          body,
        );
        replicaSets.store.recordWrite(patched);
        return;
      }
      case 'createReplicaSet':
        try {
          const created = await clients.raw.create<ReplicaSet>(
            PATHS.replicaSets(namespace),
            action.replicaSet,
          );
          replicaSets.store.recordWrite(created);
          return;
        } catch (error) {
          if (!isAlreadyExists(error)) throw error;
          const rsName = action.replicaSet.metadata?.name ?? '';
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
            const patched = await clients.apps.patchNamespacedDeploymentStatus(
              { name, namespace, body },
              MERGE_PATCH,
            );
            deployments.store.recordWrite(toWire(patched) as Deployment);
          }
          return 'stop';
        }
      case 'updateReplicaSet': {
        const body = {
          metadata: {
            ...(action.resourceVersion ? { resourceVersion: action.resourceVersion } : {}),
            ...(action.annotations ? { annotations: action.annotations } : {}),
          },
          spec: {
            ...(action.replicas !== undefined ? { replicas: action.replicas } : {}),
            ...(action.minReadySeconds !== undefined ? { minReadySeconds: action.minReadySeconds } : {}),
          },
        };
        const patched = await clients.raw.mergePatch<ReplicaSet>(
          PATHS.replicaSets(namespace, action.name),
          body,
        );
        replicaSets.store.recordWrite(patched);
        return;
      }
      case 'deleteReplicaSet':
        try {
          const response = await clients.apps.deleteNamespacedReplicaSet({
            name: action.rs.metadata?.name ?? '',
            namespace,
            body: { preconditions: { uid: action.rs.metadata?.uid } },
          });
          recordDeleteOutcome(replicaSets.store, action.rs, response);
        } catch (error) {
          if (!isNotFound(error) && !isConflict(error)) throw error;
        }
        return;
      case 'setDeploymentRevision': {
        const body = { metadata: { annotations: { 'deployment.kubernetes.io/revision': action.revision } } };
        const patched = await clients.raw.mergePatch<Deployment>(PATHS.deployments(namespace, name), body);
        deployments.store.recordWrite(patched);
        return;
      }
      case 'updateStatus': {
        const patched = await clients.raw.mergePatch<Deployment>(
          PATHS.deployments(namespace, name, 'status'),
          action.patch,
        );
        deployments.store.recordWrite(patched);
        return;
      }
    }
  };

  return runWorkers(
    'deployment',
    queue,
    async (key) => {
      const deployment = deployments.store.getByKey(key);
      if (!deployment) return;
      const namespace = deployment.metadata?.namespace ?? '';
      const decision = reconcileDeployment({
        deployment,
        replicaSets: replicaSets.store.list(namespace),
        pods: pods.store.list(namespace),
        now: clock(),
      });
      for (const action of decision.actions) {
        try {
          if ((await execute(deployment, action)) === 'stop') return { requeueAfterMs: 0 };
        } catch (error) {
          // The Deployment itself is gone: nothing left to do for it.
          if (
            isNotFound(error) &&
            (action.type === 'updateStatus' || action.type === 'setDeploymentRevision')
          )
            return;
          throw error;
        }
      }
      if (decision.requeueAfterMs !== undefined) return { requeueAfterMs: decision.requeueAfterMs };
    },
    deps.logger,
    deps.workers ?? 4,
  );
}
