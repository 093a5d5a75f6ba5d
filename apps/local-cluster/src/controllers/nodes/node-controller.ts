/** Registers the pool's nodes, as each kubelet does for itself, and keeps their status as the pool says. */
import { isAlreadyExists } from '@cite/kube';
import type { ValidatedPool } from '@cite/ip-pool';
import { type Clients, MERGE_PATCH } from '../kit/clients';
import type { Informer } from '../kit/informer';
import type { ControllerLogger } from '../kit/logger';
import { runWorkers, type Workers } from '../kit/run-workers';
import type { Clock } from '../kit/time';
import { WorkQueue } from '../kit/work-queue';
import { type Node, asBody, toWire } from '../kit/wire';
import { type NodeCapacity, desiredNode, reconcileNode } from './nodes';

export interface NodeControllerDeps {
  clients: Clients;
  nodes: Informer<Node>;
  pool: ValidatedPool;
  capacity: NodeCapacity;
  clock: Clock;
  logger: ControllerLogger;
}

export function startNodeController(deps: NodeControllerDeps): Workers {
  const { clients, nodes, pool, capacity, clock } = deps;
  const queue = new WorkQueue();
  const poolNodes = new Map(pool.nodes.map((node) => [node.name, node]));
  const enqueue = (node: Node): void => {
    const name = node.metadata?.name ?? '';
    if (poolNodes.has(name)) queue.add(name);
  };
  nodes.addHandlers({ update: enqueue, delete: enqueue });
  for (const name of poolNodes.keys()) queue.add(name);

  return runWorkers(
    'nodes',
    queue,
    async (name) => {
      const poolNode = poolNodes.get(name);
      if (!poolNode) return;
      for (const action of reconcileNode(
        desiredNode(poolNode, capacity, clock()),
        nodes.store.get('', name),
      )) {
        if (action.type === 'create') {
          try {
            nodes.store.recordWrite(
              toWire(await clients.core.createNode({ body: asBody(action.node) })) as Node,
            );
          } catch (error) {
            if (!isAlreadyExists(error)) throw error;
            // Registered already, and the watch has not shown it yet: look again shortly.
            return { requeueAfterMs: 200 };
          }
          // The server may drop status on create; the next pass patches it in.
          return { requeueAfterMs: 0 };
        }
        const patched = await clients.core.patchNodeStatus(
          { name: action.name, body: action.patch },
          MERGE_PATCH,
        );
        nodes.store.recordWrite(toWire(patched) as Node);
      }
    },
    deps.logger,
  );
}
