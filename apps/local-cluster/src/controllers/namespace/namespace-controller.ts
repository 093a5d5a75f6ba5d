/**
 * The namespace controller's loop: a namespace being deleted is emptied (deletecollection per resource, the
 * NamespaceContentRemaining condition kept current) and, once empty, finalized; the executor
 * (namespace-executor.ts) makes the calls.
 */
import type { Clients } from '../kit/clients';
import type { Informer } from '../kit/informer';
import type { ControllerLogger } from '../kit/logger';
import { runWorkers, type Workers } from '../kit/run-workers';
import type { Clock } from '../kit/time';
import { WorkQueue } from '../kit/work-queue';
import type { Namespace } from '../kit/wire';
import { namespaceExecutor } from './namespace-executor';
import { type NamespacedResource, builtInResources, customResources } from './namespaced-resources';
import { needsContentDeletion, reconcileNamespace } from './reconcile-namespace';

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
  const execute = namespaceExecutor(deps);
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
      const decision = reconcileNamespace(namespace, new Map(counts));
      await execute(namespace, name, decision, resources);
      if (decision.requeueAfterMs !== undefined) return { requeueAfterMs: decision.requeueAfterMs };
    },
    deps.logger,
    deps.workers ?? 2,
  );
}
