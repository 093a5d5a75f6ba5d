import { jest } from '@jest/globals';
import { labelSelector, rolloutHistory, selectorFor } from '@cite/kube';
import { Harness, startTestCluster, type TestCluster } from './support';

jest.setTimeout(90_000);

/**
 * Deploys are at-least-once jobs with idempotent effects: a deployer killed mid-rollout, or stopped with SIGTERM,
 * leaves a job that another deployer finishes — with exactly one Deployment revision per release.
 */
describe('deployer: crashes and shutdowns mid-rollout', () => {
  let cluster: TestCluster;
  let harness: Harness;

  beforeAll(async () => {
    // Slow enough kubelets that a rollout is still running when the deployer goes away.
    cluster = await startTestCluster({ delays: { containerCreatingMs: 300, startMs: 600, readyMs: 900 } });
    harness = await Harness.create({ cluster });
  });
  afterEach(() => harness.stopDeployers());
  afterAll(async () => {
    await harness?.close();
    await cluster?.stop();
  });

  const revisions = async (service: string) =>
    rolloutHistory(await cluster.cluster.listReplicaSets('cite-qa', labelSelector(selectorFor(service))));

  it('SIGKILL mid-rollout: a restarted deployer finishes the release, one revision per release', async () => {
    const service = await harness.createService('crashy');
    const first = await harness.startDeployer();
    const release = await harness.deploy(service, 'registry.local:5000/qa/crashy:v1');
    await harness.waitForLog(service.name, release.number, 'applied');
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    expect((await harness.release(service.name, release.number)).status).toBe('in_progress');

    await harness.startDeployer();
    const done = await harness.waitForRelease(service.name, release.number, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    const steps = await harness.logSteps(service.name, release.number);
    expect(steps.filter((step) => step === 'started')).toHaveLength(2); // started, then resumed
    expect((await revisions(service.name)).map((revision) => revision.image)).toEqual([release.image]);

    const next = await harness.deploy(service, 'registry.local:5000/qa/crashy:v2');
    await harness.waitForRelease(service.name, next.number, ['succeeded']);
    expect((await revisions(service.name)).map((revision) => [revision.revision, revision.image])).toEqual([
      [1, release.image],
      [2, next.image],
    ]);
  });

  it('SIGTERM mid-rollout: the job is handed back, the process exits 0, and another deployer finishes it', async () => {
    const service = await harness.createService('stopped');
    const deployer = await harness.startDeployer({ CITE_DEPLOYER_SHUTDOWN_GRACE_SECONDS: '0' });
    const release = await harness.deploy(service, 'registry.local:5000/qa/stopped:v1');
    await harness.waitForLog(service.name, release.number, 'applied');
    expect(await deployer.stop('SIGTERM')).toBe(0);
    expect(deployer.output()).toContain('job handed back');
    expect((await harness.release(service.name, release.number)).status).toBe('in_progress');
    expect(await harness.queue.state('releases', `release.stopped.${release.number}`)).toBe('waiting');

    await harness.startDeployer();
    expect((await harness.waitForRelease(service.name, release.number, ['succeeded', 'failed'])).status).toBe(
      'succeeded',
    );
    expect((await revisions(service.name)).map((revision) => revision.image)).toEqual([release.image]);
  });

  it('SIGTERM with time to spare: the running job finishes before the process exits', async () => {
    const service = await harness.createService('graceful');
    const deployer = await harness.startDeployer({ CITE_DEPLOYER_SHUTDOWN_GRACE_SECONDS: '30' });
    const release = await harness.deploy(service, 'registry.local:5000/qa/graceful:v1');
    await harness.waitForLog(service.name, release.number, 'applied');
    expect(await deployer.stop('SIGTERM')).toBe(0);
    expect((await harness.release(service.name, release.number)).status).toBe('succeeded');
  });
});
