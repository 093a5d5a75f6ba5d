import { jest } from '@jest/globals';
import { startRegistry, type RunningRegistry } from '@cite/deploy/testing';
import { Harness, REAL_CLUSTER, startTestCluster, type TestCluster } from './support';

jest.setTimeout(60_000);

/**
 * Issue 10: with one replica, a rollback after a progress-deadline failure reuses the old ReplicaSet, so the
 * deployment controller sees no progress and keeps the failed rollout's `Progressing=False /
 * ProgressDeadlineExceeded` condition (naming the failed ReplicaSet) while it already reports the rollback's
 * generation as observed. The rollback's verdict must not take that condition for its own.
 */
describe('deployer: automatic rollback after a progress-deadline failure', () => {
  let registry: RunningRegistry;
  let cluster: TestCluster;
  let harness: Harness;

  beforeAll(async () => {
    registry = await startRegistry();
    cluster = await startTestCluster({ registryUrl: registry.url });
    harness = await Harness.create({ cluster });
  });
  afterAll(async () => {
    await harness?.close();
    await cluster?.stop();
    await registry?.stop();
  });

  it('marks the rollback of a one-replica service succeeded, not failed by the stale deadline', async () => {
    if (REAL_CLUSTER) {
      process.stdout.write('skipped on a real cluster: needs nodes that pull from the test registry\n');
      return;
    }
    const deployer = await harness.startDeployer(); // progress deadline 5 s
    try {
      const service = await harness.createService('solo', { replicas: 1 });
      await registry.push('qa/solo', 'v1');
      const good = await harness.deploy(service, `${registry.host}/qa/solo:v1`);
      await harness.waitForRelease(service.name, good.number, ['succeeded']);

      const broken = await harness.deploy(service, `${registry.host}/qa/solo:v2-never-pushed`);
      const failed = await harness.waitForRelease(service.name, broken.number, ['succeeded', 'failed']);
      expect(failed).toMatchObject({ status: 'failed', failureReason: 'ImagePullBackOff' });

      const rollback = await harness.waitForRelease(service.name, broken.number + 1, ['succeeded', 'failed']);
      expect(rollback).toMatchObject({
        status: 'succeeded',
        cause: 'rollback',
        rollbackOf: good.number,
        image: good.image,
      });
      expect((await harness.store.services.require(service.name)).value.currentRelease).toBe(rollback.number);
      const deployment = await cluster.cluster.getDeployment('cite-qa', service.name);
      expect(deployment?.status).toMatchObject({ replicas: 1, updatedReplicas: 1, availableReplicas: 1 });
    } finally {
      await deployer.stop('SIGTERM');
    }
  });
});
