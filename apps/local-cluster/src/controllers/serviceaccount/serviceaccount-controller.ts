/** Keeps a `default` ServiceAccount in every namespace: queued per namespace, on namespace and SA changes. */
import { isAlreadyExists, statusCodeOf } from '@cite/kube';
import type { Clients } from '../kit/clients';
import type { Informer } from '../kit/informer';
import type { ControllerLogger } from '../kit/logger';
import { runWorkers, type Workers } from '../kit/run-workers';
import { WorkQueue } from '../kit/work-queue';
import { type Namespace, type ServiceAccount, asBody, toWire } from '../kit/wire';
import { DEFAULT_SERVICE_ACCOUNT, reconcileServiceAccount } from './reconcile-serviceaccount';

export interface ServiceAccountControllerDeps {
  clients: Clients;
  namespaces: Informer<Namespace>;
  serviceAccounts: Informer<ServiceAccount>;
  logger: ControllerLogger;
}

export function startServiceAccountController(deps: ServiceAccountControllerDeps): Workers {
  const { clients, namespaces, serviceAccounts } = deps;
  const queue = new WorkQueue();
  namespaces.addHandlers({
    add: (namespace) => queue.add(namespace.metadata?.name ?? ''),
    update: (namespace) => queue.add(namespace.metadata?.name ?? ''),
  });
  serviceAccounts.addHandlers({
    delete: (sa) => {
      if (sa.metadata?.name === DEFAULT_SERVICE_ACCOUNT) queue.add(sa.metadata?.namespace ?? '');
    },
  });
  return runWorkers(
    'serviceaccount',
    queue,
    async (name) => {
      const existing = serviceAccounts.store.get(name, DEFAULT_SERVICE_ACCOUNT);
      for (const action of reconcileServiceAccount(namespaces.store.get('', name), existing)) {
        try {
          const created = await clients.core.createNamespacedServiceAccount({
            namespace: name,
            body: asBody(action.serviceAccount),
          });
          serviceAccounts.store.recordWrite(toWire(created) as ServiceAccount);
        } catch (error) {
          // Already there, or the namespace is going or gone (403 Forbidden / 404).
          const code = statusCodeOf(error);
          if (isAlreadyExists(error) || code === 403 || code === 404) return;
          throw error;
        }
      }
    },
    deps.logger,
  );
}
