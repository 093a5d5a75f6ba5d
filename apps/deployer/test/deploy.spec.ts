import { jest } from '@jest/globals';
import { ObservedStatusStore } from '@cite/store';
import { labelSelector, observeService, rolloutHistory, selectorFor } from '@cite/kube';
import { Harness, startTestCluster, type TestCluster } from './support';

jest.setTimeout(60_000);

/** The deployer process against real etcd, Redis and local-cluster over HTTP. */
describe('deployer: deploy, serialize, delete', () => {
  let cluster: TestCluster;
  let harness: Harness;

  beforeAll(async () => {
    cluster = await startTestCluster();
    harness = await Harness.create({ cluster });
    await harness.startDeployer();
  });
  afterAll(async () => {
    await harness?.close();
    await cluster?.stop();
  });

  it('applies a release and follows the rollout to success', async () => {
    const service = await harness.createService('shop-web', { domains: ['shop-web.example.com'] });
    const release = await harness.deploy(service, 'registry.local:5000/qa/shop-web:v1');
    const done = await harness.waitForRelease(service.name, release.number, ['succeeded', 'failed']);
    expect(done).toMatchObject({ status: 'succeeded', message: 'rolled out: 2 of 2 replicas available' });
    expect((await harness.store.services.require(service.name)).value.currentRelease).toBe(release.number);

    const observed = await observeService(cluster.cluster, 'cite-qa', service.name);
    expect(observed).toMatchObject({
      exists: true,
      release: release.number,
      image: release.image,
      revision: 1,
    });
    expect(observed.replicas).toMatchObject({ desired: 2, updated: 2, available: 2 });
    expect(observed.pods).toHaveLength(2);
    expect(observed.pods.every((pod) => pod.phase === 'Running' && pod.ready && pod.ip && pod.node)).toBe(
      true,
    );
    const status = await new ObservedStatusStore(harness.store.etcd).get(service.name);
    expect(status?.value).toMatchObject({ release: release.number, replicas: { desired: 2, available: 2 } });
    expect(status?.value.pods).toHaveLength(2);

    const steps = await harness.logSteps(service.name, release.number);
    expect(steps[0]).toBe('started');
    expect(steps).toContain('applied');
    expect(steps.at(-1)).toBe('succeeded');
  });

  it('changes nothing when a finished release is enqueued again', async () => {
    const service = await harness.createService('again');
    const release = await harness.deploy(service, 'registry.local:5000/qa/again:v1');
    await harness.waitForRelease(service.name, release.number, ['succeeded']);
    const before = await cluster.cluster.getDeployment('cite-qa', service.name);
    const record = await harness.store.releases.require(service.name, release.number);
    await harness.queue.enqueueRelease({ service: service.name, release: release.number });
    await harness.queue.enqueueRelease({ service: service.name, release: release.number });
    // A second release behind it proves the worker went past the re-enqueued one.
    const next = await harness.deploy(service, 'registry.local:5000/qa/again:v2');
    await harness.waitForRelease(service.name, next.number, ['succeeded']);
    expect((await harness.store.releases.require(service.name, release.number)).modRevision).toBe(
      record.modRevision,
    );
    const history = rolloutHistory(
      await cluster.cluster.listReplicaSets('cite-qa', labelSelector(selectorFor(service.name))),
    );
    expect(history.map((revision) => revision.image)).toEqual([release.image, next.image]);
    expect(before?.metadata?.generation).toBe(1);
  });

  it('runs the last of 20 concurrent deploys; every other ends succeeded or superseded', async () => {
    const service = await harness.createService('busy');
    const accepted = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        harness.deploy(service, `registry.local:5000/qa/busy:build-${index}`),
      ),
    );
    const numbers = accepted.map((release) => release.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    const last = accepted.find((release) => release.number === 20)!;
    await harness.waitForRelease(service.name, 20, ['succeeded']);
    const finals = await Promise.all(
      numbers.map((number) =>
        harness.waitForRelease(service.name, number, ['succeeded', 'superseded', 'failed']),
      ),
    );
    expect(finals.filter((release) => !['succeeded', 'superseded'].includes(release.status))).toEqual([]);
    expect(finals.filter((release) => release.status === 'superseded').length).toBeGreaterThan(0);
    const deployment = await cluster.cluster.getDeployment('cite-qa', service.name);
    expect(deployment?.spec?.template.spec?.containers[0]?.image).toBe(last.image);
    expect(deployment?.metadata?.labels?.['cite.dev/release']).toBe('20');
    expect((await harness.store.services.require(service.name)).value.currentRelease).toBe(20);
  });

  it('deletes a service: objects gone, record kept as deleted', async () => {
    const service = await harness.createService('gone', { domains: ['gone.example.com'] });
    const release = await harness.deploy(service, 'registry.local:5000/qa/gone:v1');
    await harness.waitForRelease(service.name, release.number, ['succeeded']);
    const deletedAt = new Date().toISOString();
    // As the api does it: mark deleting (compare-and-swap, retried: the deployer may still be writing currentRelease).
    await harness.store.services.modify(service.name, (current) => ({ ...current, state: 'deleting' }));
    await harness.queue.enqueueDeletion({ service: service.name, namespace: 'cite-qa' }, deletedAt);
    const watch = await harness.store.services.watch({ prefix: service.name });
    try {
      for await (const event of watch)
        if (event.value?.name === service.name && event.value.state === 'deleted') break;
    } finally {
      await watch.close();
    }
    expect((await harness.store.services.require(service.name)).value.deletedAt).toBeDefined();
    expect(await cluster.cluster.getDeployment('cite-qa', service.name)).toBeNull();
  });
});
