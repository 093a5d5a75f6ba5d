/**
 * Endpoints follow pods and their readiness, through @kubernetes/client-node.
 * https://kubernetes.io/docs/concepts/services-networking/service/#endpoints
 */
import {
  DiscoveryV1Api,
  PatchStrategy,
  type V1EndpointSlice,
  type V1Endpoints,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  type TestCluster,
  createNamespace,
  emulatorOnly,
  startTestCluster,
  ZERO_DELAYS,
} from './support/cluster';
import { deploymentBody, waitFor } from './support/controllers';

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

describe('controllers: endpoints', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster({ controllers: true, delays: ZERO_DELAYS });
  }, 30_000);
  afterAll(() => cluster?.stop(), 30_000);

  const endpointsOf = (namespace: string, name = 'web'): Promise<V1Endpoints> =>
    cluster.core.readNamespacedEndpoints({ name, namespace });
  const ips = (endpoints: V1Endpoints, kind: 'addresses' | 'notReadyAddresses'): string[] =>
    (endpoints.subsets ?? []).flatMap((subset) => (subset[kind] ?? []).map((address) => address.ip)).sort();
  const service = (
    namespace: string,
    name: string,
    selector: Record<string, string> | undefined,
    targetPort: number | string,
  ) =>
    cluster.core.createNamespacedService({
      namespace,
      body: {
        metadata: { name },
        spec: { ...(selector ? { selector } : {}), ports: [{ name: 'http', port: 80, targetPort }] },
      },
    });

  const slicesOf = async (namespace: string, name = 'web'): Promise<V1EndpointSlice[]> =>
    (
      await cluster.kubeConfig.makeApiClient(DiscoveryV1Api).listNamespacedEndpointSlice({
        namespace,
        labelSelector: `kubernetes.io/service-name=${name}`,
      })
    ).items;

  it('lists ready pod IPs with ports resolved by container port name, and follows scaling and deletion', async () => {
    const namespace = await createNamespace(cluster);
    await service(namespace, 'web', { app: 'web' }, 'http');
    await cluster.apps.createNamespacedDeployment({
      namespace,
      body: deploymentBody('web', 3, { containerPort: 8080 }),
    });
    const full = await waitFor('three addresses', async () => {
      const e = await endpointsOf(namespace);
      return ips(e, 'addresses').length === 3 ? e : undefined;
    });
    expect(full.subsets?.[0]?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const pods = (await cluster.core.listNamespacedPod({ namespace })).items;
    expect(ips(full, 'addresses')).toEqual(pods.map((pod) => pod.status?.podIP).sort());
    expect(full.subsets?.[0]?.addresses?.[0]?.targetRef).toMatchObject({ kind: 'Pod', namespace });
    // The EndpointSlices (what kube-proxy and kubectl describe read) hold the same ready endpoints.
    const readySliceIps = async () =>
      (await slicesOf(namespace))
        .flatMap((slice) =>
          (slice.endpoints ?? []).filter((e) => e.conditions?.ready).flatMap((e) => e.addresses),
        )
        .sort();
    await waitFor('three ready slice endpoints', async () => (await readySliceIps()).length === 3);
    expect(await readySliceIps()).toEqual(ips(full, 'addresses'));
    expect((await slicesOf(namespace))[0]?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);

    await cluster.apps.patchNamespacedDeploymentScale(
      { name: 'web', namespace, body: { spec: { replicas: 1 } } },
      MERGE_PATCH,
    );
    await waitFor('one address', async () => ips(await endpointsOf(namespace), 'addresses').length === 1);
    await waitFor('one ready slice endpoint', async () => (await readySliceIps()).length === 1);

    await cluster.core.deleteNamespacedService({ name: 'web', namespace });
    await waitFor('the Endpoints to go with the Service', () =>
      endpointsOf(namespace).then(
        () => false,
        () => true,
      ),
    );
    await waitFor('the slices to go with the Service', async () => (await slicesOf(namespace)).length === 0);
  }, 30_000);

  emulatorOnly(it, 'uses the ready: never annotation')(
    'keeps pods that are not ready in notReadyAddresses',
    async () => {
      const namespace = await createNamespace(cluster);
      await service(namespace, 'web', { tier: 'front' }, 8080);
      const shy = deploymentBody('shy', 2, {
        labels: { tier: 'front' },
        annotations: { 'local-cluster.cite.dev/ready': 'never' },
      });
      await cluster.apps.createNamespacedDeployment({ namespace, body: shy });
      await cluster.apps.createNamespacedDeployment({
        namespace,
        body: deploymentBody('bold', 1, { labels: { tier: 'front' } }),
      });
      const endpoints = await waitFor('1 ready and 2 not ready', async () => {
        const e = await endpointsOf(namespace);
        return ips(e, 'addresses').length === 1 && ips(e, 'notReadyAddresses').length === 2 ? e : undefined;
      });
      expect(endpoints.subsets).toHaveLength(1);
      expect(endpoints.subsets?.[0]?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    },
    30_000,
  );

  it('leaves the Endpoints of a Service without a selector to their owner', async () => {
    const namespace = await createNamespace(cluster);
    await service(namespace, 'manual', undefined, 80);
    await cluster.core.createNamespacedEndpoints({
      namespace,
      body: {
        metadata: { name: 'manual' },
        subsets: [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ name: 'http', port: 80 }] }],
      },
    });
    // A Service created after it gets its Endpoints: the controller has been through the earlier events.
    await service(namespace, 'web', { app: 'nobody' }, 80);
    await waitFor('the later Service handled', () =>
      endpointsOf(namespace, 'web').then(Boolean, () => false),
    );
    expect(ips(await endpointsOf(namespace, 'manual'), 'addresses')).toEqual(['192.0.2.10']);
  }, 30_000);
});
