/**
 * Applies `reconcileReplicaSet`'s actions through the API: pods created in slow-start batches of 1, 2, 4, …
 * (a failing batch stops the rest, as kube does), surplus pods deleted, pods adopted or released, each answer
 * recorded in the pod store and SuccessfulCreate/SuccessfulDelete/FailedCreate events recorded; then the
 * status written once, when it changed.
 */
import { describeKubeError, isNotFound } from '@cite/kube';
import { type Clients, MERGE_PATCH } from '../kit/clients';
import type { EventSink, EventSpec } from '../kit/events';
import { deleteGuarded, patchOwnerReferences } from '../kit/guarded-writes';
import type { Informer } from '../kit/informer';
import { PATHS } from '../kit/raw-api';
import { statusPatch } from '../kit/status-fields';
import type { Pod, ReplicaSet } from '../kit/wire';
import {
  REPLICASET_STATUS_FIELDS,
  type ReplicaSetAction,
  type ReplicaSetDecision,
} from './reconcile-replicaset';

export interface ReplicaSetExecutorDeps {
  clients: Clients;
  replicaSets: Informer<ReplicaSet>;
  pods: Informer<Pod>;
  events: EventSink;
}

const SOURCE = { component: 'replicaset-controller' };

/** Applies the decision's actions, then writes the status even when managing pods failed, as kube does. */
export async function applyReplicaSetDecision(
  deps: ReplicaSetExecutorDeps,
  rs: ReplicaSet,
  decision: ReplicaSetDecision,
): Promise<void> {
  let failure: unknown;
  try {
    for (const action of decision.actions) await applyAction(deps, rs, action);
  } catch (error) {
    failure = error;
  }
  const patch = statusPatch(
    rs.status as Record<string, unknown>,
    { ...decision.status },
    REPLICASET_STATUS_FIELDS,
  );
  if (patch) {
    try {
      const path = PATHS.replicaSets(rs.metadata?.namespace ?? '', rs.metadata?.name ?? '', 'status');
      deps.replicaSets.store.recordWrite(await deps.clients.raw.mergePatch<ReplicaSet>(path, patch));
    } catch (error) {
      if (!isNotFound(error)) failure ??= error;
    }
  }
  if (failure) throw failure;
}

async function applyAction(
  deps: ReplicaSetExecutorDeps,
  rs: ReplicaSet,
  action: ReplicaSetAction,
): Promise<void> {
  const { clients, pods } = deps;
  switch (action.type) {
    case 'createPods':
      return createPods(deps, rs, action.count, action.pod);
    case 'deletePods':
      await Promise.all(action.pods.map((pod) => deletePod(deps, rs, pod)));
      return;
    default: {
      const { pod } = action;
      const [name, namespace] = [pod.metadata?.name ?? '', pod.metadata?.namespace ?? ''];
      await patchOwnerReferences(pods.store, pod, action.ownerReferences, (body) =>
        clients.core.patchNamespacedPod({ name, namespace, body }, MERGE_PATCH),
      );
    }
  }
}

async function createPods(
  deps: ReplicaSetExecutorDeps,
  rs: ReplicaSet,
  count: number,
  template: Pod,
): Promise<void> {
  const { clients, pods } = deps;
  const namespace = rs.metadata?.namespace ?? '';
  let remaining = count;
  for (let batch = 1; remaining > 0; batch *= 2) {
    const size = Math.min(batch, remaining);
    remaining -= size;
    const results = await Promise.allSettled(
      Array.from({ length: size }, () => clients.raw.create<Pod>(PATHS.pods(namespace), template)),
    );
    let failure: unknown;
    for (const result of results) {
      if (result.status === 'fulfilled') {
        pods.store.recordWrite(result.value);
        record(deps, rs, 'Normal', 'SuccessfulCreate', `Created pod: ${result.value.metadata?.name}`);
      } else {
        failure ??= result.reason;
        record(deps, rs, 'Warning', 'FailedCreate', `Error creating: ${describeKubeError(result.reason)}`);
      }
    }
    // Like kube's slow start: a failing batch stops the rest of this sync.
    if (failure) throw failure;
  }
}

async function deletePod(deps: ReplicaSetExecutorDeps, rs: ReplicaSet, pod: Pod): Promise<void> {
  const path = PATHS.pods(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '');
  const deleted = await deleteGuarded(deps.pods.store, pod, (options) =>
    deps.clients.raw.remove(path, options),
  );
  if (deleted) record(deps, rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata?.name}`);
}

function record(
  deps: ReplicaSetExecutorDeps,
  rs: ReplicaSet,
  type: EventSpec['type'],
  reason: string,
  message: string,
): void {
  const regarding = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: rs.metadata };
  deps.events.record({ regarding, type, reason, message, source: SOURCE });
}
