/**
 * The Endpoints and EndpointSlice controllers' loop: Service keys, queued on Service, pod, Endpoints and
 * EndpointSlice changes; each pass writes the Service's Endpoints, then its slices.
 */
import { isAlreadyExists, isNotFound } from '../kit/api-errors';
import type { Clients } from '../kit/clients';
import { PATHS } from '../kit/raw-api';
import type { Informer } from '../kit/informer';
import { mapSelectorMatches } from '../kit/labels';
import type { ControllerLogger } from '../kit/logger';
import { runWorkers, type Workers } from '../kit/run-workers';
import { WorkQueue } from '../kit/work-queue';
import { type EndpointSlice, type Endpoints, type Pod, type Service, keyOf, splitKey } from '../kit/wire';
import {
  MANAGED_BY,
  MANAGED_BY_LABEL,
  SERVICE_NAME_LABEL,
  reconcileEndpointSlices,
} from './reconcile-endpoint-slices';
import { reconcileEndpoints } from './reconcile-endpoints';

export interface EndpointsControllerDeps {
  clients: Clients;
  services: Informer<Service>;
  endpoints: Informer<Endpoints>;
  endpointSlices: Informer<EndpointSlice>;
  pods: Informer<Pod>;
  logger: ControllerLogger;
  workers?: number;
}

export function startEndpointsController(deps: EndpointsControllerDeps): Workers {
  const { clients, services, endpoints, endpointSlices, pods } = deps;
  const queue = new WorkQueue();
  const enqueueServicesOf = (pod: Pod): void => {
    for (const service of services.store.list(pod.metadata?.namespace ?? '')) {
      if (mapSelectorMatches(service.spec?.selector, pod.metadata?.labels)) queue.add(keyOf(service));
    }
  };
  const enqueueKey = (object: Service | Endpoints): void => queue.add(keyOf(object));
  services.addHandlers({ add: enqueueKey, update: enqueueKey, delete: enqueueKey });
  endpoints.addHandlers({ update: enqueueKey, delete: enqueueKey });
  const enqueueServiceOf = (slice: EndpointSlice): void => {
    const service = managedSlice(slice) ? slice.metadata?.labels?.[SERVICE_NAME_LABEL] : undefined;
    if (service) queue.add(`${slice.metadata?.namespace ?? ''}/${service}`);
  };
  endpointSlices.addHandlers({ update: enqueueServiceOf, delete: enqueueServiceOf });
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
            const created = await clients.raw.create<Endpoints>(PATHS.endpoints(namespace), action.endpoints);
            endpoints.store.recordWrite(created);
          } else if (action.type === 'update') {
            const replaced = await clients.raw.replace<Endpoints>(
              PATHS.endpoints(namespace, name),
              action.endpoints,
            );
            endpoints.store.recordWrite(replaced);
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
      const slices = endpointSlices.store
        .list(namespace)
        .filter((slice) => managedSlice(slice) && slice.metadata?.labels?.[SERVICE_NAME_LABEL] === name);
      for (const action of reconcileEndpointSlices(service, slices, podsInNamespace)) {
        try {
          await applySliceAction(clients, endpointSlices, action);
        } catch (error) {
          if (isNotFound(error) && action.type === 'delete') continue;
          if (isAlreadyExists(error) && action.type === 'create') return { requeueAfterMs: 100 };
          throw error;
        }
      }
    },
    deps.logger,
    deps.workers ?? 2,
  );
}

const managedSlice = (slice: EndpointSlice): boolean =>
  slice.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY;

async function applySliceAction(
  clients: Clients,
  slices: Informer<EndpointSlice>,
  action: ReturnType<typeof reconcileEndpointSlices>[number],
): Promise<void> {
  if (action.type === 'delete') {
    await clients.discovery.deleteNamespacedEndpointSlice({ name: action.name, namespace: action.namespace });
    const gone = slices.store.get(action.namespace, action.name);
    if (gone) slices.store.recordDeleted(gone);
    return;
  }
  const namespace = action.slice.metadata?.namespace ?? '';
  const written =
    action.type === 'create'
      ? await clients.raw.create<EndpointSlice>(PATHS.endpointSlices(namespace), action.slice)
      : await clients.raw.replace<EndpointSlice>(
          PATHS.endpointSlices(namespace, action.slice.metadata?.name ?? ''),
          action.slice,
        );
  slices.store.recordWrite(written);
}
