/**
 * The Endpoints and EndpointSlice controllers' loop: Service keys, queued on Service, pod, Endpoints and
 * EndpointSlice changes; each pass writes the Service's Endpoints, then its slices (endpoints-executor.ts).
 */
import type { Clients } from '../kit/clients';
import type { Informer } from '../kit/informer';
import { mapSelectorMatches } from '../kit/labels';
import type { ControllerLogger } from '../kit/logger';
import { keyEnqueueHandlers } from '../kit/owner-enqueue';
import { runWorkers, type Workers } from '../kit/run-workers';
import { WorkQueue } from '../kit/work-queue';
import { type EndpointSlice, type Endpoints, type Pod, type Service, keyOf, splitKey } from '../kit/wire';
import { applyEndpointSliceActions, applyEndpointsActions } from './endpoints-executor';
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
  const { services, endpoints, endpointSlices, pods } = deps;
  const queue = new WorkQueue();
  const enqueueServicesOf = (pod: Pod): void => {
    for (const service of services.store.list(pod.metadata?.namespace ?? '')) {
      if (mapSelectorMatches(service.spec?.selector, pod.metadata?.labels)) queue.add(keyOf(service));
    }
  };
  services.addHandlers(keyEnqueueHandlers(queue));
  const { update, delete: deleted } = keyEnqueueHandlers<Endpoints>(queue);
  endpoints.addHandlers({ update, delete: deleted });
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
      const endpointsActions = reconcileEndpoints(service, observed, podsInNamespace);
      const retry = await applyEndpointsActions(deps, { namespace, name }, observed, endpointsActions);
      if (retry) return retry;
      const slices = endpointSlices.store
        .list(namespace)
        .filter((slice) => managedSlice(slice) && slice.metadata?.labels?.[SERVICE_NAME_LABEL] === name);
      return applyEndpointSliceActions(deps, reconcileEndpointSlices(service, slices, podsInNamespace));
    },
    deps.logger,
    deps.workers ?? 2,
  );
}

const managedSlice = (slice: EndpointSlice): boolean =>
  slice.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY;
