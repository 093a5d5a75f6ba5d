/**
 * Runs `namespaceDefaults` inside the API server's process, whether or not the controllers run: tests start
 * local-cluster without controllers, yet on a real cluster every namespace has its `kube-root-ca.crt` and
 * `default` ServiceAccount, and clients (and the ServiceAccount admission of pods) count on them. It follows
 * the store's events as kube's two controllers follow their informers: namespace added or changed, the
 * ConfigMap changed or deleted, the ServiceAccount deleted. Work is queued per namespace and done once the
 * write that caused it has finished (a microtask later), so the objects follow their namespace as they do on
 * a real cluster, only sooner: before the namespace's creator can send its next request.
 */
import type { KubeObject } from '../api-types';
import type { ClusterState } from '../cluster-state';
import { StatusError } from '../errors';
import type { ResourceDefinition } from '../registry/resource-definition';
import { storageKey } from '../registry/resource-definition';
import { configMaps } from '../resources/configmaps';
import { namespaces } from '../resources/namespaces';
import { DEFAULT_SERVICE_ACCOUNT, serviceAccounts } from '../resources/serviceaccounts';
import type { EventListener } from '../storage/object-store';
import { namespaceDefaults, ROOT_CA_CONFIG_MAP, type DefaultsAction } from './namespace-defaults';

export interface NamespaceDefaultsPublisher {
  /** Does the queued work now (start-up: the bootstrap's and a loaded snapshot's namespaces). */
  flush(): void;
  stop(): void;
}

const DEFINITIONS: Record<DefaultsAction['resource'], ResourceDefinition> = {
  configmaps: configMaps,
  serviceaccounts: serviceAccounts,
};

/** The writer a real cluster's managedFields name for both objects. */
const WRITER = { fieldManager: 'kube-controller-manager' };

/** Answers that mean someone else got there first or the namespace is going: nothing left to do. */
const SETTLED_CODES = new Set([403, 404, 409]);

export function startNamespaceDefaults(state: ClusterState, caCert: string): NamespaceDefaultsPublisher {
  const queued = new Set<string>();
  let scheduled = false;
  let stopped = false;
  const flush = () => {
    scheduled = false;
    for (const name of [...queued]) {
      queued.delete(name);
      if (!stopped) sync(state, name, caCert);
    }
  };
  const enqueue = (namespace: string | undefined) => {
    if (!namespace || stopped) return;
    queued.add(namespace);
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(flush);
  };
  const listeners: [string, EventListener][] = [
    [
      storageKey(namespaces),
      (event) => {
        if (event.type !== 'DELETED') enqueue(event.object.metadata.name);
      },
    ],
    [
      storageKey(configMaps),
      (event) => {
        if (event.type !== 'ADDED' && event.object.metadata.name === ROOT_CA_CONFIG_MAP)
          enqueue(event.object.metadata.namespace);
      },
    ],
    [
      storageKey(serviceAccounts),
      (event) => {
        if (event.type === 'DELETED' && event.object.metadata.name === DEFAULT_SERVICE_ACCOUNT)
          enqueue(event.object.metadata.namespace);
      },
    ],
  ];
  for (const [key, listener] of listeners) state.store.bucket(key).listeners.add(listener);
  for (const stored of state.store.bucket(storageKey(namespaces)).objects.values())
    enqueue(stored.object.metadata.name);
  return {
    flush,
    stop: () => {
      stopped = true;
      queued.clear();
      for (const [key, listener] of listeners) state.store.bucket(key).listeners.delete(listener);
    },
  };
}

/** Brings one namespace's defaults up to date through the registry, as the controllers would over the API. */
function sync(state: ClusterState, name: string, caCert: string): void {
  const find = (definition: ResourceDefinition, objectName: string): KubeObject | undefined =>
    state.registry.find(definition, name, objectName);
  const actions = namespaceDefaults(
    state.registry.find(namespaces, undefined, name),
    {
      configMap: find(configMaps, ROOT_CA_CONFIG_MAP),
      serviceAccount: find(serviceAccounts, DEFAULT_SERVICE_ACCOUNT),
    },
    caCert,
  );
  for (const action of actions) {
    const definition = DEFINITIONS[action.resource];
    try {
      if (action.type === 'create') state.registry.create(definition, name, action.object, WRITER);
      else state.registry.update(definition, name, action.object.metadata.name ?? '', action.object, WRITER);
    } catch (error) {
      if (!(error instanceof StatusError && SETTLED_CODES.has(error.status.code))) throw error;
    }
  }
}
