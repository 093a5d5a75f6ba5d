/** The Endpoints controller's loop: Service keys, queued on Service, pod and Endpoints changes. */
import { isAlreadyExists, isNotFound } from '../kit/api-errors';
import type { Clients } from '../kit/clients';
import type { Informer } from '../kit/informer';
import { mapSelectorMatches } from '../kit/labels';
import type { ControllerLogger } from '../kit/logger';
import { runWorkers, type Workers } from '../kit/run-workers';
import { WorkQueue } from '../kit/work-queue';
import { type Endpoints, type Pod, type Service, asBody, keyOf, splitKey, toWire } from '../kit/wire';
import { reconcileEndpoints } from './reconcile-endpoints';

export interface EndpointsControllerDeps {
  clients: Clients;
  services: Informer<Service>;
  endpoints: Informer<Endpoints>;
  pods: Informer<Pod>;
  logger: ControllerLogger;
  workers?: number;
}

export function startEndpointsController(deps: EndpointsControllerDeps): Workers {
  const { clients, services, endpoints, pods } = deps;
  const queue = new WorkQueue();
  const enqueueServicesOf = (pod: Pod): void => {
    for (const service of services.store.list(pod.metadata?.namespace ?? '')) {
      if (mapSelectorMatches(service.spec?.selector, pod.metadata?.labels)) queue.add(keyOf(service));
    }
  };
  const enqueueKey = (object: Service | Endpoints): void => queue.add(keyOf(object));
  services.addHandlers({ add: enqueueKey, update: enqueueKey, delete: enqueueKey });
  endpoints.addHandlers({ update: enqueueKey, delete: enqueueKey });
  pods.addHandlers({
    add: enqueueServicesOf,
    update: (pod, old) => {
      enqueueServicesOf(pod);
      if (old.metadata?.labels !== pod.metadata?.labels) enqueueServicesOf(old);
    },
    delete: enqueueServicesOf,
  });

  return runWorkers(
    'endpoints',
    queue,
    async (key) => {
      const { namespace, name } = splitKey(key);
      const service = services.store.get(namespace, name);
      const observed = endpoints.store.get(namespace, name);
      const podsInNamespace = service ? pods.store.list(namespace) : [];
      for (const action of reconcileEndpoints(service, observed, podsInNamespace)) {
        try {
          if (action.type === 'create') {
            const created = await clients.core.createNamespacedEndpoints({
              namespace,
              body: asBody(action.endpoints),
            });
            endpoints.store.recordWrite(toWire(created) as Endpoints);
          } else if (action.type === 'update') {
            const replaced = await clients.core.replaceNamespacedEndpoints({
              name,
              namespace,
              body: asBody(action.endpoints),
            });
            endpoints.store.recordWrite(toWire(replaced) as Endpoints);
          } else {
            await clients.core.deleteNamespacedEndpoints({ name: action.name, namespace: action.namespace });
            if (observed) endpoints.store.recordDeleted(observed);
          }
        } catch (error) {
          if (isNotFound(error) && action.type === 'delete') continue;
          // Created meanwhile by someone else: the watch brings it, and the next pass updates it.
          if (isAlreadyExists(error) && action.type === 'create') return { requeueAfterMs: 100 };
          throw error;
        }
      }
    },
    deps.logger,
    deps.workers ?? 2,
  );
}
