/**
 * The Deployment controller's loop: Deployment keys are queued on changes to the Deployment, to its
 * ReplicaSets and to the pods those own; each sync replays `reconcileDeployment`'s actions in order through
 * the executor (deployment-executor.ts), which records what the API answered, so the next sync reads its own
 * writes.
 */
import { isNotFound } from '@cite/kube';
import type { Clients } from '../kit/clients';
import type { EventSink } from '../kit/events';
import type { Informer } from '../kit/informer';
import type { ControllerLogger } from '../kit/logger';
import { keyEnqueueHandlers, ownerEnqueueHandlers, ownerEnqueuer } from '../kit/owner-enqueue';
import { controllerRefOf } from '../kit/owners';
import { isPodActive } from '../kit/pod-state';
import { runWorkers, type Workers } from '../kit/run-workers';
import type { Clock } from '../kit/time';
import { WorkQueue } from '../kit/work-queue';
import type { Deployment, Pod, ReplicaSet } from '../kit/wire';
import { deploymentExecutor } from './deployment-executor';
import { reconcileDeployment } from './reconcile-deployment';

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

export function startDeploymentController(deps: DeploymentControllerDeps): Workers {
  const { deployments, replicaSets, pods, clock } = deps;
  const queue = new WorkQueue();
  const owners = {
    queue,
    ownerKind: 'Deployment',
    owners: deployments.store,
    selectorOf: (deployment: Deployment) => deployment.spec?.selector,
  };
  const enqueueForReplicaSet = ownerEnqueuer(owners);
  const enqueueForPod = (pod: Pod): void => {
    const ref = controllerRefOf(pod);
    if (ref?.kind !== 'ReplicaSet') return;
    const rs = replicaSets.store.get(pod.metadata?.namespace ?? '', ref.name);
    if (rs) enqueueForReplicaSet(rs);
  };
  deployments.addHandlers(keyEnqueueHandlers(queue));
  replicaSets.addHandlers(ownerEnqueueHandlers(owners));
  // Pods matter when they stop counting: Recreate waits for old pods, and surge counts active ones.
  pods.addHandlers({
    update: (pod, old) => {
      if (isPodActive(old) && !isPodActive(pod)) enqueueForPod(pod);
    },
    delete: enqueueForPod,
  });

  const execute = deploymentExecutor(deps);
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
          const ofDeployment = action.type === 'updateStatus' || action.type === 'setDeploymentRevision';
          if (isNotFound(error) && ofDeployment) return;
          throw error;
        }
      }
      if (decision.requeueAfterMs !== undefined) return { requeueAfterMs: decision.requeueAfterMs };
    },
    deps.logger,
    deps.workers ?? 4,
  );
}
