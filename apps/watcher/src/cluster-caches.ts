/**
 * The watcher's view of the cluster: one client-node informer per resource it reads (every namespace), slimmed,
 * and the indexes that turn each change into the records it touches. `onDirty` hears those records' keys.
 */
import { LABELS, MANAGED_BY, startInformer, type Informer, type KubeHttp } from '@cite/kube';
import { citeServiceOf, hostsOf, podIpOf } from '@cite/observe';
import type {
  KubernetesObject,
  V1Deployment,
  V1EndpointSlice,
  V1Endpoints,
  V1Ingress,
  V1Node,
  V1Pod,
  V1Service,
} from '@kubernetes/client-node';
import { Relation } from './indexes';
import { dirtyKey, type RecordKind } from './records';
import {
  keyOf,
  slimDeployment,
  slimEndpoints,
  slimIngress,
  slimNode,
  slimPod,
  slimService,
  slimSlice,
} from './slim';

export interface CacheEvents {
  /** Records to decide again (`dirtyKey`s). */
  onDirty(keys: readonly string[]): void;
  /** One event of `resource` arrived. */
  onEvent?(resource: string): void;
  onError?(resource: string, error: unknown, retryInMs: number): void;
  /** A resource was listed again (after a 410 Gone or a failed watch). */
  onRelist?(resource: string, count: number): void;
  /** A pod changed or went (the log shipper follows its containers). */
  onPod?(pod: V1Pod, gone: boolean): void;
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export class ClusterCaches {
  readonly ingresses: Informer<V1Ingress>;
  readonly services: Informer<V1Service>;
  readonly slices: Informer<V1EndpointSlice>;
  readonly endpoints: Informer<V1Endpoints>;
  readonly pods: Informer<V1Pod>;
  readonly nodes: Informer<V1Node>;
  readonly deployments: Informer<V1Deployment>;
  /** Ingress `ns/name` → the hosts it routes. */
  readonly ingressHosts = new Relation();
  /** Slice `ns/name` → the `ns/service` it belongs to. */
  readonly sliceServices = new Relation();
  /** Pod `ns/name` → the address it holds. */
  readonly podIps = new Relation();
  /** Pod `ns/name` → its node. */
  readonly podNodes = new Relation();
  /** Pod `ns/name` → `ns/service` of the cite service it belongs to. */
  readonly podServices = new Relation();
  /** Pod `ns/name` → what its address and node records were last decided from. */
  private readonly addressing = new Map<string, string>();

  constructor(
    http: KubeHttp,
    private readonly events: CacheEvents,
  ) {
    const citeOnly = `${LABELS.managedBy}=${MANAGED_BY}`;
    this.ingresses = this.inform(http, 'ingresses', '/apis/networking.k8s.io/v1/ingresses', slimIngress, {
      change: (ingress) => this.mark('domain', this.ingressHosts.set(keyOf(ingress), hostsOf(ingress))),
      gone: (ingress) => this.mark('domain', this.ingressHosts.delete(keyOf(ingress))),
    });
    this.services = this.inform(
      http,
      'services',
      '/api/v1/services',
      slimService,
      {
        change: (service) => this.mark('lb', [keyOf(service)]),
        gone: (service) => this.mark('lb', [keyOf(service)]),
      },
      citeOnly,
    );
    this.slices = this.inform(http, 'endpointslices', '/apis/discovery.k8s.io/v1/endpointslices', slimSlice, {
      change: (slice) => this.mark('lb', this.sliceServices.set(keyOf(slice), sliceService(slice))),
      gone: (slice) => this.mark('lb', this.sliceServices.delete(keyOf(slice))),
    });
    this.endpoints = this.inform(http, 'endpoints', '/api/v1/endpoints', slimEndpoints, {
      change: (endpoints) => this.mark('lb', [keyOf(endpoints)]),
      gone: (endpoints) => this.mark('lb', [keyOf(endpoints)]),
    });
    this.pods = this.inform(http, 'pods', '/api/v1/pods', slimPod, {
      change: (pod) => this.podChanged(pod, false),
      gone: (pod) => this.podChanged(pod, true),
    });
    this.nodes = this.inform(http, 'nodes', '/api/v1/nodes', slimNode, {
      change: (node) => this.mark('node', [node.metadata?.name ?? '']),
      gone: (node) => this.mark('node', [node.metadata?.name ?? '']),
    });
    this.deployments = this.inform(
      http,
      'deployments',
      '/apis/apps/v1/deployments',
      slimDeployment,
      {
        change: (deployment) => this.mark('status', citeService(deployment)),
        gone: (deployment) => this.mark('status', citeService(deployment)),
      },
      citeOnly,
    );
  }

  /** Resolves once every informer holds its first list. */
  async synced(): Promise<void> {
    await Promise.all(this.all().map((informer) => informer.synced));
  }

  async stop(): Promise<void> {
    await Promise.all(this.all().map((informer) => informer.stop()));
  }

  /** The pods that report `ip` (normally one). */
  podsWithIp(ip: string): V1Pod[] {
    return this.objects(this.pods, this.podIps.ownersOf(ip));
  }

  /** The pods on `node`. */
  podsOn(node: string): V1Pod[] {
    return this.objects(this.pods, this.podNodes.ownersOf(node));
  }

  /** The pods of a cite service (`ns/service`). */
  podsOf(namespace: string, service: string): V1Pod[] {
    return this.objects(this.pods, this.podServices.ownersOf(`${namespace}/${service}`));
  }

  /** The Ingresses that route `host`. */
  ingressesFor(host: string): V1Ingress[] {
    return this.objects(this.ingresses, this.ingressHosts.ownersOf(host));
  }

  /** The EndpointSlices of the Service `ns/name`. */
  slicesOf(service: string): V1EndpointSlice[] {
    return this.objects(this.slices, this.sliceServices.ownersOf(service));
  }

  private objects<T>(informer: Informer<T>, refs: readonly string[]): T[] {
    return refs.flatMap((ref) => {
      const slash = ref.indexOf('/');
      const found = informer.get(ref.slice(slash + 1), ref.slice(0, slash) || undefined);
      return found ? [found] : [];
    });
  }

  private podChanged(pod: V1Pod, gone: boolean): void {
    this.events.onPod?.(pod, gone);
    const ref = keyOf(pod);
    const ip = gone ? null : podIpOf(pod);
    const node = gone ? undefined : pod.spec?.nodeName;
    const service = gone ? null : citeServiceOf(pod);
    // The address and node records depend on few fields: a readiness flip (most pod events) leaves them alone.
    const addressing = gone ? '' : `${ip} ${node} ${service} ${pod.metadata?.deletionTimestamp ? 1 : 0}`;
    if (this.addressing.get(ref) !== addressing) {
      if (gone) this.addressing.delete(ref);
      else this.addressing.set(ref, addressing);
      this.mark('ip', this.podIps.set(ref, ip ? [ip] : []));
      this.mark('node', this.podNodes.set(ref, node ? [node] : []));
    }
    const services = this.podServices.set(
      ref,
      service ? [`${pod.metadata?.namespace ?? ''}/${service}`] : [],
    );
    this.mark(
      'status',
      services.map((key) => key.slice(key.indexOf('/') + 1)),
    );
  }

  private mark(kind: RecordKind, ids: readonly string[]): void {
    const keys = ids.filter(Boolean).map((id) => dirtyKey(kind, id));
    if (keys.length > 0) this.events.onDirty(keys);
  }

  private inform<T extends KubernetesObject>(
    http: KubeHttp,
    resource: string,
    path: string,
    slim: (object: T) => T,
    on: { change(object: T): void; gone(object: T): void },
    labelSelector?: string,
  ): Informer<T> {
    const seen = (handler: (object: T) => void) => (object: T) => {
      this.events.onEvent?.(resource);
      handler(object);
    };
    return startInformer<T>(
      http,
      { path, slim, ...(labelSelector ? { labelSelector } : {}) },
      {
        add: seen(on.change),
        update: seen(on.change),
        delete: seen(on.gone),
        error: (error, retryInMs) => this.events.onError?.(resource, error, retryInMs),
        listed: (count, relist) => {
          if (relist) this.events.onRelist?.(resource, count);
        },
      },
    );
  }

  private all(): Informer<unknown>[] {
    return [
      this.ingresses,
      this.services,
      this.slices,
      this.endpoints,
      this.pods,
      this.nodes,
      this.deployments,
    ] as Informer<unknown>[];
  }
}

/** The Service a slice belongs to, as `ns/name`. */
function sliceService(slice: V1EndpointSlice): string[] {
  const name = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
  return name ? [`${slice.metadata?.namespace ?? ''}/${name}`] : [];
}

/** The cite service a Deployment runs, as a one-element list (or none). */
function citeService(deployment: V1Deployment): string[] {
  const name = citeServiceOf(deployment);
  return name ? [name] : [];
}
