/**
 * The ingress controller stand-in's loop: an informer over the Ingresses of every namespace, their keys queued
 * on add and update, each pass publishing the VIPs through a merge patch of the `/status` subresource (as
 * ingress-nginx's status sync does). It keeps its own informer: no other controller reads Ingresses.
 */
import { isNotFound } from '@cite/kube';
import type { Clients } from '../kit/clients';
import { Informer } from '../kit/informer';
import type { ControllerLogger } from '../kit/logger';
import { PATHS } from '../kit/raw-api';
import { runWorkers, type Workers } from '../kit/run-workers';
import { WorkQueue } from '../kit/work-queue';
import { keyOf, splitKey } from '../kit/wire';
import { type Ingress, type IngressAction, reconcileIngress } from './reconcile-ingress';

export interface IngressControllerDeps {
  clients: Clients;
  /** The addresses every Ingress's status lists, in order (checked by `ingressVipsProblem` beforehand). */
  vips: readonly string[];
  logger: ControllerLogger;
}

export interface RunningIngressController extends Workers {
  /** Resolves once the Ingress informer has its first list. */
  synced: Promise<void>;
}

export function startIngressController(deps: IngressControllerDeps): RunningIngressController {
  const { clients, vips, logger } = deps;
  const ingresses = new Informer<Ingress>(
    {
      name: 'ingresses',
      path: '/apis/networking.k8s.io/v1/ingresses',
      list: () => clients.networking.listIngressForAllNamespaces(),
    },
    clients.watch,
    { logger },
  );
  const queue = new WorkQueue();
  const enqueue = (ingress: Ingress): void => queue.add(keyOf(ingress));
  // A deleted Ingress needs nothing written; adds and updates (someone else's status write too) are checked.
  ingresses.addHandlers({ add: enqueue, update: enqueue });
  ingresses.start();

  const workers = runWorkers(
    'ingress',
    queue,
    async (key) => {
      const { namespace, name } = splitKey(key);
      for (const action of reconcileIngress(ingresses.store.get(namespace, name), vips))
        await applyIngressAction(clients, ingresses, action);
    },
    logger,
  );
  return {
    synced: ingresses.synced,
    async stop() {
      await workers.stop();
      await ingresses.stop();
    },
  };
}

/** Patches the status; an Ingress deleted meanwhile needs nothing more. */
async function applyIngressAction(
  clients: Clients,
  ingresses: Informer<Ingress>,
  action: IngressAction,
): Promise<void> {
  try {
    const written = await clients.raw.mergePatch<Ingress>(
      PATHS.ingresses(action.namespace, action.name, 'status'),
      action.patch,
    );
    ingresses.store.recordWrite(written);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
