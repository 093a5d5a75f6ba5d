import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, VersionApi } from '@kubernetes/client-node';
import type { RunningLocalCluster } from '../src/cluster';
import { failure, startTestCluster } from './support/cluster';

describe('serving: version, discovery, tables, health', () => {
  let cluster: RunningLocalCluster;

  beforeAll(async () => {
    cluster = await startTestCluster();
  });
  afterAll(() => cluster.stop());

  const get = async (path: string, accept = 'application/json') => {
    const response = await fetch(`${cluster.url}${path}`, { headers: { accept } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('reports a 1.32 version', async () => {
    const version = await cluster.kubeConfig.makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toBe('v1.32.0');
  });

  it('answers health checks', async () => {
    for (const path of ['/healthz', '/readyz', '/livez'])
      expect((await fetch(`${cluster.url}${path}`)).status).toBe(200);
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

  it('answers the aggregated-discovery Accept with the legacy document, so clients fall back', async () => {
    const response = await fetch(`${cluster.url}/apis`, {
      headers: {
        accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
      },
    });
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(((await response.json()) as { kind: string }).kind).toBe('APIGroupList');
  });

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
    expect(table.rows).toHaveLength(10);
    expect(table.rows[0]?.cells.slice(0, 2)).toEqual(['node-10-60-25-139', 'Ready']);
  });

  it('starts with the system namespaces, the kubernetes service and the pool nodes', async () => {
    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    const namespaces = (await core.listNamespace()).items.map((namespace) => namespace.metadata?.name);
    expect(namespaces).toEqual(
      expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease']),
    );
    expect(
      (await core.readNamespacedService({ name: 'kubernetes', namespace: 'default' })).spec?.clusterIP,
    ).toBe('10.96.0.1');
    const node = await core.readNode({ name: 'node-10-60-25-139' });
    expect(node.spec?.podCIDR).toBe('10.60.240.0/24');
  });

  it('answers 405 for a verb the resource does not allow', async () => {
    const response = await fetch(`${cluster.url}/api/v1/namespaces/default/configmaps/x`, {
      method: 'POST',
      body: '{}',
    });
    expect(response.status).toBe(405);
  });
});

describe('serving: TLS, bearer token and snapshots', () => {
  it('serves HTTPS with a generated CA and requires the bearer token', async () => {
    const cluster = await startTestCluster({ tls: true, token: 's3cret' });
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
    const cluster = await startTestCluster({ token: 't0ken' });
    try {
      for (const headers of [{}, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
        const response = await fetch(`${cluster.url}/api/v1/namespaces`, { headers });
        expect(response.status).toBe(401);
        expect(await response.json()).toMatchObject({
          kind: 'Status',
          status: 'Failure',
          reason: 'Unauthorized',
          code: 401,
        });
      }
      expect(
        (await fetch(`${cluster.url}/api/v1/namespaces`, { headers: { authorization: 'Bearer t0ken' } }))
          .status,
      ).toBe(200);
      expect((await fetch(`${cluster.url}/readyz`)).status).toBe(200);
    } finally {
      await cluster.stop();
    }
  });

  it('saves a snapshot on stop and loads it on start, keeping resourceVersions moving forward', async () => {
    const snapshotFile = join(await mkdtemp(join(tmpdir(), 'lc-snapshot-')), 'state.json');
    const first = await startTestCluster({ snapshotFile });
    const core = first.kubeConfig.makeApiClient(CoreV1Api);
    const saved = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'kept' }, data: { a: '1' } },
    });
    await first.stop();
    const second = await startTestCluster({ snapshotFile });
    try {
      const again = second.kubeConfig.makeApiClient(CoreV1Api);
      const loaded = await again.readNamespacedConfigMap({ name: 'kept', namespace: 'default' });
      expect(loaded.metadata?.uid).toBe(saved.metadata?.uid);
      const next = await again.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'new' } },
      });
      expect(Number(next.metadata?.resourceVersion)).toBeGreaterThan(Number(saved.metadata?.resourceVersion));
    } finally {
      await second.stop();
    }
  });
});
