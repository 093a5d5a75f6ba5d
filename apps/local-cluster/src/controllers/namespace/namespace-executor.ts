/**
 * Applies `reconcileNamespace`'s actions: deletecollection per resource (all at once), then the
 * NamespaceContentRemaining conditions and the finalize, in order. Finalizing goes through
 * `PUT /api/v1/namespaces/{name}/finalize` or, where the server has no such endpoint, by patching
 * spec.finalizers.
 */
import { isNotFound, isUnsupported } from '@cite/kube';
import { type Clients, MERGE_PATCH } from '../kit/clients';
import type { Informer } from '../kit/informer';
import type { ControllerLogger } from '../kit/logger';
import { type Clock, rfc3339 } from '../kit/time';
import { type Namespace, asBody, toWire } from '../kit/wire';
import type { NamespacedResource } from './namespaced-resources';
import { KUBERNETES_FINALIZER, type NamespaceCondition, type NamespaceDecision } from './reconcile-namespace';

export interface NamespaceExecutorDeps {
  clients: Clients;
  namespaces: Informer<Namespace>;
  clock: Clock;
  logger: ControllerLogger;
}

export type NamespaceExecute = (
  namespace: Namespace | undefined,
  name: string,
  decision: NamespaceDecision,
  resources: NamespacedResource[],
) => Promise<void>;

export function namespaceExecutor(deps: NamespaceExecutorDeps): NamespaceExecute {
  const { clients } = deps;
  const finalizer = namespaceFinalizer(deps);
  const setConditions = async (name: string, conditions: NamespaceCondition[]): Promise<void> => {
    try {
      const lastTransitionTime = rfc3339(deps.clock());
      const body = { status: { conditions: conditions.map((c) => ({ ...c, lastTransitionTime })) } };
      await clients.core.patchNamespaceStatus({ name, body }, MERGE_PATCH);
    } catch (error) {
      // Conditions are informative; a server without namespaces/status still gets emptied.
      if (!isUnsupported(error)) throw error;
    }
  };
  return async (namespace, name, decision, resources) => {
    const byName = new Map(resources.map((resource) => [resource.name, resource]));
    await Promise.all(
      decision.actions
        .filter((action) => action.type === 'deleteCollection')
        .map((action) => byName.get(action.resource)?.deleteAll(name)),
    );
    for (const action of decision.actions) {
      if (!namespace) break;
      if (action.type === 'setConditions') await setConditions(name, action.conditions);
      else if (action.type === 'finalize') await finalizer(namespace, action.finalizers);
    }
  };
}

/** Finalizes a namespace, falling back to patching spec.finalizers once the server lacks `/finalize`. */
function namespaceFinalizer(
  deps: NamespaceExecutorDeps,
): (namespace: Namespace, finalizers: string[]) => Promise<void> {
  const { clients, namespaces } = deps;
  let finalizeSupported = true;
  const exists = async (name: string): Promise<boolean> => {
    try {
      await clients.core.readNamespace({ name });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  };
  return async (namespace, finalizers) => {
    const name = namespace.metadata?.name ?? '';
    if (finalizeSupported) {
      try {
        const body = { ...namespace, spec: { ...namespace.spec, finalizers } };
        const finalized = await clients.core.replaceNamespaceFinalize({ name, body: asBody(body) });
        namespaces.store.recordWrite(toWire(finalized) as Namespace);
        return;
      } catch (error) {
        if (!isUnsupported(error)) throw error;
        // 404 is also what a namespace that is already gone gets: that is success, not a missing endpoint.
        if (isNotFound(error) && !(await exists(name))) return;
        finalizeSupported = false;
        deps.logger.info('no namespaces/finalize endpoint: finalizing by patching spec.finalizers');
      }
    }
    const metadataFinalizers = (namespace.metadata?.finalizers ?? []).filter(
      (f) => f !== KUBERNETES_FINALIZER,
    );
    const body = {
      metadata: { resourceVersion: namespace.metadata?.resourceVersion, finalizers: metadataFinalizers },
      spec: { finalizers },
    };
    try {
      namespaces.store.recordWrite(
        toWire(await clients.core.patchNamespace({ name, body }, MERGE_PATCH)) as Namespace,
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  };
}
