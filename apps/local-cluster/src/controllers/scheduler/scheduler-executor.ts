/**
 * What the scheduler does through the API: bind a pod through `pods/binding` (or, where the server has no
 * binding endpoint, by setting spec.nodeName) and record Scheduled; or, for a pod that fits nowhere, record
 * FailedScheduling and write PodScheduled=False/Unschedulable.
 */
import { isConflict, isNotFound, isUnsupported } from '@cite/kube';
import { type Clients, MERGE_PATCH } from '../kit/clients';
import type { EventSink, EventSpec } from '../kit/events';
import type { Informer } from '../kit/informer';
import type { ControllerLogger } from '../kit/logger';
import { PATHS } from '../kit/raw-api';
import type { ReconcileResult } from '../kit/run-workers';
import { type Clock, rfc3339 } from '../kit/time';
import type { Pod } from '../kit/wire';
import { unschedulableConditions } from './schedule';

export const SCHEDULER_NAME = 'default-scheduler';

export interface SchedulerExecutorDeps {
  clients: Clients;
  pods: Informer<Pod>;
  events: EventSink;
  clock: Clock;
  logger: ControllerLogger;
}

export interface SchedulerExecutor {
  /** Binds `pod` to `nodeName`: `bound`, `gone` (the pod was deleted) or a retry (bound by someone else). */
  bind(pod: Pod, nodeName: string): Promise<'bound' | 'gone' | ReconcileResult>;
  /** Records why `pod` fits nowhere, as an event and in its PodScheduled condition. */
  reportUnschedulable(pod: Pod, message: string): Promise<void>;
}

export function schedulerExecutor(deps: SchedulerExecutorDeps): SchedulerExecutor {
  const { clients, pods, events, clock } = deps;
  let bindingSupported = true;
  const record = (pod: Pod, type: EventSpec['type'], reason: string, message: string): void => {
    const regarding = { apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata };
    events.record({ regarding, type, reason, message, source: { component: SCHEDULER_NAME } });
  };

  const post = async (pod: Pod, nodeName: string): Promise<void> => {
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

  return {
    async bind(pod, nodeName) {
      try {
        await post(pod, nodeName);
      } catch (error) {
        if (isNotFound(error)) return 'gone';
        // Already bound by someone else: the watch will tell.
        if (isConflict(error)) return { requeueAfterMs: 100 };
        throw error;
      }
      pods.store.recordAssumed({
        ...pod,
        spec: { ...pod.spec, containers: pod.spec?.containers ?? [], nodeName },
      });
      record(
        pod,
        'Normal',
        'Scheduled',
        `Successfully assigned ${pod.metadata?.namespace}/${pod.metadata?.name} to ${nodeName}`,
      );
      return 'bound';
    },
    async reportUnschedulable(pod, message) {
      record(pod, 'Warning', 'FailedScheduling', message);
      const status = unschedulableConditions(pod, message, rfc3339(clock()));
      if (!status) return;
      try {
        const path = PATHS.pods(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', 'status');
        pods.store.recordWrite(await clients.raw.mergePatch<Pod>(path, { status }));
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
  };
}
