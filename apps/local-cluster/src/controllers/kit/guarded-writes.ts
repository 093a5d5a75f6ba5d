/**
 * The writes controllers make to objects they own or collect — deletes and `metadata` patches (owner
 * references, finalizers) — guarded so they never land on a successor of the same name: a uid precondition,
 * and the resourceVersion when asked. Each answer is recorded in the informer's store, so the next sync reads
 * its own write.
 */
import { isConflict, isNotFound } from '@cite/kube';
import { recordDeleteOutcome } from './delete-outcome';
import type { Store } from './store';
import { type KubeObject, type ObjectMeta, type OwnerReference, toWire } from './wire';

/** The DeleteOptions body a guarded delete sends. */
export interface DeleteOptions {
  propagationPolicy?: string;
  gracePeriodSeconds?: number;
  preconditions: { uid?: string };
}

/**
 * DELETE `object` with a uid precondition (and `options`), recording the outcome. False when it was gone
 * already (404) or replaced by an object of the same name (409, the precondition failed): nothing to do.
 */
export async function deleteGuarded<T extends KubeObject>(
  store: Store<T>,
  object: T,
  remove: (options: DeleteOptions) => Promise<unknown>,
  options: Omit<DeleteOptions, 'preconditions'> = {},
): Promise<boolean> {
  try {
    const response = await remove({ ...options, preconditions: { uid: object.metadata?.uid } });
    recordDeleteOutcome(store, object, response);
    return true;
  } catch (error) {
    if (isNotFound(error) || isConflict(error)) return false;
    throw error;
  }
}

/** The merge patch a guarded metadata write sends. */
export interface MetadataPatch {
  metadata: Pick<ObjectMeta, 'uid' | 'resourceVersion' | 'ownerReferences' | 'finalizers'>;
}

export interface MetadataGuard {
  /** Also require the resourceVersion the object was read at (409 when it changed since). @defaultValue true */
  resourceVersion?: boolean;
}

/**
 * RFC 7386 merge patch of `fields` of `object`'s metadata, guarded by its uid (and resourceVersion), the answer
 * recorded. False when the object is gone (404), as kube's controllers ignore an object that went away
 * while they adopted, released or finalized it.
 */
export async function patchMetadataGuarded<T extends KubeObject>(
  store: Store<T>,
  object: T,
  fields: Pick<ObjectMeta, 'ownerReferences' | 'finalizers'>,
  patch: (body: MetadataPatch) => Promise<unknown>,
  guard: MetadataGuard = {},
): Promise<boolean> {
  const meta = object.metadata ?? {};
  const body: MetadataPatch = {
    metadata: {
      uid: meta.uid,
      ...(guard.resourceVersion === false ? {} : { resourceVersion: meta.resourceVersion }),
      ...fields,
    },
  };
  try {
    store.recordWrite(toWire(await patch(body)) as T);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** Sets `object`'s owner references (adoption, release, orphaning): `patchMetadataGuarded` of that field. */
export function patchOwnerReferences<T extends KubeObject>(
  store: Store<T>,
  object: T,
  ownerReferences: OwnerReference[],
  patch: (body: MetadataPatch) => Promise<unknown>,
  guard: MetadataGuard = {},
): Promise<boolean> {
  return patchMetadataGuarded(store, object, { ownerReferences }, patch, guard);
}
