/** The typed API clients the controllers use, made once from the KubeConfig. */
import { KubeHttp, PooledKubeConfig } from '@cite/kube';
import {
  ApiextensionsV1Api,
  AppsV1Api,
  AutoscalingV2Api,
  BatchV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  type KubeConfig,
  NetworkingV1Api,
  PatchStrategy,
  PolicyV1Api,
  RbacAuthorizationV1Api,
  Watch,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { RawApi } from './raw-api';

export interface Clients {
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  networking: NetworkingV1Api;
  autoscaling: AutoscalingV2Api;
  discovery: DiscoveryV1Api;
  coordination: CoordinationV1Api;
  batch: BatchV1Api;
  policy: PolicyV1Api;
  rbac: RbacAuthorizationV1Api;
  apiextensions: ApiextensionsV1Api;
  custom: CustomObjectsApi;
  watch: Watch;
  /** Plain-JSON writes for the hot paths (see raw-api.ts). */
  raw: RawApi;
  /** Closes the pooled connections. */
  close(): Promise<void>;
}

export function makeClients(source: KubeConfig): Clients {
  // A pooled copy: client-node 2.0 would otherwise open a connection per request (see PooledKubeConfig).
  const kubeConfig = PooledKubeConfig.from(source);
  return {
    kubeConfig,
    core: kubeConfig.makeApiClient(CoreV1Api),
    apps: kubeConfig.makeApiClient(AppsV1Api),
    networking: kubeConfig.makeApiClient(NetworkingV1Api),
    autoscaling: kubeConfig.makeApiClient(AutoscalingV2Api),
    discovery: kubeConfig.makeApiClient(DiscoveryV1Api),
    coordination: kubeConfig.makeApiClient(CoordinationV1Api),
    batch: kubeConfig.makeApiClient(BatchV1Api),
    policy: kubeConfig.makeApiClient(PolicyV1Api),
    rbac: kubeConfig.makeApiClient(RbacAuthorizationV1Api),
    apiextensions: kubeConfig.makeApiClient(ApiextensionsV1Api),
    custom: kubeConfig.makeApiClient(CustomObjectsApi),
    watch: new Watch(kubeConfig),
    raw: new RawApi(new KubeHttp(kubeConfig)),
    close: () => kubeConfig.closePool(),
  };
}

/** Request options for an RFC 7386 JSON merge patch. */
export const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
