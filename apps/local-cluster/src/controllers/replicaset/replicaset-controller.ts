/**
 * The ReplicaSet controller's loop: ReplicaSet keys are queued on changes to the set or to any pod it owns
 * (or could adopt); each sync applies `reconcileReplicaSet`'s actions through the executor
 * (replicaset-executor.ts: pods created in slow-start batches, events, the status written once).
 */
import type { Clients } from '../kit/clients';
import type { EventSink } from '../kit/events';
import type { Informer } from '../kit/informer';
import type { ControllerLogger } from '../kit/logger';
import { keyEnqueueHandlers, ownerEnqueueHandlers } from '../kit/owner-enqueue';
import { runWorkers, type Workers } from '../kit/run-workers';
import type { Clock } from '../kit/time';
import { WorkQueue } from '../kit/work-queue';
import type { Pod, ReplicaSet } from '../kit/wire';
import { reconcileReplicaSet } from './reconcile-replicaset';
import { applyReplicaSetDecision } from './replicaset-executor';

export interface ReplicaSetControllerDeps {
  clients: Clients;
  replicaSets: Informer<ReplicaSet>;
  pods: Informer<Pod>;
  events: EventSink;
  clock: Clock;
  logger: ControllerLogger;
  workers?: number;
}

export function startReplicaSetController(deps: ReplicaSetControllerDeps): Workers {
  const { replicaSets, pods, clock } = deps;
  const queue = new WorkQueue();
  replicaSets.addHandlers(keyEnqueueHandlers(queue));
  pods.addHandlers(
    ownerEnqueueHandlers({
      queue,
      ownerKind: 'ReplicaSet',
      owners: replicaSets.store,
      selectorOf: (rs: ReplicaSet) => rs.spec?.selector,
      skipDeletingOrphans: true,
    }),
  );

  return runWorkers(
    'replicaset',
    queue,
    async (key) => {
      const rs = replicaSets.store.getByKey(key);
      if (!rs) return;
      const decision = reconcileReplicaSet(rs, pods.store.list(rs.metadata?.namespace ?? ''), clock());
      await applyReplicaSetDecision(deps, rs, decision);
      if (decision.requeueAfterMs !== undefined) return { requeueAfterMs: decision.requeueAfterMs };
    },
    deps.logger,
    deps.workers ?? 1,
  );
}
