/**
 * The README's walkthrough over HTTP against real processes: a private etcd, Redis and docker-registry, and
 * local-cluster, api and deployer built and started the way `npm start` runs them. Small simulated delays and a
 * 5 s progress deadline keep it short; every wait polls with a deadline.
 */
import { jest } from '@jest/globals';
import type { KubeCluster } from '@cite/kube';
import { pushImage, type RunningRegistry } from '@cite/local-services';
import { startPlatform, until, type Answer, type Platform } from './support/platform';

jest.setTimeout(120_000);

describe('the README walkthrough, end to end', () => {
  let platform: Platform;
  let registry: RunningRegistry;
  let cluster: KubeCluster;
  const call = (method: string, route: string, body?: unknown): Promise<Answer> =>
    platform.call(method, route, body);

  const release = (n: number) => call('GET', `/services/web/releases/${n}`).then((a) => a.body);
  const finished = (n: number) =>
    until(
      `release ${n} to finish`,
      () => release(n),
      (r) => ['succeeded', 'failed', 'superseded'].includes(r?.status),
    );
  const status = () => call('GET', '/services/web/status').then((a) => a.body);
  /**
   * `count` pods Running and ready in /status. A pod of the replaced ReplicaSet that already finished
   * (Succeeded or Failed, on its way out) may still be in the snapshot the deployer took at the verdict: it is
   * not one of the service's running pods.
   */
  const runningPods = (count: number) =>
    until(`${count} running pods in /status`, status, (s) => {
      const live = ((s.observed?.pods ?? []) as { phase: string; ready: boolean }[]).filter(
        (p) => p.phase !== 'Succeeded' && p.phase !== 'Failed',
      );
      return live.length === count && live.every((p) => p.phase === 'Running' && p.ready);
    });

  beforeAll(async () => {
    // As npm start runs it: with a watcher, /status follows the pods after a release's verdict too (without one it
    // shows what the deployer saw at the verdict, which may include a pod the rollout was just deleting).
    platform = await startPlatform({}, { watcher: true });
    ({ registry, cluster } = platform);
  });

  afterAll(() => platform?.stop());

  it('creates, deploys, fails and rolls back, rolls back by hand, scales, configures and deletes', async () => {
    // Images :1 and :2 exist in the registry; :missing does not.
    await pushImage(registry.url, 'demo/web', '1');
    await pushImage(registry.url, 'demo/web', '2');
    const image = `${registry.host}/demo/web`;

    const created = await call('POST', '/services', {
      name: 'web',
      team: 'demo',
      image,
      port: 8080,
      replicas: 2,
    });
    expect(created.status).toBe(201);

    // Deploy :1 and see Running pods.
    const first = await call('POST', '/services/web/deploys', { image: '1' });
    expect(first.status).toBe(202);
    expect(first.body.release).toMatchObject({ number: 1, image: `${image}:1` });
    expect(await finished(1)).toMatchObject({ status: 'succeeded' });
    await runningPods(2);

    expect((await call('POST', '/services/web/deploys', { image: '2' })).status).toBe(202);
    expect(await finished(2)).toMatchObject({ status: 'succeeded', image: `${image}:2` });

    // A broken image: the release fails with the pods' reason and an automatic rollback brings back :2.
    expect((await call('POST', '/services/web/deploys', { image: 'missing' })).status).toBe(202);
    expect(await finished(3)).toMatchObject({ status: 'failed', failureReason: 'ImagePullBackOff' });
    const auto = await until(
      'the automatic rollback release',
      () => release(4),
      (r) => r?.status === 'succeeded',
    );
    expect(auto).toMatchObject({ cause: 'rollback', rollbackOf: 2, image: `${image}:2` });
    await runningPods(2);

    // Roll back by hand to release 1.
    const manual = await call('POST', '/services/web/rollback', { to: 1 });
    expect(manual.status).toBe(202);
    expect(manual.body.release).toMatchObject({ number: 5, cause: 'rollback', rollbackOf: 1 });
    expect(await finished(5)).toMatchObject({ status: 'succeeded', image: `${image}:1` });

    // Scale to 5, to 0 and back to 2.
    expect((await call('POST', '/services/web/scale', { replicas: 5 })).status).toBe(202);
    expect(await finished(6)).toMatchObject({ status: 'succeeded', cause: 'scale', image: `${image}:1` });
    await runningPods(5);
    expect((await call('POST', '/services/web/scale', { replicas: 0 })).status).toBe(202);
    expect(await finished(7)).toMatchObject({ status: 'succeeded', cause: 'scale' });
    await until(
      'no pods in the cluster',
      () => cluster.getDeployment('cite-demo', 'web'),
      (d) => d?.spec?.replicas === 0 && (d.status?.replicas ?? 0) === 0,
    );
    expect((await status()).desired.replicas).toBe(0);
    expect((await call('POST', '/services/web/scale', { replicas: 2 })).status).toBe(202);
    expect(await finished(8)).toMatchObject({ status: 'succeeded' });
    await runningPods(2);

    // Change an env var: a config release, and the Deployment's container carries it.
    const patched = await call('PATCH', '/services/web', { env: [{ name: 'GREETING', value: 'hello' }] });
    expect(patched.status).toBe(202);
    expect(patched.body.release).toMatchObject({ number: 9, cause: 'config' });
    const configured = await finished(9);
    expect(configured).toMatchObject({
      status: 'succeeded',
      config: { env: [{ name: 'GREETING', value: 'hello' }] },
    });
    const deployment = await cluster.getDeployment('cite-demo', 'web');
    expect(deployment?.spec?.template.spec?.containers[0]?.env).toEqual(
      expect.arrayContaining([{ name: 'GREETING', value: 'hello' }]),
    );

    // Delete: the service ends deleted and its Deployment is gone.
    const deleted = await call('DELETE', '/services/web');
    expect(deleted.status).toBe(202);
    expect(deleted.body.service.state).toBe('deleting');
    const gone = await until(
      'the service to be deleted',
      () => call('GET', '/services/web'),
      (a) => a.body?.state === 'deleted',
    );
    expect(gone.body.deletedAt).toEqual(expect.any(String));
    expect(await cluster.getDeployment('cite-demo', 'web')).toBeNull();
  });
});
