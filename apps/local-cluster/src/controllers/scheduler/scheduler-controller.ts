/**
 * The scheduler's loop: pending pods are queued by key; each is placed with `schedulePod` against the nodes
 * and the pods the cache (plus this process's assumed bindings) puts on them, then bound through the executor
 * (scheduler-executor.ts). A pod that fits nowhere gets PodScheduled=False/Unschedulable and a
 * FailedScheduling event, and waits for the cluster to change (a node added or updated, a pod gone or
 * finished) or for a periodic retry.
 */
import type { Clients } from '../kit/clients';
import type { EventSink } from '../kit/events';
import type { Informer } from '../kit/informer';
import type { ControllerLogger } from '../kit/logger';
import { isTerminal } from '../kit/resources';
import { runWorkers, type Workers } from '../kit/run-workers';
import type { Clock } from '../kit/time';
import { WorkQueue } from '../kit/work-queue';
import { type Node, type Pod, keyOf } from '../kit/wire';
import { type NodeInfo, needsScheduling, schedulePod } from './schedule';
import { schedulerExecutor } from './scheduler-executor';

/** How long an unschedulable pod waits before it is tried again when nothing in the cluster changed. */
const UNSCHEDULABLE_RETRY_MS = 15_000;

export interface SchedulerDeps {
  clients: Clients;
  pods: Informer<Pod>;
  nodes: Informer<Node>;
  events: EventSink;
  clock: Clock;
  logger: ControllerLogger;
}

export function startScheduler(deps: SchedulerDeps): Workers {
  const { pods, nodes } = deps;
  const queue = new WorkQueue();
  const parked = new Set<string>();
  const retryParked = (): void => {
    for (const key of parked) queue.add(key);
    parked.clear();
  };
  const onPod = (pod: Pod): void => {
    if (needsScheduling(pod)) queue.add(keyOf(pod));
  };
  pods.addHandlers({
    add: onPod,
    update: (pod, old) => {
      onPod(pod);
      // Capacity freed: a pod started terminating or finished.
      const terminating = pod.metadata?.deletionTimestamp && !old.metadata?.deletionTimestamp;
      if (terminating || (isTerminal(pod) && !isTerminal(old))) retryParked();
    },
    delete: (pod) => {
      parked.delete(keyOf(pod));
      if (pod.spec?.nodeName) retryParked();
    },
  });
  nodes.addHandlers({ add: retryParked, update: retryParked });

  const nodeInfos = (exclude: string): NodeInfo[] =>
    nodes.store.list().map((node) => ({
      node,
      pods: pods.store
        .byIndex('node', node.metadata?.name ?? '')
        .filter((pod) => !isTerminal(pod) && keyOf(pod) !== exclude),
    }));
  const scheduler = schedulerExecutor(deps);
  return runWorkers(
    'scheduler',
    queue,
    async (key) => {
      const pod = pods.store.getByKey(key);
      if (!pod || !needsScheduling(pod)) {
        parked.delete(key);
        return;
      }
      const result = schedulePod(pod, nodeInfos(key));
      if (result.type === 'bind') {
        const outcome = await scheduler.bind(pod, result.nodeName);
        if (outcome === 'bound') parked.delete(key);
        return typeof outcome === 'object' ? outcome : undefined;
      }
      await scheduler.reportUnschedulable(pod, result.message);
      parked.add(key);
      return { requeueAfterMs: UNSCHEDULABLE_RETRY_MS };
    },
    deps.logger,
  );
}
