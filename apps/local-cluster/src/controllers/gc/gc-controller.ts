/**
 * The garbage collector's loop over the kinds it watches (Deployments, ReplicaSets, Pods, Services,
 * ConfigMaps, Secrets): objects are queued as `Kind:namespace/name` when their owner references, deletion
 * state or finalizers change, and dependents are queued when an owner goes or starts deleting them. The
 * executor (gc-executor.ts) applies `reconcileGarbage`'s actions, confirming with the API server first that
 * owners the cache says are gone really are.
 */
import type { ControllerLogger } from '../kit/logger';
import { runWorkers, type Workers } from '../kit/run-workers';
import { semanticEqual } from '../kit/semantic';
import { WorkQueue } from '../kit/work-queue';
import type { KubeObject } from '../kit/wire';
import { gcExecutor } from './gc-executor';
import { type GcKind, GcKindTable } from './gc-kind-table';
import { isDeletingDependents, reconcileGarbage } from './reconcile-gc';

export interface GcDeps {
  kinds: GcKind[];
  logger: ControllerLogger;
  workers?: number;
}

export function startGarbageCollector(deps: GcDeps): Workers {
  const queue = new WorkQueue();
  const table = new GcKindTable(deps.kinds);
  watchForGarbage(table, queue);
  const execute = gcExecutor(table);
  return runWorkers(
    'garbage-collector',
    queue,
    async (key) => {
      const found = table.resolve(key);
      if (!found) return;
      const dependents = table.dependentsOf(found.object.metadata?.uid ?? '');
      const kindOf = new Map(dependents.map((entry) => [entry.object, entry.kind]));
      const actions = reconcileGarbage(
        found.object,
        table.lookupOwner,
        dependents.map((entry) => entry.object),
      );
      for (const action of actions) {
        // The cache lags the server: look again shortly.
        if (!(await execute(kindOf.get(action.object) ?? found.kind, action))) return { requeueAfterMs: 250 };
      }
    },
    deps.logger,
    deps.workers ?? 2,
  );
}

/** Queues objects whose ownership or deletion state changed, and the dependents and owners that concerns. */
function watchForGarbage(table: GcKindTable, queue: WorkQueue): void {
  const enqueueDependents = (uid: string | undefined): void => {
    if (uid) for (const { kind, object } of table.dependentsOf(uid)) queue.add(table.keyFor(kind, object));
  };
  for (const kind of table.kinds) {
    const enqueue = (object: KubeObject): void => queue.add(table.keyFor(kind, object));
    kind.informer.addHandlers({
      add: (object) => {
        if ((object.metadata?.ownerReferences?.length ?? 0) > 0 || object.metadata?.deletionTimestamp)
          enqueue(object);
      },
      update: (object, old) => {
        const meta = object.metadata ?? {};
        const before = old.metadata ?? {};
        const changed =
          !semanticEqual(meta.ownerReferences, before.ownerReferences) ||
          meta.deletionTimestamp !== before.deletionTimestamp ||
          !semanticEqual(meta.finalizers, before.finalizers);
        if (!changed) return;
        enqueue(object);
        if (isDeletingDependents(object)) enqueueDependents(meta.uid);
      },
      delete: (object) => {
        enqueueDependents(object.metadata?.uid);
        // An owner deleting its dependents in the foreground may now be free to go.
        for (const ref of object.metadata?.ownerReferences ?? []) {
          const ownerKind = table.ofRef(ref);
          if (ownerKind) queue.add(table.keyOf(ownerKind, object.metadata?.namespace ?? '', ref.name));
        }
      },
    });
  }
}
