import { jest } from '@jest/globals';
import { startRegistry, type RunningRegistry } from '@cite/deploy/testing';
import { labelSelector, rolloutHistory, selectorFor } from '@cite/kube';
import { Harness, REAL_CLUSTER, startTestCluster, type TestCluster } from './support';

jest.setTimeout(60_000);

/**
 * Images that are not there. local-cluster's kubelets check pulls against a real Docker Registry v2 (Debian's
 * docker-registry), so a missing tag fails the way a kubelet fails it (ErrImagePull ↔ ImagePullBackOff); the
 * deployer's own registry check, when configured, fails such a release before anything is applied.
 */
describe('deployer: missing images', () => {
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

  it('fails a rollout whose image cannot be pulled with ImagePullBackOff, and rolls back by itself', async () => {
    if (REAL_CLUSTER) {
      process.stdout.write('skipped on a real cluster: needs nodes that pull from the test registry\n');
      return;
    }
    const deployer = await harness.startDeployer();
    try {
      await rollsBack();
    } finally {
      await deployer.stop('SIGTERM');
    }
  });

  async function rollsBack(): Promise<void> {
    const service = await harness.createService('pull');
    await registry.push('qa/pull', 'v1');
    const good = await harness.deploy(service, `${registry.host}/qa/pull:v1`);
    await harness.waitForRelease(service.name, good.number, ['succeeded']);

    const broken = await harness.deploy(service, `${registry.host}/qa/pull:v2-never-pushed`);
    const failed = await harness.waitForRelease(service.name, broken.number, ['succeeded', 'failed']);
    expect(failed.status).toBe('failed');
    expect(failed.failureReason).toBe('ImagePullBackOff');
    expect(failed.message).toContain('v2-never-pushed');

    const rollback = await harness.waitForRelease(service.name, broken.number + 1, ['succeeded', 'failed']);
    expect(rollback).toMatchObject({
      status: 'succeeded',
      cause: 'rollback',
      rollbackOf: good.number,
      image: good.image,
      actor: 'system:deployer',
    });
    expect((await harness.store.services.require(service.name)).value.currentRelease).toBe(rollback.number);
    const deployment = await cluster.cluster.getDeployment('cite-qa', service.name);
    expect(deployment?.spec?.template.spec?.containers[0]?.image).toBe(good.image);
    const steps = await harness.logSteps(service.name, broken.number);
    expect(steps.slice(-2)).toEqual(['failed', 'rollback']);
  }

  it('with a registry configured, fails fast with "image not found" and applies nothing', async () => {
    await harness.startDeployer({ CITE_REGISTRY_URL: registry.url });
    const service = await harness.createService('typo');
    const digest = await registry.push('qa/typo', 'v1');
    const good = await harness.deploy(service, `${registry.host}/qa/typo:v1`);
    expect(await harness.waitForRelease(service.name, good.number, ['succeeded', 'failed'])).toMatchObject({
      status: 'succeeded',
      digest,
    });

    const started = Date.now();
    const missing = await harness.deploy(service, `${registry.host}/qa/typo:v1-typo`);
    const failed = await harness.waitForRelease(service.name, missing.number, ['succeeded', 'failed']);
    expect(failed).toMatchObject({ status: 'failed', failureReason: 'ImageNotFound' });
    expect(failed.message).toMatch(new RegExp(`^image not found: ${registry.host}/qa/typo:v1-typo`));
    expect(Date.now() - started).toBeLessThan(5_000); // well before any progress deadline
    expect((await harness.store.releases.latest(service.name))?.value.number).toBe(missing.number); // no rollback needed
    const history = rolloutHistory(
      await cluster.cluster.listReplicaSets('cite-qa', labelSelector(selectorFor(service.name))),
    );
    expect(history.map((revision) => revision.image)).toEqual([good.image]);
  });
});
