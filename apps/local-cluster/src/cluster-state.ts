import type { KubeObject } from './api-types';
import { ResourceCatalog } from './registry/catalog';
import { Registry, type Clock } from './registry/registry';
import { storageKey, type ResourceDefinition } from './registry/resource-definition';
import { cronJobs, jobs } from './resources/batch';
import { ClusterIpAllocator } from './resources/cluster-ip-allocator';
import { configMaps } from './resources/configmaps';
import { CrdLifecycle } from './resources/crd-lifecycle';
import { deployments } from './resources/deployments';
import { endpoints } from './resources/endpoints';
import { endpointSlices } from './resources/endpointslices';
import { events } from './resources/events';
import { horizontalPodAutoscalers, horizontalPodAutoscalersV1 } from './resources/horizontalpodautoscalers';
import { ingresses } from './resources/ingresses';
import { leases } from './resources/leases';
import { namespaces } from './resources/namespaces';
import { networkPolicies } from './resources/networkpolicies';
import { nodes } from './resources/nodes';
import { type DefaultTolerationSeconds, podResource } from './resources/pods';
import { podDisruptionBudgets } from './resources/poddisruptionbudgets';
import { limitRanges, resourceQuotas } from './resources/quotas';
import { clusterRoleBindings, clusterRoles, roleBindings, roles } from './resources/rbac';
import { replicaSets } from './resources/replicasets';
import { secrets } from './resources/secrets';
import { serviceAccountAdmission, serviceAccounts } from './resources/serviceaccounts';
import { serviceResource } from './resources/services';
import { ObjectStore } from './storage/object-store';
import type { Snapshot } from './storage/snapshot';

export interface ClusterStateOptions {
  watchCacheSize: number;
  serviceCidr: string;
  clock: Clock;
  snapshot?: Snapshot;
  /** The DefaultTolerationSeconds admission's not-ready and unreachable seconds. @defaultValue 300 and 300 */
  defaultTolerationSeconds?: DefaultTolerationSeconds;
}

/**
 * Everything the API server holds: storage, the registry, the served resources (built-in and custom) and the
 * cluster-IP allocator. Built-in resources are served in kube's discovery order, core first.
 */
export class ClusterState {
  readonly store: ObjectStore;
  readonly registry: Registry;
  readonly catalog = new ResourceCatalog();
  readonly allocator: ClusterIpAllocator;
  readonly services: ResourceDefinition;
  readonly crds: ResourceDefinition;

  constructor(options: ClusterStateOptions) {
    this.store = new ObjectStore({
      watchCacheSize: options.watchCacheSize,
      initialResourceVersion: options.snapshot?.resourceVersion,
    });
    this.registry = new Registry(this.store, options.clock);
    this.registry.admission.push(serviceAccountAdmission(this.store));
    this.allocator = new ClusterIpAllocator(options.serviceCidr);
    this.services = serviceResource(this.allocator);
    // Serves CRDs' resources and finalizes deleted CRDs, inside the API server as apiextensions does.
    this.crds = new CrdLifecycle(this.registry, this.catalog).definition;
    const builtins = [
      podResource(options.defaultTolerationSeconds),
      this.services,
      endpoints,
      events,
      configMaps,
      secrets,
      serviceAccounts,
      namespaces,
      nodes,
      resourceQuotas,
      limitRanges,
      deployments,
      replicaSets,
      ingresses,
      networkPolicies,
      horizontalPodAutoscalers,
      horizontalPodAutoscalersV1,
      jobs,
      cronJobs,
      podDisruptionBudgets,
      clusterRoleBindings,
      clusterRoles,
      roleBindings,
      roles,
      leases,
      endpointSlices,
      this.crds,
    ];
    for (const definition of builtins) this.catalog.add(definition);
    if (options.snapshot) this.restore(options.snapshot, builtins);
  }

  private restore(snapshot: Snapshot, builtins: ResourceDefinition[]): void {
    for (const [key, objects] of Object.entries(snapshot.resources))
      for (const object of objects) this.store.restore(key, object);
    // Re-run the create hooks: CRDs serve their resources again, services hold their cluster IPs.
    for (const definition of builtins) {
      for (const stored of this.store.bucket(storageKey(definition)).objects.values())
        definition.strategy.afterCreate?.(stored.object);
    }
  }

  snapshot(): Snapshot {
    const resources: Record<string, KubeObject[]> = {};
    for (const key of this.store.bucketKeys()) {
      const objects = [...this.store.bucket(key).objects.values()].map((stored) => stored.object);
      if (objects.length > 0) resources[key] = objects;
    }
    return { version: 1, resourceVersion: this.store.resourceVersion, resources };
  }
}
