/**
 * The namespaced resources a namespace deletion empties, each as "count what is left" and "delete all of it"
 * through the typed clients; plus every namespaced custom resource the server's CRDs define. A resource the
 * server does not serve (404/405) counts as empty.
 */
import { isUnsupported } from '@cite/kube';
import type { Clients } from '../kit/clients';

export interface NamespacedResource {
  /** `pods`, `deployments.apps`, `widgets.example.com`. */
  name: string;
  count(namespace: string): Promise<number>;
  deleteAll(namespace: string): Promise<void>;
}

interface ListFn {
  (param: { namespace: string; limit?: number }): Promise<{ items?: unknown[] }>;
}
interface DeleteCollectionFn {
  (param: { namespace: string; body?: { propagationPolicy?: string } }): Promise<unknown>;
}

function typed(name: string, list: ListFn, deleteCollection: DeleteCollectionFn): NamespacedResource {
  return {
    name,
    async count(namespace) {
      try {
        return (await list({ namespace, limit: 500 })).items?.length ?? 0;
      } catch (error) {
        if (isUnsupported(error)) return 0;
        throw error;
      }
    },
    async deleteAll(namespace) {
      try {
        await deleteCollection({ namespace, body: { propagationPolicy: 'Background' } });
      } catch (error) {
        if (!isUnsupported(error)) throw error;
      }
    },
  };
}

export function builtInResources(clients: Clients): NamespacedResource[] {
  const { core, apps, networking, autoscaling, discovery, coordination, batch, policy, rbac } = clients;
  return [
    typed(
      'pods',
      (p) => core.listNamespacedPod(p),
      (p) => core.deleteCollectionNamespacedPod(p),
    ),
    typed(
      'services',
      (p) => core.listNamespacedService(p),
      (p) => core.deleteCollectionNamespacedService(p),
    ),
    typed(
      'endpoints',
      (p) => core.listNamespacedEndpoints(p),
      (p) => core.deleteCollectionNamespacedEndpoints(p),
    ),
    typed(
      'configmaps',
      (p) => core.listNamespacedConfigMap(p),
      (p) => core.deleteCollectionNamespacedConfigMap(p),
    ),
    typed(
      'secrets',
      (p) => core.listNamespacedSecret(p),
      (p) => core.deleteCollectionNamespacedSecret(p),
    ),
    typed(
      'serviceaccounts',
      (p) => core.listNamespacedServiceAccount(p),
      (p) => core.deleteCollectionNamespacedServiceAccount(p),
    ),
    typed(
      'events',
      (p) => core.listNamespacedEvent(p),
      (p) => core.deleteCollectionNamespacedEvent(p),
    ),
    typed(
      'deployments.apps',
      (p) => apps.listNamespacedDeployment(p),
      (p) => apps.deleteCollectionNamespacedDeployment(p),
    ),
    typed(
      'replicasets.apps',
      (p) => apps.listNamespacedReplicaSet(p),
      (p) => apps.deleteCollectionNamespacedReplicaSet(p),
    ),
    typed(
      'ingresses.networking.k8s.io',
      (p) => networking.listNamespacedIngress(p),
      (p) => networking.deleteCollectionNamespacedIngress(p),
    ),
    typed(
      'resourcequotas',
      (p) => core.listNamespacedResourceQuota(p),
      (p) => core.deleteCollectionNamespacedResourceQuota(p),
    ),
    typed(
      'limitranges',
      (p) => core.listNamespacedLimitRange(p),
      (p) => core.deleteCollectionNamespacedLimitRange(p),
    ),
    typed(
      'endpointslices.discovery.k8s.io',
      (p) => discovery.listNamespacedEndpointSlice(p),
      (p) => discovery.deleteCollectionNamespacedEndpointSlice(p),
    ),
    typed(
      'leases.coordination.k8s.io',
      (p) => coordination.listNamespacedLease(p),
      (p) => coordination.deleteCollectionNamespacedLease(p),
    ),
    typed(
      'horizontalpodautoscalers.autoscaling',
      (p) => autoscaling.listNamespacedHorizontalPodAutoscaler(p),
      (p) => autoscaling.deleteCollectionNamespacedHorizontalPodAutoscaler(p),
    ),
    typed(
      'networkpolicies.networking.k8s.io',
      (p) => networking.listNamespacedNetworkPolicy(p),
      (p) => networking.deleteCollectionNamespacedNetworkPolicy(p),
    ),
    typed(
      'jobs.batch',
      (p) => batch.listNamespacedJob(p),
      (p) => batch.deleteCollectionNamespacedJob(p),
    ),
    typed(
      'cronjobs.batch',
      (p) => batch.listNamespacedCronJob(p),
      (p) => batch.deleteCollectionNamespacedCronJob(p),
    ),
    typed(
      'poddisruptionbudgets.policy',
      (p) => policy.listNamespacedPodDisruptionBudget(p),
      (p) => policy.deleteCollectionNamespacedPodDisruptionBudget(p),
    ),
    typed(
      'roles.rbac.authorization.k8s.io',
      (p) => rbac.listNamespacedRole(p),
      (p) => rbac.deleteCollectionNamespacedRole(p),
    ),
    typed(
      'rolebindings.rbac.authorization.k8s.io',
      (p) => rbac.listNamespacedRoleBinding(p),
      (p) => rbac.deleteCollectionNamespacedRoleBinding(p),
    ),
  ];
}

/** Namespaced custom resources, from the served versions of the cluster's CRDs. */
export async function customResources(clients: Clients): Promise<NamespacedResource[]> {
  let crds: {
    spec?: {
      group: string;
      scope: string;
      names: { plural: string };
      versions: { name: string; served: boolean }[];
    };
  }[];
  try {
    crds = (await clients.apiextensions.listCustomResourceDefinition()).items ?? [];
  } catch (error) {
    if (isUnsupported(error)) return [];
    throw error;
  }
  const resources: NamespacedResource[] = [];
  for (const crd of crds) {
    const spec = crd.spec;
    const version = spec?.versions.find((candidate) => candidate.served)?.name;
    if (!spec || spec.scope !== 'Namespaced' || !version) continue;
    const { group } = spec;
    const plural = spec.names.plural;
    resources.push(
      typed(
        `${plural}.${group}`,
        async ({ namespace }) =>
          (await clients.custom.listNamespacedCustomObject({ group, version, namespace, plural })) as {
            items?: unknown[];
          },
        ({ namespace }) =>
          clients.custom.deleteCollectionNamespacedCustomObject({ group, version, namespace, plural }),
      ),
    );
  }
  return resources;
}
