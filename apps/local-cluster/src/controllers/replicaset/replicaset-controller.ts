/**
 * The ReplicaSet controller's loop: ReplicaSet keys are queued on changes to the set or to any pod it owns
 * (or could adopt); each sync applies `reconcileReplicaSet`'s actions (pods created in slow-start batches of
 * 1, 2, 4, …, as kube does), records SuccessfulCreate/SuccessfulDelete events, and writes the status once.
 */
import { describeError, isConflict, isNotFound } from '../kit/api-errors';
import { type Clients, MERGE_PATCH } from '../kit/clients';
import { PATHS } from '../kit/raw-api';
import { recordDeleteOutcome } from '../kit/delete-outcome';
import type { EventSink } from '../kit/events';
import type { Informer } from '../kit/informer';
import { selectorMatches } from '../kit/labels';
import type { ControllerLogger } from '../kit/logger';
import { controllerRefOf } from '../kit/owners';
import { runWorkers, type Workers } from '../kit/run-workers';
import { statusPatch } from '../kit/status-fields';
import type { Clock } from '../kit/time';
import { WorkQueue } from '../kit/work-queue';
import { type Pod, type ReplicaSet, keyOf, toWire } from '../kit/wire';
import { REPLICASET_STATUS_FIELDS, type ReplicaSetAction, reconcileReplicaSet } from './reconcile-replicaset';

export interface ReplicaSetControllerDeps {
  clients: Clients;
  replicaSets: Informer<ReplicaSet>;
  pods: Informer<Pod>;
  events: EventSink;
  clock: Clock;
  logger: ControllerLogger;
  workers?: number;
}

const SOURCE = { component: 'replicaset-controller' };

export function startReplicaSetController(deps: ReplicaSetControllerDeps): Workers {
  const { clients, replicaSets, pods, events, clock } = deps;
  const queue = new WorkQueue();

  const enqueueOwner = (pod: Pod): void => {
    const ref = controllerRefOf(pod);
    const namespace = pod.metadata?.namespace ?? '';
    if (ref) {
      if (ref.kind === 'ReplicaSet') queue.add(`${namespace}/${ref.name}`);
      return;
    }
    if (pod.metadata?.deletionTimestamp) return;
    for (const rs of replicaSets.store.list(namespace))
      if (selectorMatches(rs.spec?.selector, pod.metadata?.labels)) queue.add(keyOf(rs));
  };
  replicaSets.addHandlers({
    add: (rs) => queue.add(keyOf(rs)),
    update: (rs) => queue.add(keyOf(rs)),
    delete: (rs) => queue.add(keyOf(rs)),
  });
  pods.addHandlers({
    add: enqueueOwner,
    update: (pod, old) => {
      enqueueOwner(pod);
      if (controllerRefOf(old)?.uid !== controllerRefOf(pod)?.uid) enqueueOwner(old);
    },
    delete: enqueueOwner,
  });

  const regardingRs = (rs: ReplicaSet) => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: rs.metadata,
  });

  const createPods = async (rs: ReplicaSet, action: Extract<ReplicaSetAction, { type: 'createPods' }>) => {
    const namespace = rs.metadata?.namespace ?? '';
    let remaining = action.count;
    for (let batch = 1; remaining > 0; batch *= 2) {
      const size = Math.min(batch, remaining);
      remaining -= size;
      const results = await Promise.allSettled(
        Array.from({ length: size }, () => clients.raw.create<Pod>(PATHS.pods(namespace), action.pod)),
      );
      let failure: unknown;
      for (const result of results) {
        if (result.status === 'fulfilled') {
          const pod = result.value;
          pods.store.recordWrite(pod);
          const message = `Created pod: ${pod.metadata?.name}`;
          events.record({
            regarding: regardingRs(rs),
            type: 'Normal',
            reason: 'SuccessfulCreate',
            message,
            source: SOURCE,
          });
        } else {
          failure ??= result.reason;
          const message = `Error creating: ${describeError(result.reason)}`;
          events.record({
            regarding: regardingRs(rs),
            type: 'Warning',
            reason: 'FailedCreate',
            message,
            source: SOURCE,
          });
        }
      }
      // Like kube's slow start: a failing batch stops the rest of this sync.
      if (failure) throw failure;
    }
  };

  const deletePods = async (rs: ReplicaSet, doomed: Pod[]) => {
    await Promise.all(
      doomed.map(async (pod) => {
        try {
          const response = await clients.raw.remove(
            PATHS.pods(pod.metadata?.namespace ?? '', pod.metadata?.name ?? ''),
            { preconditions: { uid: pod.metadata?.uid } },
          );
          recordDeleteOutcome(pods.store, pod, response);
        } catch (error) {
          if (isNotFound(error) || isConflict(error)) return;
          throw error;
        }
        const message = `Deleted pod: ${pod.metadata?.name}`;
        events.record({
          regarding: regardingRs(rs),
          type: 'Normal',
          reason: 'SuccessfulDelete',
          message,
          source: SOURCE,
        });
      }),
    );
  };

  const setOwners = async (pod: Pod, ownerReferences: unknown[]) => {
    const body = {
      metadata: { uid: pod.metadata?.uid, resourceVersion: pod.metadata?.resourceVersion, ownerReferences },
    };
    try {
      const patched = await clients.core.patchNamespacedPod(
        { name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', body },
        MERGE_PATCH,
      );
      pods.store.recordWrite(toWire(patched) as Pod);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  };

  return runWorkers(
    'replicaset',
    queue,
    async (key) => {
      const rs = replicaSets.store.getByKey(key);
      if (!rs) return;
      const decision = reconcileReplicaSet(rs, pods.store.list(rs.metadata?.namespace ?? ''), clock());
      let failure: unknown;
      try {
        for (const action of decision.actions) {
          if (action.type === 'createPods') await createPods(rs, action);
          else if (action.type === 'deletePods') await deletePods(rs, action.pods);
          else await setOwners(action.pod, action.ownerReferences);
        }
      } catch (error) {
        failure = error;
      }
      // The status is written even when managing pods failed, as kube does.
      const patch = statusPatch(
        rs.status as Record<string, unknown>,
        { ...decision.status },
        REPLICASET_STATUS_FIELDS,
      );
      if (patch) {
        try {
          const patched = await clients.raw.mergePatch<ReplicaSet>(
            PATHS.replicaSets(rs.metadata?.namespace ?? '', rs.metadata?.name ?? '', 'status'),
            patch,
          );
          replicaSets.store.recordWrite(patched);
        } catch (error) {
          if (!isNotFound(error)) failure ??= error;
        }
      }
      if (failure) throw failure;
      if (decision.requeueAfterMs !== undefined) return { requeueAfterMs: decision.requeueAfterMs };
    },
    deps.logger,
    deps.workers ?? 1,
  );
}
