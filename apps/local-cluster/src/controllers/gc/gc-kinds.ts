/** The kinds the garbage collector watches, each with its typed read, delete and merge-patch calls. */
import { type Clients, MERGE_PATCH } from '../kit/clients';
import type { Informer, InformerSet } from '../kit/informer-set';
import type { KubeObject } from '../kit/wire';
import { type GcKind, OWNER_INDEX } from './gc-kind-table';

type Calls = Omit<GcKind, 'kind' | 'group' | 'informer'>;

/** Indexes each informer by owner uid (the collector's dependents lookup) and returns the kind table. */
export function garbageCollectedKinds(clients: Clients, informers: InformerSet): GcKind[] {
  const { core, apps } = clients;
  const kind = <T extends KubeObject>(
    name: string,
    group: string,
    informer: Informer<T>,
    calls: Calls,
  ): GcKind => {
    const shared = informer as unknown as Informer<KubeObject>;
    shared.store.addIndex(OWNER_INDEX, (object) =>
      (object.metadata?.ownerReferences ?? []).map((ref) => ref.uid),
    );
    return { kind: name, group, informer: shared, ...calls };
  };
  return [
    kind('Deployment', 'apps', informers.deployments, {
      read: (name, namespace) => apps.readNamespacedDeployment({ name, namespace }),
      delete: (name, namespace, body) => apps.deleteNamespacedDeployment({ name, namespace, body }),
      patch: (name, namespace, body) =>
        apps.patchNamespacedDeployment({ name, namespace, body }, MERGE_PATCH),
    }),
    kind('ReplicaSet', 'apps', informers.replicaSets, {
      read: (name, namespace) => apps.readNamespacedReplicaSet({ name, namespace }),
      delete: (name, namespace, body) => apps.deleteNamespacedReplicaSet({ name, namespace, body }),
      patch: (name, namespace, body) =>
        apps.patchNamespacedReplicaSet({ name, namespace, body }, MERGE_PATCH),
    }),
    kind('Pod', '', informers.pods, {
      read: (name, namespace) => core.readNamespacedPod({ name, namespace }),
      delete: (name, namespace, body) => core.deleteNamespacedPod({ name, namespace, body }),
      patch: (name, namespace, body) => core.patchNamespacedPod({ name, namespace, body }, MERGE_PATCH),
    }),
    kind('Service', '', informers.services, {
      read: (name, namespace) => core.readNamespacedService({ name, namespace }),
      delete: (name, namespace, body) => core.deleteNamespacedService({ name, namespace, body }),
      patch: (name, namespace, body) => core.patchNamespacedService({ name, namespace, body }, MERGE_PATCH),
    }),
    kind('ConfigMap', '', informers.configMaps, {
      read: (name, namespace) => core.readNamespacedConfigMap({ name, namespace }),
      delete: (name, namespace, body) => core.deleteNamespacedConfigMap({ name, namespace, body }),
      patch: (name, namespace, body) => core.patchNamespacedConfigMap({ name, namespace, body }, MERGE_PATCH),
    }),
    kind('Secret', '', informers.secrets, {
      read: (name, namespace) => core.readNamespacedSecret({ name, namespace }),
      delete: (name, namespace, body) => core.deleteNamespacedSecret({ name, namespace, body }),
      patch: (name, namespace, body) => core.patchNamespacedSecret({ name, namespace, body }, MERGE_PATCH),
    }),
  ];
}
