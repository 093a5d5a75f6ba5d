/**
 * Applies the Endpoints and EndpointSlice decisions for one Service, Endpoints first, each answer recorded in
 * its store. A delete of what is gone already is done; a create that finds the name taken (someone else made
 * it meanwhile) asks for another pass shortly, when the watch has brought it.
 */
import { isAlreadyExists, isNotFound } from '@cite/kube';
import type { Clients } from '../kit/clients';
import type { Informer } from '../kit/informer';
import { PATHS } from '../kit/raw-api';
import type { ReconcileResult } from '../kit/run-workers';
import type { EndpointSlice, Endpoints } from '../kit/wire';
import type { EndpointSliceAction } from './reconcile-endpoint-slices';
import type { EndpointsAction } from './reconcile-endpoints';

export interface EndpointsExecutorDeps {
  clients: Clients;
  endpoints: Informer<Endpoints>;
  endpointSlices: Informer<EndpointSlice>;
}

type Action = EndpointsAction | EndpointSliceAction;

/** Runs `actions` in order; a retry when one found its name taken. */
async function applyAll<A extends Action>(
  actions: A[],
  apply: (action: A) => Promise<void>,
): Promise<ReconcileResult | undefined> {
  for (const action of actions) {
    try {
      await apply(action);
    } catch (error) {
      if (isNotFound(error) && action.type === 'delete') continue;
      // Created meanwhile by someone else: the watch brings it, and the next pass updates it.
      if (isAlreadyExists(error) && action.type === 'create') return { requeueAfterMs: 100 };
      throw error;
    }
  }
  return undefined;
}

/** The Service `namespace/name`'s Endpoints actions (`observed`: the Endpoints as cached). */
export async function applyEndpointsActions(
  deps: EndpointsExecutorDeps,
  key: { namespace: string; name: string },
  observed: Endpoints | undefined,
  actions: EndpointsAction[],
): Promise<ReconcileResult | undefined> {
  const { clients, endpoints } = deps;
  return applyAll(actions, async (action) => {
    if (action.type === 'delete') {
      await clients.core.deleteNamespacedEndpoints({ name: action.name, namespace: action.namespace });
      if (observed) endpoints.store.recordDeleted(observed);
      return;
    }
    const { namespace, name } = key;
    const written =
      action.type === 'create'
        ? await clients.raw.create<Endpoints>(PATHS.endpoints(namespace), action.endpoints)
        : await clients.raw.replace<Endpoints>(PATHS.endpoints(namespace, name), action.endpoints);
    endpoints.store.recordWrite(written);
  });
}

export async function applyEndpointSliceActions(
  deps: EndpointsExecutorDeps,
  actions: EndpointSliceAction[],
): Promise<ReconcileResult | undefined> {
  const { clients, endpointSlices: slices } = deps;
  return applyAll(actions, async (action) => {
    if (action.type === 'delete') {
      await clients.discovery.deleteNamespacedEndpointSlice({
        name: action.name,
        namespace: action.namespace,
      });
      const gone = slices.store.get(action.namespace, action.name);
      if (gone) slices.store.recordDeleted(gone);
      return;
    }
    const { namespace = '', name = '' } = action.slice.metadata ?? {};
    const written =
      action.type === 'create'
        ? await clients.raw.create<EndpointSlice>(PATHS.endpointSlices(namespace), action.slice)
        : await clients.raw.replace<EndpointSlice>(PATHS.endpointSlices(namespace, name), action.slice);
    slices.store.recordWrite(written);
  });
}
