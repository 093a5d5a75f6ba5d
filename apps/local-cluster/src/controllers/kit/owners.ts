/** Owner references: the controller link between a Deployment, its ReplicaSets and their Pods. */
import type { KubeObject, OwnerReference } from './wire';

export function controllerRefOf(object: KubeObject): OwnerReference | undefined {
  return object.metadata?.ownerReferences?.find((ref) => ref.controller === true);
}

export function isControlledBy(object: KubeObject, ownerUid: string | undefined): boolean {
  return ownerUid !== undefined && controllerRefOf(object)?.uid === ownerUid;
}

/** The reference a controller puts on what it creates (blockOwnerDeletion, so foreground deletion waits). */
export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The object's owner references with `controllerRef` added (adoption). */
export function withControllerRef(object: KubeObject, controllerRef: OwnerReference): OwnerReference[] {
  const others = (object.metadata?.ownerReferences ?? []).filter((ref) => ref.uid !== controllerRef.uid);
  return [...others, controllerRef];
}

/** The object's owner references without the one to `ownerUid` (release, orphaning). */
export function withoutOwner(object: KubeObject, ownerUid: string): OwnerReference[] {
  return (object.metadata?.ownerReferences ?? []).filter((ref) => ref.uid !== ownerUid);
}
