/**
 * Registers the pool's nodes, as each kubelet does for itself, and posts their status as the pool says: when it
 * drifted (the node lifecycle controller marked it Unknown, say) and every `statusReportMs` otherwise. A node
 * whose kubelet is stopped (`local-cluster.cite.dev/kubelet: stopped`) is left alone until it starts again.
 */
import { isAlreadyExists } from '@cite/kube';
import type { ValidatedPool } from '@cite/ip-pool';
import { type Clients, MERGE_PATCH } from '../kit/clients';
import type { EventSink } from '../kit/events';
import type { Informer } from '../kit/informer';
import type { ControllerLogger } from '../kit/logger';
import { runWorkers, type Workers } from '../kit/run-workers';
import type { Clock } from '../kit/time';
import { WorkQueue } from '../kit/work-queue';
import { type Node, asBody, toWire } from '../kit/wire';
import { isKubeletStopped } from '../kubelet/behaviour';
import { type NodeCapacity, desiredNode, nextReportAt, reconcileNode } from './nodes';

export interface NodeControllerDeps {
  clients: Clients;
  nodes: Informer<Node>;
  pool: ValidatedPool;
  capacity: NodeCapacity;
  /** kubelet's nodeStatusReportFrequency: an unchanged status is posted this often. */
  statusReportMs: number;
  events: EventSink;
  clock: Clock;
  logger: ControllerLogger;
}

/** Never look again sooner than this for a report that is due (heartbeats have second precision). */
const MIN_REPORT_WAIT_MS = 1000;

export function startNodeController(deps: NodeControllerDeps): Workers {
  const { clients, nodes, pool, capacity, statusReportMs, events, clock } = deps;
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
      const observed = nodes.store.get('', name);
      if (!poolNode || isKubeletStopped(observed)) return;
      const now = clock();
      for (const action of reconcileNode(desiredNode(poolNode, capacity, now), observed, {
        now,
        statusReportMs,
      })) {
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
        const patched = toWire(
          await clients.core.patchNodeStatus({ name: action.name, body: action.patch }, MERGE_PATCH),
        ) as Node;
        nodes.store.recordWrite(patched);
        if (action.becameReady) recordNodeReady(events, name);
      }
      const current = nodes.store.get('', name);
      const reportAt = current && nextReportAt(current, statusReportMs);
      if (reportAt !== undefined) return { requeueAfterMs: Math.max(MIN_REPORT_WAIT_MS, reportAt - clock()) };
    },
    deps.logger,
  );
}

/** The kubelet's event when its node turns Ready again (kube names the node by its name, uid included). */
function recordNodeReady(events: EventSink, name: string): void {
  events.record({
    regarding: { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: name } },
    type: 'Normal',
    reason: 'NodeReady',
    message: `Node ${name} status is now: NodeReady`,
    source: { component: 'kubelet', host: name },
  });
}
