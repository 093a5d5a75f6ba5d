import { kubeTime, type KubeObject } from '../api-types';
import { conflict, successStatus } from '../errors';
import {
  FOREGROUND_FINALIZER,
  ORPHAN_FINALIZER,
  type DeleteOptions,
  type PropagationPolicy,
} from './options';
import { scope, type Registry } from './registry';
import { storageKey, type ResourceDefinition } from './resource-definition';

/** What DELETE answers: the object (still there, being deleted, or returned) or a Success Status. */
export interface DeleteResult {
  body: unknown;
  /** True when the object left storage. */
  deleted: boolean;
  /** 202 when not deleted immediately and the client asked orphanDependents=false, as kube does; else 200. */
  code: 200 | 202;
}

/**
 * DELETE with kube-apiserver semantics: preconditions, graceful deletion (pods), finalizers (the object stays
 * with deletionTimestamp until they are gone) and propagation (Foreground adds `foregroundDeletion`, Orphan adds
 * `orphan`; the garbage collector finishes both; Background deletes now and leaves dependents to it).
 */
export function deleteObject(
  registry: Registry,
  definition: ResourceDefinition,
  namespace: string | undefined,
  name: string,
  options: DeleteOptions,
): DeleteResult {
  const previous = registry.get(definition, namespace, name);
  const preconditions = options.preconditions ?? {};
  if (preconditions.uid && preconditions.uid !== previous.metadata.uid)
    throw conflict(
      definition,
      name,
      `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${previous.metadata.uid}`,
    );
  if (preconditions.resourceVersion && preconditions.resourceVersion !== previous.metadata.resourceVersion)
    throw conflict(
      definition,
      name,
      `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${previous.metadata.resourceVersion}`,
    );
  const code = options.orphanDependents === false ? 202 : 200;
  const context = registry.context();
  // Marking an object deleted changes metadata only: kube runs no update validation there, so an object its
  // strategy would now reject (a custom resource under a stricter schema) can still be deleted.
  const custom = definition.strategy.beforeDelete?.(structuredClone(previous), context);
  if (custom) {
    const stored = registry.commitUpdate(
      definition,
      custom,
      previous,
      { dryRun: options.dryRun },
      false,
      true,
    );
    return { body: stored, deleted: false, code };
  }

  const next = structuredClone(previous);
  const meta = next.metadata;
  const policy = propagationPolicy(options);
  const finalizers = new Set(meta.finalizers ?? []);
  if (policy === 'Foreground') {
    finalizers.add(FOREGROUND_FINALIZER);
    finalizers.delete(ORPHAN_FINALIZER);
  } else if (policy === 'Orphan') {
    finalizers.add(ORPHAN_FINALIZER);
    finalizers.delete(FOREGROUND_FINALIZER);
  } else if (policy === 'Background') {
    finalizers.delete(FOREGROUND_FINALIZER);
    finalizers.delete(ORPHAN_FINALIZER);
  }
  const requested = options.gracePeriodSeconds;
  let grace = definition.strategy.gracePeriodSeconds?.(previous, requested) ?? 0;
  if (meta.deletionTimestamp !== undefined && meta.deletionGracePeriodSeconds !== undefined)
    grace = Math.min(grace, meta.deletionGracePeriodSeconds);

  if (finalizers.size === 0 && grace === 0) {
    if (options.dryRun) return { body: returned(definition, previous), deleted: true, code: 200 };
    const removed = registry.store.remove(storageKey(definition), scope(definition, namespace), name);
    if (removed) definition.strategy.afterDelete?.(removed.object);
    return { body: returned(definition, removed?.object ?? previous), deleted: true, code: 200 };
  }

  meta.finalizers = [...finalizers];
  if (meta.finalizers.length === 0) delete meta.finalizers;
  const now = context.now.getTime();
  const deadline = kubeTime(new Date(now + grace * 1000));
  // A graceful deletion may be shortened; otherwise an object already being deleted keeps its timestamp
  // (kube's markAsDeleting: a CRD's own DELETE sets one without a grace period).
  const shortens = meta.deletionGracePeriodSeconds !== undefined && grace < meta.deletionGracePeriodSeconds;
  if (!meta.deletionTimestamp || shortens) meta.deletionTimestamp = deadline;
  meta.deletionGracePeriodSeconds = grace;
  const startsDeletion = !previous.metadata.deletionTimestamp;
  const stored = registry.commitUpdate(
    definition,
    next,
    previous,
    { dryRun: options.dryRun },
    startsDeletion,
    true,
  );
  return { body: stored, deleted: false, code };
}

function propagationPolicy(options: DeleteOptions): PropagationPolicy | undefined {
  if (options.propagationPolicy) return options.propagationPolicy;
  if (options.orphanDependents === true) return 'Orphan';
  if (options.orphanDependents === false) return 'Background';
  return undefined;
}

function returned(definition: ResourceDefinition, object: KubeObject): unknown {
  if (definition.strategy.returnDeletedObject) return object;
  return successStatus({
    name: object.metadata.name,
    group: definition.group || undefined,
    kind: definition.resource,
    uid: object.metadata.uid,
  });
}
