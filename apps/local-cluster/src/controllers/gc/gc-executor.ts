/**
 * Applies one of `reconcileGarbage`'s actions. Before deleting or orphaning an object because its owners are
 * gone, it asks the API server whether they really are (a new dependent may name an owner the cache has not
 * caught up with), as kube's collector does; a write to an object that is gone meanwhile is done.
 */
import { isNotFound } from '@cite/kube';
import { deleteGuarded, patchMetadataGuarded, patchOwnerReferences } from '../kit/guarded-writes';
import { type KubeObject, type OwnerReference, toWire } from '../kit/wire';
import type { GcKind, GcKindTable } from './gc-kind-table';
import type { GcAction } from './reconcile-gc';

/** False when the cache lags the server (an owner it thought gone is there): look again shortly. */
export type GcExecute = (kind: GcKind, action: GcAction) => Promise<boolean>;

export function gcExecutor(table: GcKindTable): GcExecute {
  /** True when the API server confirms every owner in `refs` is gone (404 or another uid under the name). */
  const confirmedAbsent = async (refs: OwnerReference[], namespace: string): Promise<boolean> => {
    for (const ref of refs) {
      const kind = table.ofRef(ref);
      if (!kind) return false;
      try {
        const live = toWire(await kind.read(ref.name, namespace)) as KubeObject;
        if (live.metadata?.uid === ref.uid) return false;
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    return true;
  };

  return async (kind, action) => {
    const { object } = action;
    const name = object.metadata?.name ?? '';
    const namespace = object.metadata?.namespace ?? '';
    const store = kind.informer.store;
    const patch = (body: Parameters<GcKind['patch']>[2]) => kind.patch(name, namespace, body);
    if (action.type !== 'removeFinalizer' && !(await confirmedAbsent(action.absentOwners, namespace)))
      return false;
    // Gone meanwhile, or (a failed uid precondition on delete) replaced by another object: nothing to do.
    if (action.type === 'delete') {
      const { propagationPolicy } = action;
      await deleteGuarded(store, object, (body) => kind.delete(name, namespace, body), { propagationPolicy });
    } else if (action.type === 'setOwnerReferences') {
      await patchOwnerReferences(store, object, action.ownerReferences, patch);
    } else {
      const finalizers = (object.metadata?.finalizers ?? []).filter((f) => f !== action.finalizer);
      await patchMetadataGuarded(store, object, { finalizers }, patch);
    }
    return true;
  };
}
