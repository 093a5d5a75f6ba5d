// Rename to kubectl-controllers.spec.ts once startControllers (src/controllers) runs the deployment,
// replicaset, scheduler and kubelet controllers: these commands wait on what the controllers do.
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunningLocalCluster } from '../src/cluster';
import { createNamespace, startTestCluster } from './support/cluster';

const run = promisify(execFile);

describe('kubectl with controllers', () => {
  let cluster: RunningLocalCluster;
  let namespace: string;
  let home: string;

  const kubectl = async (...args: string[]): Promise<string> => {
    const { stdout } = await run(
      'kubectl',
      ['--kubeconfig', cluster.kubeconfigPath, '-n', namespace, ...args],
      {
        env: { ...process.env, HOME: home },
        timeout: 30_000,
      },
    );
    return stdout;
  };

  beforeAll(async () => {
    cluster = await startTestCluster({
      controllers: true,
      delays: { containerCreatingMs: 0, startMs: 0, readyMs: 0, logIntervalMs: 200 },
    });
    namespace = await createNamespace(cluster.kubeConfig, 'kubectl-ctl');
    home = await mkdtemp(join(tmpdir(), 'kubectl-home-'));
  });
  afterAll(() => cluster.stop());

  it('waits for a rollout, keeps history and undoes to the previous revision', async () => {
    await kubectl('create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=3');
    expect(await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s')).toContain(
      'successfully rolled out',
    );
    await kubectl('set', 'image', 'deployment/web', 'nginx=nginx:1.26');
    expect(await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s')).toContain(
      'successfully rolled out',
    );
    const history = await kubectl('rollout', 'history', 'deployment/web');
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE/);
    expect(history).toMatch(/^1\s/m);
    expect(history).toMatch(/^2\s/m);
    expect(await kubectl('rollout', 'undo', 'deployment/web')).toContain('deployment.apps/web rolled back');
    expect(await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s')).toContain(
      'successfully rolled out',
    );
    expect(
      await kubectl('get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'),
    ).toBe('nginx:1.25');
  });

  it('reads and follows the logs of a running pod', async () => {
    await kubectl('run', 'logger', '--image=busybox:1.36', '--restart=Never');
    await kubectl('wait', '--for=condition=Ready', 'pod/logger', '--timeout=20s');
    const tail = await kubectl('logs', 'logger', '--tail=1');
    expect(tail.trim().split('\n')).toHaveLength(1);
    const followed = await new Promise<string>((resolve, reject) => {
      const child = execFile(
        'kubectl',
        ['--kubeconfig', cluster.kubeconfigPath, '-n', namespace, 'logs', '-f', 'logger'],
        {
          env: { ...process.env, HOME: home },
        },
      );
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/heartbeat n=\d+\n.*heartbeat n=\d+/s.test(output)) {
          child.kill();
          resolve(output);
        }
      });
      child.on('error', reject);
      setTimeout(() => {
        child.kill();
        reject(new Error(`no heartbeats followed: ${output}`));
      }, 10_000).unref();
    });
    expect(followed).toContain('starting container logger image=busybox:1.36');
  });
});
