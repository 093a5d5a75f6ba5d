/**
 * The node lifecycle controller's loop: node names are queued when a node or its Lease changes, and again when
 * its grace period runs out; each pass brings the node's health up to date (node-health.ts), applies
 * `reconcileNodeLifecycle` (conditions Unknown, NodeNotReady, taints) and marks the node's pods NotReady on the
 * transition. Kube polls every node each nodeMonitorPeriod (5 s); here a node is looked at when something
 * changed or when it would go stale, so the grace period is kept to the millisecond.
 */
import type { Clients } from '../kit/clients';
import type { EventSink } from '../kit/events';
import type { Informer } from '../kit/informer';
import type { ControllerLogger } from '../kit/logger';
import { NODE_LEASE_NAMESPACE } from '../kit/raw-api';
import { runWorkers, type Workers } from '../kit/run-workers';
import { nodeCondition } from '../kit/taints';
import type { Clock } from '../kit/time';
import { WorkQueue } from '../kit/work-queue';
import type { Lease, Node, Pod } from '../kit/wire';
import { type NodeHealth, observeNodeHealth } from './node-health';
import { nodeLifecycleExecutor } from './node-lifecycle-executor';
import { noExecuteTaintingFor, reconcileNodeLifecycle } from './reconcile-node-lifecycle';

export interface NodeLifecycleDeps {
  clients: Clients;
  nodes: Informer<Node>;
  leases: Informer<Lease>;
  pods: Informer<Pod>;
  events: EventSink;
  /** nodeMonitorGracePeriod. */
  gracePeriodMs: number;
  clock: Clock;
  logger: ControllerLogger;
}

export function startNodeLifecycleController(deps: NodeLifecycleDeps): Workers {
  const { nodes, leases, pods, clock, gracePeriodMs } = deps;
  const queue = new WorkQueue();
  const health = new Map<string, NodeHealth>();
  /** Nodes whose pods could not all be marked NotReady (kube's nodesToRetry). */
  const retry = new Set<string>();
  const enqueueAll = (): void => {
    for (const node of nodes.store.list()) queue.add(node.metadata?.name ?? '');
  };
  nodes.addHandlers({
    add: (node) => queue.add(node.metadata?.name ?? ''),
    update: (node, old) => {
      // A node's readiness changes every zone's disruption, so every node's NoExecute tainting.
      if (nodeCondition(node, 'Ready')?.status !== nodeCondition(old, 'Ready')?.status) enqueueAll();
      else queue.add(node.metadata?.name ?? '');
    },
    delete: (node) => {
      health.delete(node.metadata?.name ?? '');
      retry.delete(node.metadata?.name ?? '');
      enqueueAll();
    },
  });
  const onLease = (lease: Lease): void => {
    if (lease.metadata?.namespace === NODE_LEASE_NAMESPACE) queue.add(lease.metadata?.name ?? '');
  };
  leases.addHandlers({ add: onLease, update: onLease });
  const executor = nodeLifecycleExecutor(deps);

  return runWorkers(
    'node-lifecycle',
    queue,
    async (name) => {
      let node = nodes.store.get('', name);
      if (!node) {
        health.delete(name);
        return;
      }
      const now = clock();
      const observed = observeNodeHealth(
        health.get(name),
        node,
        leases.store.get(NODE_LEASE_NAMESPACE, name),
        now,
      );
      health.set(name, observed);
      const decision = reconcileNodeLifecycle({
        node,
        health: observed,
        now,
        gracePeriodMs,
        noExecute: noExecuteTaintingFor(node, nodes.store.list()),
        retryMarkPods: retry.has(name),
      });
      if (decision.conditions) {
        const written = await executor.writeConditions(node, decision.conditions);
        if (!written) return;
        node = written;
      }
      if (decision.notReadyEvent) executor.recordNodeNotReady(node);
      if (decision.taints && !(await executor.writeTaints(node, decision.taints))) return;
      if (decision.markPodsNotReady) {
        retry.add(name);
        for (const pod of pods.store.byIndex('node', name)) await executor.markPodNotReady(pod);
        retry.delete(name);
      }
      // Strictly after the deadline: a node is stale once more than the grace period has passed.
      if (decision.staleAt !== undefined) return { requeueAfterMs: decision.staleAt - clock() + 1 };
    },
    deps.logger,
  );
}
