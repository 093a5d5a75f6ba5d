/**
 * The namespace controller's loop: a namespace being deleted is emptied (deletecollection per resource, the
 * NamespaceContentRemaining condition kept current) and, once empty, finalized through
 * `PUT /api/v1/namespaces/{name}/finalize` — or, where the server has no such endpoint, by patching
 * spec.finalizers.
 */
import { isNotFound, isUnsupported } from '../kit/api-errors';
import { type Clients, MERGE_PATCH } from '../kit/clients';
import type { Informer } from '../kit/informer';
import type { ControllerLogger } from '../kit/logger';
import { runWorkers, type Workers } from '../kit/run-workers';
import { type Clock, rfc3339 } from '../kit/time';
import { WorkQueue } from '../kit/work-queue';
import { type Namespace, asBody, toWire } from '../kit/wire';
import { type NamespacedResource, builtInResources, customResources } from './namespaced-resources';
import { KUBERNETES_FINALIZER, needsContentDeletion, reconcileNamespace } from './reconcile-namespace';

export interface NamespaceControllerDeps {
  clients: Clients;
  namespaces: Informer<Namespace>;
  clock: Clock;
  logger: ControllerLogger;
  workers?: number;
}

export function startNamespaceController(deps: NamespaceControllerDeps): Workers {
  const { clients, namespaces } = deps;
  const queue = new WorkQueue();
  const builtIn = builtInResources(clients);
  const enqueue = (namespace: Namespace): void => {
    if (needsContentDeletion(namespace)) queue.add(namespace.metadata?.name ?? '');
  };
  namespaces.addHandlers({
    add: enqueue,
    update: enqueue,
    delete: (namespace) => queue.add(namespace.metadata?.name ?? ''),
  });
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

  const finalize = async (namespace: Namespace, finalizers: string[]): Promise<void> => {
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

  return runWorkers(
    'namespace',
    queue,
    async (name) => {
      const namespace = namespaces.store.get('', name);
      if (!needsContentDeletion(namespace)) return;
      const resources: NamespacedResource[] = [...builtIn, ...(await customResources(clients))];
      const counts = await Promise.all(
        resources.map(async (resource) => [resource.name, await resource.count(name)] as const),
      );
      const remaining = new Map(counts);
      const decision = reconcileNamespace(namespace, remaining);
      const byName = new Map(resources.map((resource) => [resource.name, resource]));
      await Promise.all(
        decision.actions
          .filter((action) => action.type === 'deleteCollection')
          .map((action) => byName.get(action.resource)?.deleteAll(name)),
      );
      for (const action of decision.actions) {
        if (!namespace) break;
        if (action.type === 'setConditions') {
          try {
            const lastTransitionTime = rfc3339(deps.clock());
            const body = {
              status: { conditions: action.conditions.map((c) => ({ ...c, lastTransitionTime })) },
            };
            await clients.core.patchNamespaceStatus({ name, body }, MERGE_PATCH);
          } catch (error) {
            // Conditions are informative; a server without namespaces/status still gets emptied.
            if (!isUnsupported(error)) throw error;
          }
        } else if (action.type === 'finalize') {
          await finalize(namespace, action.finalizers);
        }
      }
      if (decision.requeueAfterMs !== undefined) return { requeueAfterMs: decision.requeueAfterMs };
    },
    deps.logger,
    deps.workers ?? 2,
  );
}
