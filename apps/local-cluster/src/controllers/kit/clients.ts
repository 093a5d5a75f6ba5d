/** The typed API clients the controllers use, made once from the KubeConfig. */
import {
  ApiextensionsV1Api,
  AppsV1Api,
  AutoscalingV2Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  type KubeConfig,
  KubeConfig as ClientKubeConfig,
  NetworkingV1Api,
  PatchStrategy,
  type RequestContext,
  Watch,
  setHeaderOptions,
} from '@kubernetes/client-node';

export interface Clients {
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  networking: NetworkingV1Api;
  autoscaling: AutoscalingV2Api;
  discovery: DiscoveryV1Api;
  coordination: CoordinationV1Api;
  apiextensions: ApiextensionsV1Api;
  custom: CustomObjectsApi;
  watch: Watch;
  /** Closes the pooled connections. */
  close(): Promise<void>;
}

interface Closable {
  close?: () => Promise<void>;
}

/**
 * A KubeConfig whose requests share one connection pool. client-node 2.0 builds a new undici Agent for every
 * request whenever TLS options are set (and `insecure-skip-tls-verify`, which plain-HTTP clusters need, counts),
 * so each request opens its own keep-alive connection that lingers after it: under controller load that is
 * thousands of sockets. The first Agent built is kept and handed to every later request.
 */
class PooledKubeConfig extends ClientKubeConfig {
  private pooled: unknown;

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const built = context.getDispatcher();
    if (built === undefined) return;
    this.pooled ??= built;
    if (built !== this.pooled) void (built as Closable).close?.();
    context.setDispatcher(this.pooled as typeof built);
  }

  async closePool(): Promise<void> {
    await (this.pooled as Closable | undefined)?.close?.();
  }
}

export function makeClients(source: KubeConfig): Clients {
  const kubeConfig = new PooledKubeConfig();
  kubeConfig.loadFromString(source.exportConfig());
  return {
    kubeConfig,
    core: kubeConfig.makeApiClient(CoreV1Api),
    apps: kubeConfig.makeApiClient(AppsV1Api),
    networking: kubeConfig.makeApiClient(NetworkingV1Api),
    autoscaling: kubeConfig.makeApiClient(AutoscalingV2Api),
    discovery: kubeConfig.makeApiClient(DiscoveryV1Api),
    coordination: kubeConfig.makeApiClient(CoordinationV1Api),
    apiextensions: kubeConfig.makeApiClient(ApiextensionsV1Api),
    custom: kubeConfig.makeApiClient(CustomObjectsApi),
    watch: new Watch(kubeConfig),
    close: () => kubeConfig.closePool(),
  };
}

/** Request options for an RFC 7386 JSON merge patch. */
export const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
