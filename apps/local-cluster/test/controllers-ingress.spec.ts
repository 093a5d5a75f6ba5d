/**
 * The ingress controller stand-in publishes the configured VIPs in every Ingress's status, as ingress-nginx
 * publishes its Service's address, through @kubernetes/client-node.
 * https://kubernetes.io/docs/concepts/services-networking/ingress/
 */
import { NetworkingV1Api, PatchStrategy, type V1Ingress, setHeaderOptions } from '@kubernetes/client-node';
import {
  type TestCluster,
  createNamespace,
  emulatorOnly,
  EventQueue,
  startTestCluster,
  ZERO_DELAYS,
} from './support/cluster';
import { waitFor } from './support/controllers';

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const VIPS = ['10.60.25.250', '10.60.25.251'];
const PUBLISHED = VIPS.map((ip) => ({ ip }));

function ingressBody(name: string, ingressClassName?: string): V1Ingress {
  return {
    metadata: { name },
    spec: {
      ...(ingressClassName ? { ingressClassName } : {}),
      rules: [
        {
          host: `${name}.example.com`,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'web', port: { number: 80 } } },
              },
            ],
          },
        },
      ],
    },
  };
}

emulatorOnly(describe, 'the VIPs are local-cluster options; a real cluster has its own ingress controller')(
  'controllers: ingress',
  () => {
    let cluster: TestCluster;
    let networking: NetworkingV1Api;
    beforeAll(async () => {
      cluster = await startTestCluster({ controllers: true, delays: ZERO_DELAYS, ingressVips: VIPS });
      networking = cluster.kubeConfig.makeApiClient(NetworkingV1Api);
    }, 30_000);
    afterAll(() => cluster?.stop(), 30_000);

    const loadBalancerOf = async (namespace: string, name: string) =>
      (await networking.readNamespacedIngressStatus({ namespace, name })).status?.loadBalancer?.ingress;

    it('publishes the VIPs in order in the status of an Ingress created over HTTP, seen by a watch', async () => {
      const namespace = await createNamespace(cluster, 'ing');
      const created = await networking.createNamespacedIngress({
        namespace,
        body: ingressBody('shop', 'nginx'),
      });
      expect(created.status?.loadBalancer?.ingress ?? []).toEqual([]);
      const watch = await EventQueue.open(
        cluster.kubeConfig,
        `/apis/networking.k8s.io/v1/namespaces/${namespace}/ingresses`,
        { resourceVersion: created.metadata?.resourceVersion },
      );
      try {
        const event = await watch.next(10_000);
        expect(event.type).toBe('MODIFIED');
        expect(event.object).toMatchObject({
          metadata: { name: 'shop' },
          status: { loadBalancer: { ingress: PUBLISHED } },
        });
        // Written through the status subresource: the spec, and so the generation, stay as created.
        expect(event.object.metadata).toMatchObject({ generation: created.metadata?.generation });
      } finally {
        watch.close();
      }
      expect(await loadBalancerOf(namespace, 'shop')).toEqual(PUBLISHED);
    });

    it('publishes them for Ingresses of any class or none, in every namespace', async () => {
      const first = await createNamespace(cluster, 'ing');
      const second = await createNamespace(cluster, 'ing');
      await networking.createNamespacedIngress({ namespace: first, body: ingressBody('classless') });
      await networking.createNamespacedIngress({ namespace: second, body: ingressBody('other', 'traefik') });
      for (const [namespace, name] of [
        [first, 'classless'],
        [second, 'other'],
      ] as const) {
        await waitFor(`${namespace}/${name} published`, async () => {
          const published = await loadBalancerOf(namespace, name);
          return JSON.stringify(published) === JSON.stringify(PUBLISHED);
        });
      }
    });

    it('puts the VIPs back when someone else writes another address into the status', async () => {
      const namespace = await createNamespace(cluster, 'ing');
      await networking.createNamespacedIngress({ namespace, body: ingressBody('web') });
      await waitFor('web published', async () => (await loadBalancerOf(namespace, 'web'))?.length === 2);
      const overwritten = await networking.patchNamespacedIngressStatus(
        { namespace, name: 'web', body: { status: { loadBalancer: { ingress: [{ ip: '192.0.2.9' }] } } } },
        MERGE_PATCH,
      );
      expect(overwritten.status?.loadBalancer?.ingress).toEqual([{ ip: '192.0.2.9' }]);
      const watch = await EventQueue.open(
        cluster.kubeConfig,
        `/apis/networking.k8s.io/v1/namespaces/${namespace}/ingresses`,
        { resourceVersion: overwritten.metadata?.resourceVersion },
      );
      try {
        const event = await watch.next(10_000);
        expect(event.type).toBe('MODIFIED');
        expect(event.object).toMatchObject({ status: { loadBalancer: { ingress: PUBLISHED } } });
      } finally {
        watch.close();
      }
    });
  },
);
