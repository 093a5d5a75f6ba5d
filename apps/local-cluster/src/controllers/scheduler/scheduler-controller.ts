/**
 * The scheduler's loop: pending pods are queued by key; each is placed with `schedulePod` against the nodes
 * and the pods the cache (plus this process's assumed bindings) puts on them, then bound through
 * `pods/binding` (or, where the server has no binding endpoint, by setting spec.nodeName). A pod that fits
 * nowhere gets PodScheduled=False/Unschedulable and a FailedScheduling event, and waits for the cluster to
 * change (a node added or updated, a pod gone or finished) or for a periodic retry.
 */
import { isConflict, isNotFound, isUnsupported } from '../kit/api-errors';
import { type Clients, MERGE_PATCH } from '../kit/clients';
import { PATHS } from '../kit/raw-api';
import type { EventSink } from '../kit/events';
import type { Informer } from '../kit/informer';
import type { ControllerLogger } from '../kit/logger';
import { isTerminal } from '../kit/resources';
import { runWorkers, type Workers } from '../kit/run-workers';
import { type Clock, rfc3339 } from '../kit/time';
import { WorkQueue } from '../kit/work-queue';
import { type Node, type Pod, keyOf } from '../kit/wire';
import { type NodeInfo, needsScheduling, schedulePod, unschedulableConditions } from './schedule';

export const SCHEDULER_NAME = 'default-scheduler';
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
  const { clients, pods, nodes, events, clock } = deps;
  const queue = new WorkQueue();
  const parked = new Set<string>();
  let bindingSupported = true;

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
      if (
        (pod.metadata?.deletionTimestamp && !old.metadata?.deletionTimestamp) ||
        (isTerminal(pod) && !isTerminal(old))
      )
        retryParked();
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

  const bind = async (pod: Pod, nodeName: string): Promise<void> => {
    const namespace = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    if (bindingSupported) {
      try {
        await clients.raw.create(PATHS.pods(namespace, name, 'binding'), {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name, namespace, uid: pod.metadata?.uid },
          target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
        });
        return;
      } catch (error) {
        if (!isUnsupported(error)) throw error;
        // 404 also means the pod is gone; only a pod that is still there proves the endpoint missing.
        try {
          await clients.core.readNamespacedPod({ name, namespace });
        } catch (readError) {
          if (isNotFound(readError)) throw error;
        }
        bindingSupported = false;
        deps.logger.info('no pods/binding endpoint: binding by setting spec.nodeName');
      }
    }
    const body = { metadata: { resourceVersion: pod.metadata?.resourceVersion }, spec: { nodeName } };
    await clients.core.patchNamespacedPod({ name, namespace, body }, MERGE_PATCH);
  };

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
      const regarding = { apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata };
      const source = { component: SCHEDULER_NAME };
      if (result.type === 'bind') {
        try {
          await bind(pod, result.nodeName);
        } catch (error) {
          if (isNotFound(error)) return;
          // Already bound by someone else: the watch will tell.
          if (isConflict(error)) return { requeueAfterMs: 100 };
          throw error;
        }
        parked.delete(key);
        pods.store.recordAssumed({
          ...pod,
          spec: { ...pod.spec, containers: pod.spec?.containers ?? [], nodeName: result.nodeName },
        });
        const message = `Successfully assigned ${pod.metadata?.namespace}/${pod.metadata?.name} to ${result.nodeName}`;
        events.record({ regarding, type: 'Normal', reason: 'Scheduled', message, source });
        return;
      }
      events.record({
        regarding,
        type: 'Warning',
        reason: 'FailedScheduling',
        message: result.message,
        source,
      });
      const status = unschedulableConditions(pod, result.message, rfc3339(clock()));
      if (status) {
        try {
          const patched = await clients.raw.mergePatch<Pod>(
            PATHS.pods(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', 'status'),
            { status },
          );
          pods.store.recordWrite(patched);
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      }
      parked.add(key);
      return { requeueAfterMs: UNSCHEDULABLE_RETRY_MS };
    },
    deps.logger,
  );
}
