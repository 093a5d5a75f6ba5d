import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { createNamespace, startTestCluster, type TestCluster } from './support/cluster';
import { type Kubectl, kubectlFor } from './support/kubectl';

describe('kubectl against local-cluster', () => {
  let cluster: TestCluster;
  let namespace: string;
  let kubectl: Kubectl;
  let home: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    namespace = await createNamespace(cluster, 'kubectl');
    kubectl = await kubectlFor(cluster, namespace);
    home = await mkdtemp(join(tmpdir(), 'kubectl-files-'));
  });
  afterAll(() => cluster.stop());

  it('creates a deployment (protobuf body) and shows it with the READY/UP-TO-DATE/AVAILABLE columns', async () => {
    expect(
      await kubectl('create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=2', '--port=8080'),
    ).toContain('deployment.apps/web created');
    const table = await kubectl('get', 'deployments');
    expect(table.split('\n')[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    // Without controllers nothing runs (0/2); a real cluster's may already have started pods.
    expect(table).toMatch(/web\s+\d\/2\s+\d\s+\d\s+\d+s/);
  });

  it('prints objects as YAML and filters with equality and set-based -l selectors', async () => {
    await kubectl('run', 'one', '--image=busybox', '--labels=tier=a', '--restart=Never');
    await kubectl('run', 'two', '--image=busybox', '--labels=tier=b,canary=yes', '--restart=Never');
    await kubectl('run', 'three', '--image=busybox', '--labels=tier=c', '--restart=Never');
    const pod = parse(await kubectl('get', 'pod', 'one', '-o', 'yaml')) as {
      kind: string;
      metadata: { name: string; labels: Record<string, string> };
      spec: { containers: { image: string }[] };
    };
    expect(pod).toMatchObject({ kind: 'Pod', metadata: { name: 'one', labels: { tier: 'a' } } });
    expect(pod.spec.containers[0]?.image).toBe('busybox');
    const names = async (selector: string) =>
      (await kubectl('get', 'pods', '-l', selector, '-o', 'name')).trim().split('\n').filter(Boolean);
    expect(await names('tier in (b)')).toEqual(['pod/two']);
    expect(await names('tier in (a,b,c),tier notin (a)')).toEqual(['pod/three', 'pod/two']);
    expect(await names('tier,!canary')).toEqual(['pod/one', 'pod/three']);
    expect(await names('tier!=a,canary')).toEqual(['pod/two']);
    expect((await kubectl('get', 'pods')).split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
  });

  it('applies a manifest: created, then unchanged, then configured', async () => {
    const file = join(home, 'app.yaml');
    const manifest = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - {name: api, image: "${image}", env: [{name: MODE, value: prod}]}
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: 8080}]
`;
    await writeFile(file, manifest('api:1'));
    expect(await kubectl('apply', '-f', file)).toMatch(/deployment.apps\/api created\nservice\/api created/);
    expect(await kubectl('apply', '-f', file)).toMatch(
      /deployment.apps\/api unchanged\nservice\/api unchanged/,
    );
    await writeFile(file, manifest('api:2'));
    expect(await kubectl('apply', '-f', file)).toContain('deployment.apps/api configured');
    expect(
      await kubectl(
        'get',
        'deployment',
        'api',
        '-o',
        'jsonpath={.spec.template.spec.containers[0].image} {.metadata.generation}',
      ),
    ).toBe('api:2 2');
    expect(await kubectl('apply', '--server-side', '-f', file)).toContain(
      'deployment.apps/api serverside-applied',
    );
  });

  it('scales, sets an image, explains and deletes', async () => {
    expect(await kubectl('scale', 'deployment', 'web', '--replicas=4')).toContain(
      'deployment.apps/web scaled',
    );
    expect(await kubectl('set', 'image', 'deployment/web', 'nginx=nginx:1.26')).toContain(
      'deployment.apps/web image updated',
    );
    expect(
      await kubectl(
        'get',
        'deployment',
        'web',
        '-o',
        'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}',
      ),
    ).toBe('4 nginx:1.26');
    expect(await kubectl('explain', 'deployment')).toMatch(/KIND:\s+Deployment/);
    expect(await kubectl('delete', 'deployment', 'web')).toContain('deployment.apps "web" deleted');
    expect(await kubectl('get', 'deployments', '-o', 'name')).not.toContain('web');
  });

  it('describes a service and lists everything with get all', async () => {
    expect(await kubectl('describe', 'service', 'api')).toMatch(/IP:\s+10\.\d+\.\d+\.\d+/);
    const all = await kubectl('get', 'all');
    expect(all).toContain('service/api');
    expect(all).toContain('deployment.apps/api');
  });

  it('watches with get -w --output-watch-events while client-node adds, changes and deletes a pod', async () => {
    const watched = await createNamespace(cluster, 'kubectl-watch');
    const stream = (await kubectlFor(cluster, watched)).stream('get', 'pods', '-w', '--output-watch-events');
    try {
      await cluster.core.createNamespacedPod({
        namespace: watched,
        body: {
          metadata: { name: 'watched' },
          spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] },
        },
      });
      await stream.line(/^ADDED\s+watched\s+\d\/1\s+\w+/);
      await cluster.core.patchNamespacedPod(
        { name: 'watched', namespace: watched, body: { metadata: { labels: { seen: 'yes' } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await stream.line(/^MODIFIED\s+watched\s/);
      await cluster.core.deleteNamespacedPod({ name: 'watched', namespace: watched, gracePeriodSeconds: 0 });
      await stream.line(/^DELETED\s+watched\s/);
      expect(stream.lines[0]).toMatch(/^EVENT\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
      const types = stream.lines.slice(1).map((line) => line.split(/\s+/)[0]);
      expect(types[0]).toBe('ADDED');
      expect(types.at(-1)).toBe('DELETED');
    } finally {
      await stream.stop();
    }
  });
});
