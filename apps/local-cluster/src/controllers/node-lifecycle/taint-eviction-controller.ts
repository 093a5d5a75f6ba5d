/**
 * The taint eviction controller's loop (with the pod GC's gcTerminating in the same pass): pod keys are queued
 * when a bound pod is added or changes, and for every pod of a node whose NoExecute taints or readiness change.
 * A pod that tolerates the taints for a while waits in the queue until its time (`evictionDecision`); one being
 * deleted on a node no kubelet serves is force-deleted (`forceDeleteTerminating`). Kube's pod GC looks every
 * 20 s; here a pod is looked at as soon as it or its node changes.
 */
import type { Clients } from '../kit/clients';
import type { EventSink } from '../kit/events';
import type { Informer } from '../kit/informer';
import type { ControllerLogger } from '../kit/logger';
import { runWorkers, type Workers } from '../kit/run-workers';
import { semanticEqual } from '../kit/semantic';
import { nodeCondition, taintsWithEffect } from '../kit/taints';
import type { Clock } from '../kit/time';
import { WorkQueue } from '../kit/work-queue';
import { type Node, type Pod, keyOf } from '../kit/wire';
import { nodeLifecycleExecutor } from './node-lifecycle-executor';
import { evictionDecision, forceDeleteTerminating } from './reconcile-taint-eviction';

export interface TaintEvictionDeps {
  clients: Clients;
  nodes: Informer<Node>;
  pods: Informer<Pod>;
  events: EventSink;
  clock: Clock;
  logger: ControllerLogger;
  /** Pods worked on at once (kube: 8). @defaultValue 4 */
  workers?: number;
}

export function startTaintEvictionController(deps: TaintEvictionDeps): Workers {
  const { nodes, pods, clock } = deps;
  const queue = new WorkQueue();
  /** Pods waiting for their eviction: key → uid and when the wait began (kube's scheduled evictions). */
  const scheduled = new Map<string, { uid: string; since: number }>();
  const enqueuePod = (pod: Pod): void => {
    if (pod.spec?.nodeName) queue.add(keyOf(pod));
  };
  const enqueueNode = (node: Node): void => {
    for (const pod of pods.store.byIndex('node', node.metadata?.name ?? '')) queue.add(keyOf(pod));
  };
  pods.addHandlers({
    add: enqueuePod,
    update: (pod, old) => {
      if (
        pod.spec?.nodeName !== old.spec?.nodeName ||
        Boolean(pod.metadata?.deletionTimestamp) !== Boolean(old.metadata?.deletionTimestamp) ||
        !semanticEqual(pod.spec?.tolerations, old.spec?.tolerations)
      )
        enqueuePod(pod);
    },
    delete: (pod) => scheduled.delete(keyOf(pod)),
  });
  nodes.addHandlers({
    add: enqueueNode,
    update: (node, old) => {
      const noExecute = (n: Node) => taintsWithEffect(n, 'NoExecute');
      if (
        !semanticEqual(noExecute(node), noExecute(old)) ||
        nodeCondition(node, 'Ready')?.status !== nodeCondition(old, 'Ready')?.status
      )
        enqueueNode(node);
    },
  });
  const executor = nodeLifecycleExecutor(deps);

  return runWorkers(
    'taint-eviction',
    queue,
    async (key) => {
      const pod = pods.store.getByKey(key);
      if (!pod) {
        scheduled.delete(key);
        return;
      }
      const node = nodes.store.get('', pod.spec?.nodeName ?? '');
      if (pod.metadata?.deletionTimestamp) {
        scheduled.delete(key);
        if (forceDeleteTerminating(pod, node)) await executor.forceDelete(pod);
        return;
      }
      const uid = pod.metadata?.uid ?? '';
      const waiting = scheduled.get(key);
      const now = clock();
      const decision = evictionDecision({
        pod,
        taints: taintsWithEffect(node, 'NoExecute'),
        since: waiting?.uid === uid ? waiting.since : undefined,
        now,
      });
      if (decision.type === 'wait') {
        scheduled.set(key, { uid, since: decision.since });
        return { requeueAfterMs: decision.at - now };
      }
      if (decision.type === 'evict') await executor.evict(pod);
      else if (waiting?.uid === uid) executor.recordEvictionCancelled(pod);
      // Kept until the eviction is done, so a retry after a failed write does not wait all over again.
      scheduled.delete(key);
    },
    deps.logger,
    deps.workers ?? 4,
  );
}
