/**
 * The shared informers (one watch per resource for all controllers, as a SharedInformerFactory gives), made
 * from the typed list calls and the collection paths.
 */
import { Informer, type InformerSpec } from './informer';
import type { Clients } from './clients';
import type { ControllerLogger } from './logger';
import { NODE_LEASE_NAMESPACE, NODE_PATHS } from './raw-api';
import type {
  ConfigMap,
  Deployment,
  EndpointSlice,
  Endpoints,
  KubeObject,
  Lease,
  Namespace,
  Node,
  Pod,
  ReplicaSet,
  Secret,
  Service,
} from './wire';

export { Informer } from './informer';

export class InformerSet {
  readonly pods: Informer<Pod>;
  readonly nodes: Informer<Node>;
  readonly namespaces: Informer<Namespace>;
  readonly services: Informer<Service>;
  readonly endpoints: Informer<Endpoints>;
  readonly endpointSlices: Informer<EndpointSlice>;
  readonly deployments: Informer<Deployment>;
  readonly replicaSets: Informer<ReplicaSet>;
  /** The kubelets' heartbeats: the Leases of kube-node-lease only, as the node lifecycle controller watches. */
  readonly nodeLeases: Informer<Lease>;
  /** Only the garbage collector reads these; the controllers do not wait for them. */
  readonly configMaps: Informer<ConfigMap>;
  readonly secrets: Informer<Secret>;
  private readonly required: [string, Informer<KubeObject>][] = [];
  private readonly all: Informer<KubeObject>[] = [];
  private readonly synced = new Set<string>();

  constructor(clients: Clients, logger: ControllerLogger) {
    const { core, apps, discovery, coordination } = clients;
    const make = <T extends KubeObject>(spec: InformerSpec, required = true): Informer<T> => {
      const informer = new Informer<T>(spec, clients.watch, { logger });
      this.all.push(informer as unknown as Informer<KubeObject>);
      if (required) this.required.push([spec.name, informer as unknown as Informer<KubeObject>]);
      void informer.synced.then(() => this.synced.add(spec.name));
      return informer;
    };
    this.pods = make({ name: 'pods', path: '/api/v1/pods', list: () => core.listPodForAllNamespaces() });
    this.nodes = make({ name: 'nodes', path: '/api/v1/nodes', list: () => core.listNode() });
    this.namespaces = make({
      name: 'namespaces',
      path: '/api/v1/namespaces',
      list: () => core.listNamespace(),
    });
    this.services = make({
      name: 'services',
      path: '/api/v1/services',
      list: () => core.listServiceForAllNamespaces(),
    });
    this.endpoints = make({
      name: 'endpoints',
      path: '/api/v1/endpoints',
      list: () => core.listEndpointsForAllNamespaces(),
    });
    this.endpointSlices = make({
      name: 'endpointslices',
      path: '/apis/discovery.k8s.io/v1/endpointslices',
      list: () => discovery.listEndpointSliceForAllNamespaces(),
    });
    this.deployments = make({
      name: 'deployments',
      path: '/apis/apps/v1/deployments',
      list: () => apps.listDeploymentForAllNamespaces(),
    });
    this.replicaSets = make({
      name: 'replicasets',
      path: '/apis/apps/v1/replicasets',
      list: () => apps.listReplicaSetForAllNamespaces(),
    });
    this.nodeLeases = make({
      name: 'leases',
      path: NODE_PATHS.lease(),
      list: () => coordination.listNamespacedLease({ namespace: NODE_LEASE_NAMESPACE }),
    });
    this.configMaps = make(
      { name: 'configmaps', path: '/api/v1/configmaps', list: () => core.listConfigMapForAllNamespaces() },
      false,
    );
    this.secrets = make(
      { name: 'secrets', path: '/api/v1/secrets', list: () => core.listSecretForAllNamespaces() },
      false,
    );
  }

  startAll(): void {
    for (const informer of this.all) informer.start();
  }

  /** Resolves when every informer the controllers depend on has its first list. */
  async requiredSynced(): Promise<void> {
    await Promise.all(this.required.map(([, informer]) => informer.synced));
  }

  unsynced(): string[] {
    return this.required.map(([name]) => name).filter((name) => !this.synced.has(name));
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.all.map((informer) => informer.stop()));
  }
}
