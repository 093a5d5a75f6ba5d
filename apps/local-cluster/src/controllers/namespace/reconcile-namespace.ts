/**
 * The namespace controller's decision (kube's namespaced_resources_deleter), pure: a namespace being deleted
 * that still carries the `kubernetes` finalizer has its content deleted, resource by resource, until nothing
 * is left; then it is finalized (the finalizer removed, so the API server can remove the namespace). A
 * namespace that vanished without that (a server that deletes at once) still has its content removed.
 */
import type { Namespace } from '../kit/wire';

export const KUBERNETES_FINALIZER = 'kubernetes';

export type NamespaceAction =
  | { type: 'deleteCollection'; resource: string }
  | { type: 'finalize'; finalizers: string[] }
  | { type: 'setConditions'; conditions: NamespaceCondition[] };

export interface NamespaceCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

export interface NamespaceDecision {
  actions: NamespaceAction[];
  /** Look again (content is still going away, e.g. pods terminating). */
  requeueAfterMs?: number;
}

/** How often a terminating namespace is re-examined while content remains. */
export const CONTENT_RECHECK_MS = 100;

export function needsContentDeletion(namespace: Namespace | undefined): boolean {
  if (!namespace) return true;
  return (
    Boolean(namespace.metadata?.deletionTimestamp) &&
    (namespace.spec?.finalizers ?? []).includes(KUBERNETES_FINALIZER)
  );
}

/** kube's NamespaceContentRemaining / NamespaceFinalizersRemaining conditions. */
export function deletionConditions(remaining: Map<string, number>): NamespaceCondition[] {
  const left = [...remaining].filter(([, count]) => count > 0).sort(([a], [b]) => a.localeCompare(b));
  const content: NamespaceCondition =
    left.length === 0
      ? {
          type: 'NamespaceContentRemaining',
          status: 'False',
          reason: 'ContentRemoved',
          message: 'All content successfully removed',
        }
      : {
          type: 'NamespaceContentRemaining',
          status: 'True',
          reason: 'SomeResourcesRemain',
          message: `Some resources are remaining: ${left.map(([resource, count]) => `${resource} has ${count} resource instances`).join(', ')}`,
        };
  return [
    content,
    {
      type: 'NamespaceFinalizersRemaining',
      status: 'False',
      reason: 'ContentHasNoFinalizers',
      message: 'All content-preserving finalizers finished',
    },
  ];
}

/** `remaining`: objects left per resource (e.g. `pods` → 2), for the resources the server has. */
export function reconcileNamespace(
  namespace: Namespace | undefined,
  remaining: Map<string, number>,
): NamespaceDecision {
  if (!needsContentDeletion(namespace)) return { actions: [] };
  const left = [...remaining]
    .filter(([, count]) => count > 0)
    .map(([resource]) => resource)
    .sort();
  const actions: NamespaceAction[] = left.map((resource) => ({ type: 'deleteCollection', resource }));
  if (!namespace) return left.length > 0 ? { actions, requeueAfterMs: CONTENT_RECHECK_MS } : { actions };
  const conditions = deletionConditions(remaining);
  const current = namespace.status?.conditions ?? [];
  const changed = conditions.some((wanted) => {
    const existing = current.find((condition) => condition.type === wanted.type);
    return existing?.status !== wanted.status || existing?.message !== wanted.message;
  });
  if (changed) actions.push({ type: 'setConditions', conditions });
  if (left.length > 0) return { actions, requeueAfterMs: CONTENT_RECHECK_MS };
  const finalizers = (namespace.spec?.finalizers ?? []).filter(
    (finalizer) => finalizer !== KUBERNETES_FINALIZER,
  );
  actions.push({ type: 'finalize', finalizers });
  return { actions };
}
