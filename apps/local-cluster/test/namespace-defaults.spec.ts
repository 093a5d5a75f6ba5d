/**
 * What every namespace has on a cluster since Kubernetes 1.21 — the `kube-root-ca.crt` ConfigMap and the
 * `default` ServiceAccount, made by kube-controller-manager moments after the namespace — and the
 * ServiceAccount admission of pods that relies on them.
 * https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/
 */
import { X509Certificate } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, type V1ConfigMap, type V1Pod } from '@kubernetes/client-node';
import { LocalCluster } from '../src/cluster';
import { PLACEHOLDER_CA_CERT } from '../src/namespace-defaults/placeholder-ca';
import {
  createNamespace,
  emulatorOnly,
  failure,
  quietLogger,
  startTestCluster,
  uniqueName,
  type TestCluster,
} from './support/cluster';
import { waitFor } from './support/controllers';

const ROOT_CA = 'kube-root-ca.crt';
const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as ' +
  'the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of ' +
  'Kubernetes clusters.';

function pod(name: string, spec: Partial<NonNullable<V1Pod['spec']>> = {}): V1Pod {
  return { metadata: { name }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }], ...spec } };
}

describe('namespace defaults: kube-root-ca.crt, the default ServiceAccount, ServiceAccount admission', () => {
  let cluster: TestCluster;
  let namespace: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    namespace = await createNamespace(cluster, 'defaults');
  });
  afterAll(() => cluster.stop());

  const rootCa = (inNamespace: string) =>
    waitFor(`${ROOT_CA} in ${inNamespace}`, () =>
      cluster.core.readNamespacedConfigMap({ name: ROOT_CA, namespace: inNamespace }),
    );

  it('gives a new namespace its kube-root-ca.crt, with the cluster CA, and its default ServiceAccount', async () => {
    // Created here without createNamespace, which waits for the ServiceAccount itself.
    const name = uniqueName('fresh');
    await cluster.core.createNamespace({ body: { metadata: { name } } });
    cluster.namespaces.push(name);
    const configMap = await rootCa(name);
    expect(configMap.metadata?.annotations).toEqual({ 'kubernetes.io/description': DESCRIPTION });
    expect(Object.keys(configMap.data ?? {})).toEqual(['ca.crt']);
    expect(new X509Certificate(configMap.data?.['ca.crt'] ?? '').ca).toBe(true);
    expect(configMap.metadata?.managedFields?.map((entry) => entry.manager)).toEqual([
      'kube-controller-manager',
    ]);
    const account = await waitFor('the default ServiceAccount', () =>
      cluster.core.readNamespacedServiceAccount({ name: 'default', namespace: name }),
    );
    expect(account.metadata?.namespace).toBe(name);
  });

  it('has them in the system namespaces too', async () => {
    for (const system of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      expect((await rootCa(system)).data?.['ca.crt']).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
      expect(
        (await cluster.core.readNamespacedServiceAccount({ name: 'default', namespace: system })).metadata
          ?.name,
      ).toBe('default');
    }
  });

  it('lists the ConfigMap beside the namespace own ones', async () => {
    await cluster.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'mine' } } });
    const names = (await cluster.core.listNamespacedConfigMap({ namespace })).items.map(
      (item) => item.metadata?.name,
    );
    expect(names.sort()).toEqual([ROOT_CA, 'mine']);
  });

  it('puts kube-root-ca.crt back when it is deleted or its data or description changed', async () => {
    const original = await rootCa(namespace);
    await cluster.core.deleteNamespacedConfigMap({ name: ROOT_CA, namespace });
    const recreated = await waitFor('a new kube-root-ca.crt', async () => {
      const read = await cluster.core.readNamespacedConfigMap({ name: ROOT_CA, namespace });
      return read.metadata?.uid !== original.metadata?.uid && read;
    });
    expect(recreated.data).toEqual(original.data);
    const tampered: V1ConfigMap = {
      ...recreated,
      metadata: { ...recreated.metadata, annotations: { team: 'a' } },
      data: { 'ca.crt': 'not a certificate', extra: 'x' },
    };
    await cluster.core.replaceNamespacedConfigMap({ name: ROOT_CA, namespace, body: tampered });
    const restored = await waitFor('kube-root-ca.crt restored', async () => {
      const read = await cluster.core.readNamespacedConfigMap({ name: ROOT_CA, namespace });
      return read.data?.['ca.crt'] === original.data?.['ca.crt'] && read;
    });
    expect(restored.data).toEqual(original.data);
    expect(restored.metadata?.annotations).toEqual({ team: 'a', 'kubernetes.io/description': DESCRIPTION });
  });

  it('recreates the default ServiceAccount when it is deleted', async () => {
    const before = await cluster.core.readNamespacedServiceAccount({ name: 'default', namespace });
    await cluster.core.deleteNamespacedServiceAccount({ name: 'default', namespace });
    const after = await waitFor('the default ServiceAccount again', async () => {
      const read = await cluster.core.readNamespacedServiceAccount({ name: 'default', namespace });
      return read.metadata?.uid !== before.metadata?.uid && read;
    });
    expect(after.metadata?.name).toBe('default');
  });

  it('refuses a pod whose ServiceAccount does not exist, 403 Forbidden as the admission plugin words it', async () => {
    const named = await failure(
      cluster.core.createNamespacedPod({ namespace, body: pod('orphan', { serviceAccountName: 'missing' }) }),
    );
    expect(named.code).toBe(403);
    expect(named.status).toMatchObject({
      reason: 'Forbidden',
      message: `pods "orphan" is forbidden: error looking up service account ${namespace}/missing: serviceaccount "missing" not found`,
      details: { name: 'orphan', kind: 'pods' },
    });
    // Names are generated after admission: the message names the pod by its generateName.
    const generated = await failure(
      cluster.core.createNamespacedPod({
        namespace,
        body: {
          ...pod(''),
          metadata: { generateName: 'worker-' },
          spec: { ...pod('').spec!, serviceAccount: 'gone' },
        },
      }),
    );
    expect(generated.status.message).toBe(
      `pods "worker-" is forbidden: error looking up service account ${namespace}/gone: serviceaccount "gone" not found`,
    );
    expect((await cluster.core.listNamespacedPod({ namespace })).items).toEqual([]);
  });

  it('gives a pod without imagePullSecrets those of its ServiceAccount', async () => {
    await cluster.core.createNamespacedServiceAccount({
      namespace,
      body: { metadata: { name: 'builder' }, imagePullSecrets: [{ name: 'registry-login' }] },
    });
    const inherited = await cluster.core.createNamespacedPod({
      namespace,
      body: pod('inherits', { serviceAccountName: 'builder' }),
    });
    expect(inherited.spec?.serviceAccountName).toBe('builder');
    expect(inherited.spec?.imagePullSecrets).toEqual([{ name: 'registry-login' }]);
    const own = await cluster.core.createNamespacedPod({
      namespace,
      body: pod('own', { serviceAccountName: 'builder', imagePullSecrets: [{ name: 'mine' }] }),
    });
    expect(own.spec?.imagePullSecrets).toEqual([{ name: 'mine' }]);
    const plain = await cluster.core.createNamespacedPod({ namespace, body: pod('plain') });
    expect(plain.spec?.serviceAccountName).toBe('default');
  });
});

const startLocal = (options: Parameters<typeof LocalCluster.start>[0]) =>
  LocalCluster.start({ controllers: false, controllerLogger: quietLogger, ...options });

emulatorOnly(describe, 'the CA and snapshots are the emulator serving options')(
  'namespace defaults: the CA local-cluster publishes, loaded snapshots',
  () => {
    const caOf = async (cluster: Awaited<ReturnType<typeof startLocal>>) =>
      (
        await cluster.kubeConfig
          .makeApiClient(CoreV1Api)
          .readNamespacedConfigMap({ name: ROOT_CA, namespace: 'default' })
      ).data?.['ca.crt'];

    it('publishes the CA that signed the serving certificate when serving HTTPS', async () => {
      const cluster = await startLocal({ tls: true });
      try {
        const kubeconfigCa = Buffer.from(cluster.kubeConfig.getCurrentCluster()?.caData ?? '', 'base64');
        expect(await caOf(cluster)).toBe(kubeconfigCa.toString('utf8'));
      } finally {
        await cluster.stop();
      }
    });

    it('publishes the documented placeholder certificate over plain HTTP', async () => {
      const cluster = await startLocal({});
      try {
        expect(await caOf(cluster)).toBe(PLACEHOLDER_CA_CERT);
      } finally {
        await cluster.stop();
      }
    });

    it('gives the namespaces of a loaded snapshot their defaults, with the CA of this start', async () => {
      const snapshotFile = join(await mkdtemp(join(tmpdir(), 'lc-defaults-')), 'state.json');
      const namespaceObject = {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: 'saved',
          uid: 'u-1',
          resourceVersion: '3',
          creationTimestamp: '2025-01-01T00:00:00Z',
        },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      };
      const staleCa = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: ROOT_CA, namespace: 'saved', uid: 'u-2', resourceVersion: '4' },
        data: { 'ca.crt': 'the CA of an earlier start' },
      };
      await writeFile(
        snapshotFile,
        JSON.stringify({
          version: 1,
          resourceVersion: 4,
          resources: { '/namespaces': [namespaceObject], '/configmaps': [staleCa] },
        }),
      );
      const cluster = await startLocal({ snapshotFile });
      try {
        const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
        const configMap = await core.readNamespacedConfigMap({ name: ROOT_CA, namespace: 'saved' });
        expect(configMap.data).toEqual({ 'ca.crt': PLACEHOLDER_CA_CERT });
        expect(configMap.metadata?.uid).toBe('u-2');
        expect(
          (await core.readNamespacedServiceAccount({ name: 'default', namespace: 'saved' })).metadata?.name,
        ).toBe('default');
      } finally {
        await cluster.stop();
      }
    });
  },
);
