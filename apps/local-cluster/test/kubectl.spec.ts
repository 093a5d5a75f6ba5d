import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import type { RunningLocalCluster } from '../src/cluster';
import { createNamespace, startTestCluster } from './support/cluster';

const run = promisify(execFile);

describe('kubectl against local-cluster', () => {
  let cluster: RunningLocalCluster;
  let namespace: string;
  let home: string;

  const kubectl = async (...args: string[]): Promise<string> => {
    const { stdout } = await run(
      'kubectl',
      ['--kubeconfig', cluster.kubeconfigPath, '-n', namespace, ...args],
      {
        env: { ...process.env, HOME: home, KUBECACHEDIR: join(home, 'cache') },
        timeout: 20_000,
      },
    );
    return stdout;
  };

  beforeAll(async () => {
    cluster = await startTestCluster();
    namespace = await createNamespace(cluster.kubeConfig, 'kubectl');
    home = await mkdtemp(join(tmpdir(), 'kubectl-home-'));
  });
  afterAll(() => cluster.stop());

  it('creates a deployment (protobuf body) and shows it with the READY/UP-TO-DATE/AVAILABLE columns', async () => {
    expect(
      await kubectl('create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=2', '--port=8080'),
    ).toContain('deployment.apps/web created');
    const table = await kubectl('get', 'deployments');
    expect(table.split('\n')[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    expect(table).toMatch(/web\s+0\/2\s+0\s+0\s+\d+s/);
  });

  it('prints objects as YAML and filters with -l', async () => {
    await kubectl('run', 'one', '--image=busybox', '--labels=tier=a', '--restart=Never');
    await kubectl('run', 'two', '--image=busybox', '--labels=tier=b', '--restart=Never');
    const pod = parse(await kubectl('get', 'pod', 'one', '-o', 'yaml')) as {
      kind: string;
      metadata: { name: string };
      status: { phase: string };
    };
    expect(pod).toMatchObject({ kind: 'Pod', metadata: { name: 'one' }, status: { phase: 'Pending' } });
    const selected = await kubectl('get', 'pods', '-l', 'tier in (b)', '-o', 'name');
    expect(selected.trim()).toBe('pod/two');
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
});
