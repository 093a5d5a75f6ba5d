import { UnavailableError } from '@cite/errors';
import { FakeCluster, clusterDown } from '@cite/kube/testing';
import { createLogger } from '@cite/logging';
import { releaseConfigOf, type Release, type ReleaseDraft, type Service } from '@cite/model';
import { exampleRelease, exampleService } from '@cite/model/testing';
import type { ReleaseJob } from '@cite/queue';
import { MetadataStore, ObservedStatusStore, ReleaseLog } from '@cite/store';
import { createTestStore } from '@cite/store/testing';
import { pollUntil } from '@cite/test-support';
import { PassThrough } from 'node:stream';
import { DeletionRunner } from './deletion-runner';
import type { ImageRegistry } from './image-registry';
import { deployStepOf } from './deploy-log';
import { ReleaseRunner, type RunContext } from './release-runner';

const logger = createLogger({ app: 'test', level: 'error', stream: new PassThrough() });
const context = (overrides: Partial<RunContext> = {}): RunContext => ({
  signal: new AbortController().signal,
  isFinalAttempt: false,
  attempt: 1,
  ...overrides,
});

describe('ReleaseRunner (fake cluster, real etcd)', () => {
  let store: MetadataStore;
  let log: ReleaseLog;
  let observed: ObservedStatusStore;
  let cluster: FakeCluster;
  let enqueued: ReleaseJob[];
  let counter = 0;

  beforeAll(async () => {
    store = new MetadataStore(await createTestStore('deploy-runner'));
    log = new ReleaseLog(store.etcd);
    observed = new ObservedStatusStore(store.etcd);
  });
  afterAll(() => store.close());
  beforeEach(() => {
    cluster = new FakeCluster();
    enqueued = [];
  });

  function runner(registry?: ImageRegistry, imageWaitMs?: number): ReleaseRunner {
    return new ReleaseRunner({
      store,
      cluster,
      log,
      observed,
      logger,
      enqueue: async (job) => {
        enqueued.push(job);
      },
      lockTtlSeconds: 5,
      lockWaitMs: 5_000,
      trackMarginMs: 2_000,
      render: { progressDeadlineSeconds: 5 },
      ...(registry ? { registry } : {}),
      ...(imageWaitMs === undefined ? {} : { imageWaitMs }),
    });
  }

  async function newService(overrides: Partial<Service> = {}): Promise<Service> {
    counter += 1;
    const service = exampleService({ name: `svc-${counter}`, team: 'shop', domains: [], ...overrides });
    await store.services.create(service.name, service);
    return service;
  }

  async function allocate(service: Service, overrides: Partial<ReleaseDraft> = {}): Promise<Release> {
    const { service: _s, number: _n, ...draft } = exampleRelease({ service: service.name });
    const allocated = await store.releases.allocate(service.name, {
      ...draft,
      image: `${service.image}:v${Date.now()}`,
      config: releaseConfigOf(service),
      ...overrides,
    });
    return allocated.value;
  }

  const read = async (service: string, number: number) =>
    (await store.releases.require(service, number)).value;
  const steps = async (service: string, number: number) =>
    (await log.list(service, number)).lines.map((line) => deployStepOf(line.message));

  it('applies a release, follows it to success and records the verdict once', async () => {
    const service = await newService();
    const release = await allocate(service);
    const outcome = await runner().run({ service: service.name, release: release.number }, context());
    expect(outcome).toEqual({ status: 'succeeded' });
    const stored = await read(service.name, release.number);
    expect(stored).toMatchObject({ status: 'succeeded', message: 'rolled out: 2 of 2 replicas available' });
    expect(stored.startedAt).toBeDefined();
    expect(stored.finishedAt).toBeDefined();
    expect((await store.services.require(service.name)).value.currentRelease).toBe(release.number);
    // The namespace first; the objects in it are applied together.
    const kinds = cluster.applied.map((object) => object.kind);
    expect(kinds[0]).toBe('Namespace');
    expect(kinds.slice(1).sort()).toEqual(['Deployment', 'Service']);
    expect(cluster.deployment('cite-shop', service.name)?.spec?.template.spec?.containers[0]?.image).toBe(
      release.image,
    );
    expect(await steps(service.name, release.number)).toEqual(['started', 'applied', 'succeeded']);
    expect((await observed.get(service.name))?.value).toMatchObject({
      service: service.name,
      namespace: 'cite-shop',
      replicas: { desired: 2, updated: 2, ready: 2, available: 2 },
      observedBy: 'deployer',
    });
  });

  it('changes nothing when the same job runs again', async () => {
    const service = await newService();
    const release = await allocate(service);
    await runner().run({ service: service.name, release: release.number }, context());
    const applies = cluster.applied.length;
    const before = await store.releases.require(service.name, release.number);
    expect(await runner().run({ service: service.name, release: release.number }, context())).toEqual({
      status: 'succeeded',
    });
    expect(cluster.applied).toHaveLength(applies);
    expect((await store.releases.require(service.name, release.number)).modRevision).toBe(before.modRevision);
  });

  it('resumes an interrupted release without a second Deployment revision', async () => {
    const service = await newService();
    const release = await allocate(service);
    cluster.rollout = 'hang';
    const stop = new AbortController();
    const first = runner().run(
      { service: service.name, release: release.number },
      context({ signal: stop.signal }),
    );
    await waitFor(() => cluster.deployment('cite-shop', service.name) !== null);
    stop.abort(new Error('shutting down'));
    await expect(first).rejects.toThrow();
    expect((await read(service.name, release.number)).status).toBe('in_progress');

    cluster.rollout = 'succeed';
    const deployment = cluster.deployment('cite-shop', service.name)!;
    cluster.setDeploymentStatus('cite-shop', service.name, {
      observedGeneration: deployment.metadata?.generation,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    const outcome = await runner().run(
      { service: service.name, release: release.number },
      context({ attempt: 2 }),
    );
    expect(outcome.status).toBe('succeeded');
    expect(cluster.revisions.get(`Deployment/cite-shop/${service.name}`)).toBe(1);
    const logged = (await steps(service.name, release.number)).filter((step) => step !== 'progress');
    expect(logged).toEqual(['started', 'applied', 'started', 'applied', 'succeeded']);
  });

  it('fails a rollout with the pods’ reason and rolls back to the last good release', async () => {
    const service = await newService();
    const good = await allocate(service);
    await runner().run({ service: service.name, release: good.number }, context());
    const bad = await allocate(service, { image: `${service.image}:broken` });
    cluster.rollout = { fail: 'ImagePullBackOff' };
    const outcome = await runner().run({ service: service.name, release: bad.number }, context());
    expect(outcome).toEqual({ status: 'failed', reason: 'ImagePullBackOff', rollback: bad.number + 1 });
    const failed = await read(service.name, bad.number);
    expect(failed.failureReason).toBe('ImagePullBackOff');
    expect(failed.message).toContain('ImagePullBackOff');
    const rollback = await read(service.name, bad.number + 1);
    expect(rollback).toMatchObject({
      cause: 'rollback',
      rollbackOf: good.number,
      image: good.image,
      status: 'pending',
      actor: 'system:deployer',
    });
    expect(enqueued).toEqual([{ service: service.name, release: rollback.number }]);
    expect(await steps(service.name, bad.number)).toEqual(['started', 'applied', 'failed', 'rollback']);

    cluster.rollout = 'succeed';
    expect((await runner().run({ service: service.name, release: rollback.number }, context())).status).toBe(
      'succeeded',
    );
    expect((await store.services.require(service.name)).value.currentRelease).toBe(rollback.number);
    expect(cluster.deployment('cite-shop', service.name)?.spec?.template.spec?.containers[0]?.image).toBe(
      good.image,
    );
  });

  it('rolls back by the one rollback rule: the spec follows, replicas and domains stay, audited with it', async () => {
    const service = await newService({ env: [{ name: 'MODE', value: 'old' }], replicas: 2 });
    const good = await allocate(service);
    await runner().run({ service: service.name, release: good.number }, context());
    // Scaled up and reconfigured since (as a PATCH does), then a release that fails.
    const changed = await store.services.modify(service.name, (current) => ({
      ...current,
      replicas: 4,
      env: [{ name: 'MODE', value: 'new' }],
      domains: ['rule.example.com'],
    }));
    const bad = await allocate(changed.value, { image: `${service.image}:broken` });
    cluster.rollout = { fail: 'CrashLoopBackOff' };
    const outcome = await runner().run({ service: service.name, release: bad.number }, context());
    expect(outcome.rollback).toBe(bad.number + 1);
    const rollback = await store.releases.require(service.name, bad.number + 1);
    expect(rollback.value.config).toMatchObject({
      env: [{ name: 'MODE', value: 'old' }],
      replicas: 4,
      domains: ['rule.example.com'],
    });
    const spec = (await store.services.require(service.name)).value;
    expect(spec).toMatchObject({
      env: [{ name: 'MODE', value: 'old' }],
      replicas: 4,
      domains: ['rule.example.com'],
    });
    const audit = (await store.audit.list({ limit: 100 })).items.filter(
      (item) => item.value.target === `service/${service.name}` && item.value.action === 'release.rollback',
    );
    expect(audit.map((item) => [item.value.actor, item.modRevision])).toEqual([
      ['system:deployer', rollback.modRevision],
    ]);
    expect(enqueued).toEqual([{ service: service.name, release: rollback.value.number }]);
    // The outbox entry goes once the job is enqueued, after the rollback is recorded: wait for that.
    await pollUntil('the outbox entry of the rollback to go', async () => {
      const outbox = (await store.outbox.list()).items.filter((item) => item.value.service === service.name);
      return outbox.length === 0;
    });
  });

  it('does not roll back a failed rollback, nor when auto-rollback is off', async () => {
    const service = await newService({ autoRollback: false });
    const good = await allocate(service);
    await runner().run({ service: service.name, release: good.number }, context());
    const bad = await allocate(service);
    cluster.rollout = { fail: 'CrashLoopBackOff' };
    expect(await runner().run({ service: service.name, release: bad.number }, context())).toEqual({
      status: 'failed',
      reason: 'CrashLoopBackOff',
    });
    expect(enqueued).toEqual([]);
  });

  it('supersedes a queued release when a newer one exists, without touching the cluster', async () => {
    const service = await newService();
    const older = await allocate(service);
    const newer = await allocate(service);
    expect(await runner().run({ service: service.name, release: older.number }, context())).toEqual({
      status: 'superseded',
    });
    expect(cluster.applied).toEqual([]);
    expect((await read(service.name, older.number)).message).toBe(`superseded by release ${newer.number}`);
    expect(enqueued).toEqual([{ service: service.name, release: newer.number }]);
    expect((await runner().run({ service: service.name, release: newer.number }, context())).status).toBe(
      'succeeded',
    );
  });

  it('fails fast with "image not found" when the registry lacks the image, applying nothing', async () => {
    const service = await newService();
    const release = await allocate(service);
    const registry: ImageRegistry = {
      url: 'http://registry.test',
      check: async () => ({ found: false, status: 404 }),
    };
    const outcome = await runner(registry).run({ service: service.name, release: release.number }, context());
    expect(outcome).toEqual({ status: 'failed', reason: 'ImageNotFound' });
    expect((await read(service.name, release.number)).message).toMatch(/^image not found: /);
    expect(cluster.applied).toEqual([]);
    expect(enqueued).toEqual([]);
  });

  it("waits for a pushed commit's image that CI has not pushed yet, then deploys it", async () => {
    const service = await newService();
    const release = await allocate(service, { gitSha: 'a'.repeat(40) });
    let checks = 0;
    const registry: ImageRegistry = {
      url: 'http://registry.test',
      check: async () => (++checks < 3 ? { found: false, status: 404 } : { found: true }),
    };
    const outcome = await runner(registry, 60_000).run(
      { service: service.name, release: release.number },
      context(),
    );
    expect(outcome.status).toBe('succeeded');
    expect(checks).toBe(3);
    const lines = (await log.list(service.name, release.number)).lines.map((line) => line.message);
    expect(lines.some((line) => /waiting up to 60 s for CI to push/.test(line))).toBe(true);
  }, 15_000);

  it('fails with "image not found" once the wait for a pushed commit\'s image is over', async () => {
    const service = await newService();
    const release = await allocate(service, { gitSha: 'b'.repeat(40) });
    const registry: ImageRegistry = {
      url: 'http://registry.test',
      check: async () => ({ found: false, status: 404 }),
    };
    const outcome = await runner(registry, 300).run(
      { service: service.name, release: release.number },
      context(),
    );
    expect(outcome).toEqual({ status: 'failed', reason: 'ImageNotFound' });
    expect(cluster.applied).toEqual([]);
  });

  it('records the digest the registry resolved', async () => {
    const service = await newService();
    const release = await allocate(service);
    const digest = `sha256:${'b'.repeat(64)}`;
    const registry: ImageRegistry = {
      url: 'http://registry.test',
      check: async () => ({ found: true, digest }),
    };
    await runner(registry).run({ service: service.name, release: release.number }, context());
    expect((await read(service.name, release.number)).digest).toBe(digest);
  });

  it('retries a transient cluster failure, and records a failure on the last attempt', async () => {
    const service = await newService();
    const release = await allocate(service);
    cluster.failure = clusterDown();
    const job = { service: service.name, release: release.number };
    await expect(runner().run(job, context())).rejects.toBeInstanceOf(UnavailableError);
    expect((await read(service.name, release.number)).status).toBe('in_progress');
    const outcome = await runner().run(job, context({ attempt: 20, isFinalAttempt: true }));
    expect(outcome).toEqual({ status: 'failed', reason: 'RetriesExhausted' });
    expect(await steps(service.name, release.number)).toEqual(['started', 'retry', 'started', 'failed']);
  });

  it('supersedes a release of a service being deleted, and the deletion removes the objects', async () => {
    const service = await newService({ domains: ['svc.example.com', 'other.example.com'] });
    // The api's claims: this service owns svc.example.com; other.example.com is another service's.
    const claim = (host: string, owner: string) => ({
      host,
      service: owner,
      namespace: 'cite-shop',
      paths: ['/'],
      targets: [],
      updatedAt: new Date().toISOString(),
    });
    await store.domains.create('svc.example.com', claim('svc.example.com', service.name));
    await store.domains.create('other.example.com', claim('other.example.com', 'someone-else'));
    const release = await allocate(service);
    await runner().run({ service: service.name, release: release.number }, context());
    expect(cluster.applied.map((object) => object.kind)).toContain('Ingress');
    const next = await allocate(service);
    const current = await store.services.require(service.name);
    await store.services.update(service.name, { ...current.value, state: 'deleting' }, current.modRevision);
    expect((await runner().run({ service: service.name, release: next.number }, context())).status).toBe(
      'superseded',
    );
    const deletion = new DeletionRunner({ store, cluster, observed, logger, lockTtlSeconds: 5 });
    const job = { service: service.name, namespace: 'cite-shop' };
    expect(await deletion.run(job, new AbortController().signal)).toEqual({
      deleted: ['Ingress', 'Service', 'Deployment'],
      serviceState: 'deleted',
    });
    const deleted = (await store.services.require(service.name)).value;
    expect(deleted.state).toBe('deleted');
    expect(deleted.deletedAt).toBeDefined();
    expect(await observed.get(service.name)).toBeNull();
    // Its own domain is let go with the deletion; another service's stays.
    expect(await store.domains.get('svc.example.com')).toBeNull();
    expect((await store.domains.get('other.example.com'))?.value.service).toBe('someone-else');
    expect(await deletion.run(job, new AbortController().signal)).toEqual({
      deleted: [],
      serviceState: 'deleted',
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
