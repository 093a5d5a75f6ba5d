/**
 * The kubelets' heartbeats: for every pool node whose kubelet runs, its Lease in kube-node-lease is created if
 * absent and renewed every `heartbeatMs` (PUT with the resourceVersion held, as the kubelet updates it; a
 * conflict is retried from the watched copy). A stopped kubelet renews nothing; starting it renews at once.
 */
import { isAlreadyExists, isNotFound } from '@cite/kube';
import type { ValidatedPool } from '@cite/ip-pool';
import type { Clients } from '../kit/clients';
import type { Informer } from '../kit/informer';
import type { ControllerLogger } from '../kit/logger';
import { NODE_PATHS } from '../kit/raw-api';
import { runWorkers, type Workers } from '../kit/run-workers';
import type { Clock } from '../kit/time';
import { WorkQueue } from '../kit/work-queue';
import type { Lease, Node } from '../kit/wire';
import { isKubeletStopped } from '../kubelet/behaviour';
import { reconcileNodeLease } from './node-lease';

export interface NodeLeaseDeps {
  clients: Clients;
  nodes: Informer<Node>;
  leases: Informer<Lease>;
  pool: ValidatedPool;
  heartbeatMs: number;
  clock: Clock;
  logger: ControllerLogger;
}

export function startNodeLeases(deps: NodeLeaseDeps): Workers {
  const { clients, nodes, leases, pool, heartbeatMs, clock } = deps;
  const queue = new WorkQueue();
  const poolNodes = new Set(pool.nodes.map((node) => node.name));
  const enqueue = (object: Node | Lease): void => {
    const name = object.metadata?.name ?? '';
    if (poolNodes.has(name)) queue.add(name);
  };
  nodes.addHandlers({ add: enqueue, update: enqueue });
  leases.addHandlers({ delete: enqueue });
  for (const name of poolNodes) queue.add(name);

  return runWorkers(
    'node-lease',
    queue,
    async (name) => {
      const node = nodes.store.get('', name);
      if (isKubeletStopped(node)) return;
      const observed = leases.store.get('kube-node-lease', name);
      const decision = reconcileNodeLease({ nodeName: name, node, observed, now: clock(), heartbeatMs });
      const action = decision.action;
      if (action?.type === 'create') {
        try {
          leases.store.recordWrite(await clients.raw.create<Lease>(NODE_PATHS.lease(), action.lease));
        } catch (error) {
          if (!isAlreadyExists(error)) throw error;
          // Created already and the watch has not shown it yet: look again shortly.
          return { requeueAfterMs: 200 };
        }
      } else if (action?.type === 'renew') {
        try {
          leases.store.recordWrite(await clients.raw.replace<Lease>(NODE_PATHS.lease(name), action.lease));
        } catch (error) {
          if (!isNotFound(error)) throw error;
          if (observed) leases.store.recordDeleted(observed);
          return { requeueAfterMs: 0 };
        }
      }
      return { requeueAfterMs: Math.max(0, decision.renewAt - clock()) };
    },
    deps.logger,
  );
}
