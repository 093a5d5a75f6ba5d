/**
 * Informer handlers that queue the controller of what changed, as kube's ReplicaSet and Deployment controllers
 * do for their pods and ReplicaSets: the owner the controller reference names (when it is of `ownerKind`), or,
 * for an orphan, every owner in its namespace whose selector matches its labels (it may be adopted). An update
 * that moves the controller reference queues the previous owner too.
 */
import type { InformerHandlers } from './informer';
import { selectorMatches } from './labels';
import { controllerRefOf } from './owners';
import type { Store } from './store';
import type { WorkQueue } from './work-queue';
import { type KubeObject, type LabelSelector, keyOf } from './wire';

export interface OwnerEnqueueOptions<O extends KubeObject> {
  queue: WorkQueue;
  /** `ReplicaSet`, `Deployment`: controller references to other kinds are not this controller's. */
  ownerKind: string;
  /** The owners' cache, for orphans' adoption candidates. */
  owners: Store<O>;
  selectorOf(owner: O): LabelSelector | undefined;
  /** An orphan being deleted will not be adopted: queue nothing for it. @defaultValue false */
  skipDeletingOrphans?: boolean;
}

/** Queues the owner (or the candidate owners) of one object. */
export function ownerEnqueuer<O extends KubeObject>(
  options: OwnerEnqueueOptions<O>,
): (object: KubeObject) => void {
  const { queue, ownerKind, owners, selectorOf } = options;
  return (object) => {
    const namespace = object.metadata?.namespace ?? '';
    const ref = controllerRefOf(object);
    if (ref) {
      if (ref.kind === ownerKind) queue.add(`${namespace}/${ref.name}`);
      return;
    }
    if (options.skipDeletingOrphans && object.metadata?.deletionTimestamp) return;
    for (const owner of owners.list(namespace))
      if (selectorMatches(selectorOf(owner), object.metadata?.labels)) queue.add(keyOf(owner));
  };
}

/** add, update and delete handlers built on `ownerEnqueuer`. */
export function ownerEnqueueHandlers<O extends KubeObject, T extends KubeObject>(
  options: OwnerEnqueueOptions<O>,
): InformerHandlers<T> {
  const enqueue = ownerEnqueuer(options);
  return {
    add: enqueue,
    update: (object, old) => {
      enqueue(object);
      if (controllerRefOf(old)?.uid !== controllerRefOf(object)?.uid) enqueue(old);
    },
    delete: enqueue,
  };
}

/** Handlers that queue every added, updated or deleted object's own key. */
export function keyEnqueueHandlers<T extends KubeObject>(queue: WorkQueue): InformerHandlers<T> {
  const enqueue = (object: T): void => queue.add(keyOf(object));
  return { add: enqueue, update: enqueue, delete: enqueue };
}
