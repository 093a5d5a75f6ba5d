/**
 * Garbage collection and namespaces through @kubernetes/client-node: cascading deletes of Deployment →
 * ReplicaSet → Pods with each propagation policy, and namespace deletion emptying the namespace (its
 * kube-root-ca.crt and default ServiceAccount too, which are not made again while it terminates; their
 * creation is in namespace-defaults.spec.ts). https://kubernetes.io/docs/concepts/architecture/garbage-collection/
 */
import { type TestCluster, createNamespace, startTestCluster, ZERO_DELAYS } from './support/cluster';
import { deploymentBody, waitFor, waitForRollout } from './support/controllers';

describe('controllers: garbage collection and namespaces', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster({ controllers: true, delays: ZERO_DELAYS });
  }, 30_000);
  afterAll(() => cluster?.stop(), 30_000);

  const counts = async (namespace: string) => ({
    deployments: (await cluster.apps.listNamespacedDeployment({ namespace })).items.length,
    replicaSets: (await cluster.apps.listNamespacedReplicaSet({ namespace })).items.length,
    pods: (await cluster.core.listNamespacedPod({ namespace })).items.length,
  });

  async function deployed(): Promise<string> {
    const namespace = await createNamespace(cluster);
    await cluster.apps.createNamespacedDeployment({ namespace, body: deploymentBody('web', 2) });
    await waitForRollout(cluster, namespace, 'web');
    return namespace;
  }

  it('Background: the Deployment goes at once, its ReplicaSet and pods after it', async () => {
    const namespace = await deployed();
    await cluster.apps.deleteNamespacedDeployment({
      name: 'web',
      namespace,
      propagationPolicy: 'Background',
    });
    await waitFor('everything gone', async () => {
      const c = await counts(namespace);
      return c.deployments + c.replicaSets + c.pods === 0;
    });
  }, 30_000);

  it('Foreground: the Deployment stays, with foregroundDeletion, until its dependents are gone', async () => {
    const namespace = await deployed();
    await cluster.apps.deleteNamespacedDeployment({
      name: 'web',
      namespace,
      propagationPolicy: 'Foreground',
    });
    const deleting = await cluster.apps.readNamespacedDeployment({ name: 'web', namespace });
    expect(deleting.metadata?.deletionTimestamp).toBeDefined();
    expect(deleting.metadata?.finalizers).toContain('foregroundDeletion');
    // Whenever the Deployment is seen gone, nothing it owned may be left.
    await waitFor('the Deployment gone last', async () => {
      const before = await counts(namespace);
      if (before.deployments > 0) return false;
      expect(before.replicaSets + before.pods).toBe(0);
      return true;
    });
  }, 30_000);

  it('Orphan: the Deployment goes, its ReplicaSet stays without the owner reference, pods keep running', async () => {
    const namespace = await deployed();
    const [rs] = (await cluster.apps.listNamespacedReplicaSet({ namespace })).items;
    await cluster.apps.deleteNamespacedDeployment({ name: 'web', namespace, propagationPolicy: 'Orphan' });
    await waitFor('the Deployment gone', async () => (await counts(namespace)).deployments === 0);
    const orphan = await cluster.apps.readNamespacedReplicaSet({ name: rs!.metadata!.name!, namespace });
    expect(orphan.metadata?.ownerReferences ?? []).toEqual([]);
    expect(orphan.metadata?.uid).toBe(rs?.metadata?.uid);
    const pods = (await cluster.core.listNamespacedPod({ namespace })).items;
    expect(pods).toHaveLength(2);
    expect(
      pods.every(
        (pod) =>
          pod.metadata?.ownerReferences?.[0]?.uid === rs?.metadata?.uid && !pod.metadata?.deletionTimestamp,
      ),
    ).toBe(true);
  }, 30_000);

  it('deleting a namespace empties it, then the namespace goes', async () => {
    const namespace = await deployed();
    await cluster.core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'settings' }, data: { a: 'b' } },
    });
    await cluster.core.createNamespacedService({
      namespace,
      body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
    });
    await cluster.core.deleteNamespace({ name: namespace });
    const terminating = await cluster.core.readNamespace({ name: namespace });
    expect(terminating.status?.phase).toBe('Terminating');
    await waitFor('the namespace gone', () =>
      cluster.core.readNamespace({ name: namespace }).then(
        () => false,
        () => true,
      ),
    );
    const everywhere = (await cluster.core.listPodForAllNamespaces()).items.filter(
      (pod) => pod.metadata?.namespace === namespace,
    );
    expect(everywhere).toEqual([]);
    const left = [
      ...(await cluster.core.listConfigMapForAllNamespaces()).items,
      ...(await cluster.core.listServiceAccountForAllNamespaces()).items,
    ].filter((item) => item.metadata?.namespace === namespace);
    expect(left).toEqual([]);
  }, 30_000);
});
