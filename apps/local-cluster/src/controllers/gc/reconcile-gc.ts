/**
 * The garbage collector's decision for one object (kube's attemptToDeleteItem, processDeletingDependentsItem
 * and orphanDependents), pure:
 *
 * - an object with the `orphan` finalizer that is being deleted: take its ownerReference off every dependent,
 *   then drop the finalizer (Orphan propagation);
 * - one with `foregroundDeletion` that is being deleted: once no dependent with blockOwnerDeletion is left,
 *   drop the finalizer (Foreground propagation; its dependents are collected through the next rule);
 * - a dependent: if every owner is gone, delete it (Background, or Foreground when an owner is waiting for its
 *   dependents and it has dependents of its own); if some owner still stands, remove references to the gone
 *   ones and unblock those whose owners wait for their dependents.
 */
import type { KubeObject, OwnerReference } from '../kit/wire';

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

export type Propagation = 'Background' | 'Foreground' | 'Orphan';

/** What the cache knows of an owner: the object, absent (null), or a kind this collector does not watch. */
export type OwnerLookup = (ref: OwnerReference, namespace: string) => KubeObject | null | 'unknown';

export type GcAction =
  | { type: 'delete'; object: KubeObject; propagationPolicy: Propagation; absentOwners: OwnerReference[] }
  | {
      type: 'setOwnerReferences';
      object: KubeObject;
      ownerReferences: OwnerReference[];
      absentOwners: OwnerReference[];
    }
  | { type: 'removeFinalizer'; object: KubeObject; finalizer: string };

const hasFinalizer = (object: KubeObject, finalizer: string): boolean =>
  (object.metadata?.finalizers ?? []).includes(finalizer);

const isDeleting = (object: KubeObject): boolean => Boolean(object.metadata?.deletionTimestamp);

export function isDeletingDependents(object: KubeObject): boolean {
  return isDeleting(object) && hasFinalizer(object, FOREGROUND_FINALIZER);
}

/** Objects among `candidates` that name `owner` (by uid) as an owner. */
export function dependentsOf(owner: KubeObject, candidates: KubeObject[]): KubeObject[] {
  const uid = owner.metadata?.uid;
  return candidates.filter((candidate) =>
    candidate.metadata?.ownerReferences?.some((ref) => ref.uid === uid),
  );
}

export function reconcileGarbage(
  object: KubeObject,
  lookupOwner: OwnerLookup,
  dependents: KubeObject[],
): GcAction[] {
  const uid = object.metadata?.uid ?? '';
  if (isDeleting(object)) {
    if (hasFinalizer(object, ORPHAN_FINALIZER)) return orphan(object, uid, dependents);
    if (hasFinalizer(object, FOREGROUND_FINALIZER)) {
      const blocking = dependents.filter((dependent) =>
        dependent.metadata?.ownerReferences?.some(
          (ref) => ref.uid === uid && ref.blockOwnerDeletion === true,
        ),
      );
      return blocking.length === 0
        ? [{ type: 'removeFinalizer', object, finalizer: FOREGROUND_FINALIZER }]
        : [];
    }
    // Being deleted already, by someone else's choice: nothing to collect.
    return [];
  }
  const refs = object.metadata?.ownerReferences ?? [];
  if (refs.length === 0) return [];
  const namespace = object.metadata?.namespace ?? '';
  const solid: OwnerReference[] = [];
  const absent: OwnerReference[] = [];
  const waiting: OwnerReference[] = [];
  for (const ref of refs) {
    const owner = lookupOwner(ref, namespace);
    if (owner === 'unknown') solid.push(ref);
    else if (owner === null || owner.metadata?.uid !== ref.uid) absent.push(ref);
    else if (isDeletingDependents(owner)) waiting.push(ref);
    else solid.push(ref);
  }
  if (solid.length > 0) {
    if (absent.length === 0 && waiting.length === 0) return [];
    const gone = new Set(absent.map((ref) => ref.uid));
    const waitingUids = new Set(waiting.map((ref) => ref.uid));
    const ownerReferences = refs
      .filter((ref) => !gone.has(ref.uid))
      .map((ref) =>
        waitingUids.has(ref.uid) && ref.blockOwnerDeletion ? { ...ref, blockOwnerDeletion: false } : ref,
      );
    const unchanged =
      ownerReferences.length === refs.length && ownerReferences.every((ref, i) => ref === refs[i]);
    return unchanged ? [] : [{ type: 'setOwnerReferences', object, ownerReferences, absentOwners: absent }];
  }
  let propagationPolicy: Propagation;
  if (waiting.length > 0 && dependents.length > 0) propagationPolicy = 'Foreground';
  else if (hasFinalizer(object, ORPHAN_FINALIZER)) propagationPolicy = 'Orphan';
  else if (hasFinalizer(object, FOREGROUND_FINALIZER)) propagationPolicy = 'Foreground';
  else propagationPolicy = 'Background';
  return [{ type: 'delete', object, propagationPolicy, absentOwners: absent }];
}

function orphan(owner: KubeObject, uid: string, dependents: KubeObject[]): GcAction[] {
  const actions: GcAction[] = dependents.map((dependent) => ({
    type: 'setOwnerReferences' as const,
    object: dependent,
    ownerReferences: (dependent.metadata?.ownerReferences ?? []).filter((ref) => ref.uid !== uid),
    absentOwners: [],
  }));
  actions.push({ type: 'removeFinalizer', object: owner, finalizer: ORPHAN_FINALIZER });
  return actions;
}
