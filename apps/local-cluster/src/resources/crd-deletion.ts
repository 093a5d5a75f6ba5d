/**
 * The deletion of a CustomResourceDefinition as kube's apiextensions-apiserver does it, as pure decisions:
 * - the first DELETE (the CRD registry's own Delete) only sets `deletionTimestamp`, adds the
 *   `customresourcecleanup.apiextensions.k8s.io` finalizer (a CRD carries no finalizer before that) and the
 *   `Terminating` condition (`InstanceDeletionPending`);
 * - the CRD finalizer controller, which runs inside the API server, marks it `InstanceDeletionInProgress`,
 *   deletes every instance with the ordinary DELETE (their own finalizers keep them), and once none is left
 *   writes `Terminating=False` (`InstanceDeletionCompleted`) and removes the finalizer, so the CRD goes;
 * - from the DELETE on, its resources take no new objects (405 MethodNotAllowed).
 * The I/O (writes, waiting for instances to go) is in crd-lifecycle.ts.
 */
import { asArray, asObject, kubeTime, type JsonObject, type KubeObject } from '../api-types';
import { StatusError } from '../errors';

export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

export interface CrdCondition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
}

/** The conditions the CRD finalizer writes, with kube's reasons and messages. */
export const TERMINATING = {
  pending: {
    type: 'Terminating',
    status: 'True',
    reason: 'InstanceDeletionPending',
    message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
  },
  inProgress: {
    type: 'Terminating',
    status: 'True',
    reason: 'InstanceDeletionInProgress',
    message: 'CustomResource deletion is in progress',
  },
  completed: {
    type: 'Terminating',
    status: 'False',
    reason: 'InstanceDeletionCompleted',
    message: 'removed all instances',
  },
} satisfies Record<string, CrdCondition>;

export function crdCondition(crd: KubeObject, type: string): JsonObject | undefined {
  return asArray(asObject(crd.status).conditions)
    .map(asObject)
    .find((condition) => condition.type === type);
}

/**
 * apihelpers.SetCRDCondition: a condition of the same type is replaced in place, keeping its
 * lastTransitionTime unless its status changes; a new one is appended.
 */
export function setCrdCondition(crd: KubeObject, condition: CrdCondition, now: Date): void {
  const status = asObject(crd.status);
  const conditions = asArray(status.conditions).map(asObject);
  const index = conditions.findIndex((existing) => existing.type === condition.type);
  const existing = conditions[index];
  const lastTransitionTime =
    existing && existing.status === condition.status && existing.lastTransitionTime
      ? existing.lastTransitionTime
      : kubeTime(now);
  const next = { ...condition, lastTransitionTime };
  if (index >= 0) conditions[index] = next;
  else conditions.push(next);
  crd.status = { ...status, conditions };
}

/** A CRD takes no new instances from its DELETE on, until it is gone. */
export function isTerminating(crd: KubeObject): boolean {
  return Boolean(crd.metadata.deletionTimestamp);
}

/** True while the CRD finalizer has work: deleted, and still carrying its finalizer. */
export function needsCleanup(crd: KubeObject): boolean {
  return isTerminating(crd) && (crd.metadata.finalizers ?? []).includes(CLEANUP_FINALIZER);
}

/**
 * The first DELETE of a CRD (mutates and returns `crd`), or undefined when it is already being deleted: a
 * later DELETE is the generic one. No deletionGracePeriodSeconds and no generation bump, as kube's raw update.
 */
export function markForDeletion(crd: KubeObject, now: Date): KubeObject | undefined {
  if (crd.metadata.deletionTimestamp) return undefined;
  crd.metadata.deletionTimestamp = kubeTime(now);
  const finalizers = crd.metadata.finalizers ?? [];
  if (!finalizers.includes(CLEANUP_FINALIZER)) crd.metadata.finalizers = [...finalizers, CLEANUP_FINALIZER];
  setCrdCondition(crd, TERMINATING.pending, now);
  return crd;
}

/** The CRD as the finalizer marks it before deleting instances (a copy). */
export function cleanupStarted(crd: KubeObject, now: Date): KubeObject {
  const next = structuredClone(crd);
  setCrdCondition(next, TERMINATING.inProgress, now);
  return next;
}

/** The CRD once no instance is left: Terminating=False and without the finalizer (a copy). */
export function cleanupCompleted(crd: KubeObject, now: Date): KubeObject {
  const next = structuredClone(crd);
  setCrdCondition(next, TERMINATING.completed, now);
  next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER);
  if (next.metadata.finalizers.length === 0) delete next.metadata.finalizers;
  return next;
}

/** The CRD when some instance deletes failed; the finalizer tries again (a copy). */
export function cleanupFailed(crd: KubeObject, errors: string[], now: Date): KubeObject {
  const next = structuredClone(crd);
  setCrdCondition(
    next,
    {
      type: 'Terminating',
      status: 'True',
      reason: 'InstanceDeletionFailed',
      message: `could not issue all deletes: ${errors.join(', ')}`,
    },
    now,
  );
  return next;
}

/** What the CR handler answers a create while its CRD is terminating (apiextensions' crdHandler). */
export function createWhileTerminating(group: string, resource: string): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'create not allowed while custom resource definition is terminating',
    reason: 'MethodNotAllowed',
    details: { group, kind: resource },
    code: 405,
  });
}
