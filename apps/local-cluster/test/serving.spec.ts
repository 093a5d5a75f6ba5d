import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, VersionApi } from '@kubernetes/client-node';
import { LocalCluster } from '../src/cluster';
import {
  emulatorOnly,
  failure,
  quietLogger,
  rawRequest,
  startTestCluster,
  type TestCluster,
} from './support/cluster';

const startLocal = (options: Parameters<typeof LocalCluster.start>[0]) =>
  LocalCluster.start({ controllers: false, controllerLogger: quietLogger, ...options });

describe('serving: version, discovery, tables, health', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster();
  });
  afterAll(() => cluster.stop());

  const get = async (path: string, accept = 'application/json') => {
    const response = await rawRequest(cluster, path, { headers: { accept } });
    return { status: response.status, body: response.json() };
  };

  emulatorOnly(it, 'the version is the emulated one')('reports a 1.32 version', async () => {
    const version = await cluster.kubeConfig.makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toBe('v1.32.0');
  });

  it('answers health checks', async () => {
    for (const path of ['/healthz', '/readyz', '/livez'])
      expect((await rawRequest(cluster, path)).status).toBe(200);
  });

  it('lists groups and resources with verbs, short names, categories and subresources', async () => {
    const groups = (await get('/apis')).body.groups as {
      name: string;
      preferredVersion: { version: string };
    }[];
    expect(groups.map((group) => group.name)).toEqual(
      expect.arrayContaining(['apps', 'networking.k8s.io', 'autoscaling', 'apiextensions.k8s.io']),
    );
    expect((await get('/api')).body.versions).toEqual(['v1']);
    const core = (await get('/api/v1')).body.resources as {
      name: string;
      shortNames?: string[];
      namespaced: boolean;
      categories?: string[];
      verbs: string[];
    }[];
    const pods = core.find((resource) => resource.name === 'pods');
    expect(pods).toMatchObject({ namespaced: true, shortNames: ['po'], categories: ['all'] });
    expect(pods?.verbs).toEqual([
      'create',
      'delete',
      'deletecollection',
      'get',
      'list',
      'patch',
      'update',
      'watch',
    ]);
    expect(core.map((resource) => resource.name)).toEqual(
      expect.arrayContaining([
        'pods/log',
        'pods/status',
        'pods/binding',
        'namespaces',
        'nodes',
        'services',
        'endpoints',
        'events',
        'configmaps',
        'secrets',
        'serviceaccounts',
      ]),
    );
    const apps = (await get('/apis/apps/v1')).body.resources as {
      name: string;
      kind: string;
      group?: string;
    }[];
    expect(apps.find((resource) => resource.name === 'deployments/scale')).toMatchObject({
      kind: 'Scale',
      group: 'autoscaling',
    });
    const short = (path: string, name: string) =>
      get(path).then(
        ({ body }) =>
          (body.resources as { name: string; shortNames?: string[] }[]).find((r) => r.name === name)
            ?.shortNames,
      );
    expect(await short('/apis/apps/v1', 'replicasets')).toEqual(['rs']);
    expect(await short('/apis/networking.k8s.io/v1', 'ingresses')).toEqual(['ing']);
    expect(await short('/apis/autoscaling/v2', 'horizontalpodautoscalers')).toEqual(['hpa']);
    expect(await short('/apis/apiextensions.k8s.io/v1', 'customresourcedefinitions')).toEqual([
      'crd',
      'crds',
    ]);
    expect((await get('/apis/nope/v1')).status).toBe(404);
  });

  emulatorOnly(it, 'real API servers serve aggregated discovery')(
    'answers the aggregated-discovery Accept with the legacy document, so clients fall back',
    async () => {
      const response = await rawRequest(cluster, '/apis', {
        headers: {
          accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
        },
      });
      expect(response.headers['content-type']).toBe('application/json');
      expect(response.json<{ kind: string }>().kind).toBe('APIGroupList');
    },
  );

  it('serves OpenAPI v3 documents with the fieldValidation parameter and kind schemas', async () => {
    const root = (await get('/openapi/v3')).body.paths as Record<string, { serverRelativeURL: string }>;
    expect(Object.keys(root)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1']));
    const document = (await get(root['apis/apps/v1']!.serverRelativeURL)).body as {
      paths: Record<string, { patch?: { parameters: { name: string }[] } }>;
    };
    const patch = document.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']?.patch;
    expect(patch?.parameters.map((parameter) => parameter.name)).toContain('fieldValidation');
  });

  it('returns meta.k8s.io Tables for kubectl get', async () => {
    const table = (
      await get('/api/v1/nodes', 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json')
    ).body as {
      kind: string;
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[] }[];
    };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((column) => column.name).slice(0, 5)).toEqual([
      'Name',
      'Status',
      'Roles',
      'Age',
      'Version',
    ]);
    expect(table.rows.length).toBeGreaterThan(0);
    expect(table.rows[0]?.cells[1]).toMatch(/^Ready/);
  });

  it('starts with the system namespaces and the kubernetes service', async () => {
    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    const namespaces = (await core.listNamespace()).items.map((namespace) => namespace.metadata?.name);
    expect(namespaces).toEqual(
      expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease']),
    );
    const kubernetes = await core.readNamespacedService({ name: 'kubernetes', namespace: 'default' });
    expect(kubernetes.spec?.ports?.[0]).toMatchObject({ name: 'https', port: 443 });
  });

  emulatorOnly(it, 'the nodes and service range are the emulator pool')(
    'registers the pool nodes with their pod CIDRs, and the first service IP for kubernetes',
    async () => {
      const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
      const nodes = (await core.listNode()).items.map((node) => node.metadata?.name);
      expect(nodes).toHaveLength(10);
      expect(nodes[0]).toBe('node-10-60-25-139');
      const node = await core.readNode({ name: 'node-10-60-25-139' });
      expect(node.spec?.podCIDR).toBe('10.60.240.0/24');
      expect(
        (await core.readNamespacedService({ name: 'kubernetes', namespace: 'default' })).spec?.clusterIP,
      ).toBe('10.96.0.1');
    },
  );

  it('answers 405 for a verb the resource does not allow', async () => {
    const response = await rawRequest(cluster, '/api/v1/namespaces/default/configmaps/x', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(405);
  });
});

emulatorOnly(describe, 'TLS, tokens and snapshots are the emulator serving options')(
  'serving: TLS, bearer token and snapshots',
  () => {
    it('serves HTTPS with a generated CA and requires the bearer token', async () => {
      const cluster = await startLocal({ tls: true, token: 's3cret' });
      try {
        expect(cluster.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
        expect((await core.readNamespace({ name: 'default' })).metadata?.name).toBe('default');
        const wrong = new KubeConfig();
        wrong.loadFromString(
          (await readFile(cluster.kubeconfigPath, 'utf8')).replace('token: s3cret', 'token: nope'),
        );
        const denied = await failure(wrong.makeApiClient(CoreV1Api).readNamespace({ name: 'default' }));
        expect(denied.code).toBe(401);
      } finally {
        await cluster.stop();
      }
    });

    it('answers a missing or wrong token with a 401 Status (health stays open)', async () => {
      const cluster = await startLocal({ token: 't0ken' });
      try {
        for (const headers of [{}, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
          const response = await rawRequest(cluster, '/api/v1/namespaces', { headers, credentials: false });
          expect(response.status).toBe(401);
          expect(response.json()).toMatchObject({
            kind: 'Status',
            status: 'Failure',
            reason: 'Unauthorized',
            code: 401,
          });
        }
        expect((await rawRequest(cluster, '/api/v1/namespaces')).status).toBe(200);
        expect((await rawRequest(cluster, '/readyz', { credentials: false })).status).toBe(200);
      } finally {
        await cluster.stop();
      }
    });

    it('saves a snapshot on stop and loads it on start, keeping resourceVersions moving forward', async () => {
      const snapshotFile = join(await mkdtemp(join(tmpdir(), 'lc-snapshot-')), 'state.json');
      const first = await startLocal({ snapshotFile });
      const core = first.kubeConfig.makeApiClient(CoreV1Api);
      const saved = await core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'kept' }, data: { a: '1' } },
      });
      await first.stop();
      const second = await startLocal({ snapshotFile });
      try {
        const again = second.kubeConfig.makeApiClient(CoreV1Api);
        const loaded = await again.readNamespacedConfigMap({ name: 'kept', namespace: 'default' });
        expect(loaded.metadata?.uid).toBe(saved.metadata?.uid);
        const next = await again.createNamespacedConfigMap({
          namespace: 'default',
          body: { metadata: { name: 'new' } },
        });
        expect(Number(next.metadata?.resourceVersion)).toBeGreaterThan(
          Number(saved.metadata?.resourceVersion),
        );
      } finally {
        await second.stop();
      }
    });
  },
);
