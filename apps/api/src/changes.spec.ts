/**
 * A change is wholly accepted or wholly refused: the spec, its release, its domain claims, its audit entry and its
 * job land in one etcd transaction. Against the real etcd and Redis (a Redis of its own where it is stopped).
 */
import fs from 'node:fs';
import { jest } from '@jest/globals';
import { startRedis, type RunningRedis } from '@cite/local-services';
import { randomBytes } from 'node:crypto';
import { createJobQueue, type BullJobQueue, type JobQueue } from '@cite/queue';
import { pollUntil, testRedisUrl } from '@cite/test-support';
import request from 'supertest';
import { startHarness, type Harness } from './testing/harness';

const json = (h: Harness, method: 'post' | 'patch' | 'delete', path: string, auth = h.admin) =>
  request(h.app)[method](`/api/v1${path}`).set('authorization', auth);

describe('changes with Redis down', () => {
  let redis: RunningRedis;
  let h: Harness;

  beforeAll(async () => {
    redis = await startRedis({ appendOnly: false });
    h = await startHarness('atomic-redis', {
      queue: createJobQueue(redis.url, { prefix: 'cite-test-atomic', timeoutMs: 500 }),
    });
  });
  afterAll(async () => {
    await h?.close();
    await redis?.stop();
    if (redis) fs.rmSync(redis.dataDir, { recursive: true, force: true });
  });

  it('PATCH, scale, rollback and DELETE answer 503 and change nothing', async () => {
    await h.service('steady', { env: [{ name: 'A', value: '1' }] });
    await h.finish('steady', (await h.deploy('steady', 'v1')).number);
    await h.finish('steady', (await h.deploy('steady', 'v2')).number);
    const before = await h.store.services.get('steady');
    const releasesBefore = (await h.store.releases.list('steady')).items.length;
    const auditBefore = (await h.store.audit.list({ limit: 1000 })).items.length;
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await redis.stop();
    try {
      const calls = [
        json(h, 'patch', '/services/steady').send({ env: [{ name: 'A', value: '2' }] }),
        json(h, 'post', '/services/steady/scale').send({ replicas: 4 }),
        json(h, 'post', '/services/steady/rollback').send({}),
        json(h, 'delete', '/services/steady'),
      ];
      for (const call of calls) {
        const res = await call;
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toBeDefined();
      }
      const after = await h.store.services.get('steady');
      expect(after).toEqual(before);
      expect(after!.value.state).toBe('active');
      expect((await h.store.releases.list('steady')).items).toHaveLength(releasesBefore);
      expect((await h.store.outbox.list()).items).toEqual([]);
      // The refusals are audited (after their responses) as failed; no change was.
      const audit = await h.store.audit.list({ limit: 1000 });
      const added = audit.items.slice(0, audit.items.length - auditBefore).map((item) => item.value.outcome);
      expect(added.filter((outcome) => outcome === 'ok')).toEqual([]);
    } finally {
      redis = await startRedis({ port: redis.port, dataDir: redis.dataDir, appendOnly: false });
      quiet.mockRestore();
    }
  }, 30_000);
});

describe('a change whose job the queue could not take', () => {
  let h: Harness;
  let real: BullJobQueue;
  let failing = false;

  beforeAll(async () => {
    real = createJobQueue(testRedisUrl(), { prefix: `cite-test-outbox-${randomBytes(4).toString('hex')}` });
    // Redis answers the ping, then the enqueue fails: the window between the transaction and the enqueue.
    const lost = () => Promise.reject(new Error('connection lost'));
    const flaky: JobQueue = {
      ping: () => real.ping(),
      close: () => real.close(),
      enqueueRelease: (job) => (failing ? lost() : real.enqueueRelease(job)),
      enqueueDeletion: (job, at) => (failing ? lost() : real.enqueueDeletion(job, at)),
      enqueueReport: (job) => real.enqueueReport(job),
      enqueueDelivery: (job) => real.enqueueDelivery(job),
    };
    h = await startHarness('atomic-outbox', { queue: flaky });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is accepted, and its job waits in the outbox', async () => {
    await h.service('kept');
    failing = true;
    const res = await json(h, 'post', '/services/kept/deploys').send({ image: 'v1' });
    failing = false;
    expect(res.status).toBe(202);
    const number = res.body.release.number as number;
    expect((await h.store.releases.get('kept', number))?.value.status).toBe('pending');
    const outbox = await h.store.outbox.list();
    expect(outbox.items.map((item) => item.value)).toEqual([
      expect.objectContaining({ kind: 'release', service: 'kept', release: number }),
    ]);
    expect(await real.state('releases', `release.kept.${number}`)).toBe('unknown');
  });

  it('removes the outbox entry once the job is on the queue', async () => {
    await h.service('flows');
    const res = await json(h, 'post', '/services/flows/deploys').send({ image: 'v1' });
    expect(res.status).toBe(202);
    expect(await real.state('releases', `release.flows.${res.body.release.number}`)).toBe('waiting');
    // The entry goes after the answer, once the job is on the queue: wait for that, however busy the machine.
    await pollUntil('the outbox entry of the delivered job to go', async () => {
      const left = (await h.store.outbox.list()).items.filter((item) => item.value.service === 'flows');
      return left.length === 0;
    });
  });
});

describe('the audit entry of a change', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('atomic-audit');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('lands in the same transaction as the change', async () => {
    await h.service('audited');
    const res = await json(h, 'post', '/services/audited/deploys').send({ image: 'v1' });
    expect(res.status).toBe(202);
    const release = await h.store.releases.get('audited', res.body.release.number);
    const entries = (await h.store.audit.list({ limit: 100 })).items.filter(
      (item) => item.value.action === 'release.deploy' && item.value.target === 'service/audited',
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]!.modRevision).toBe(release!.modRevision);
    expect(entries[0]!.value).toMatchObject({
      outcome: 'ok',
      details: { status: 202, release: res.body.release.number, cause: 'deploy' },
    });
  });

  it('of a create lands with the service', async () => {
    await h.service('created');
    const service = await h.store.services.get('created');
    const entries = (await h.store.audit.list({ limit: 100 })).items.filter(
      (item) => item.value.action === 'service.create' && item.value.target === 'service/created',
    );
    expect(entries.map((entry) => entry.modRevision)).toEqual([service!.modRevision]);
  });

  it('is written once for a token, in the token’s own transaction', async () => {
    const res = await json(h, 'post', '/tokens').send({ name: 'ci', teams: ['payments'] });
    expect(res.status).toBe(201);
    const token = await h.store.tokens.get(res.body.token.id);
    const entries = (await h.store.audit.list({ limit: 100 })).items.filter(
      (item) => item.value.target === `token/${res.body.token.id}`,
    );
    expect(entries.map((entry) => entry.modRevision)).toEqual([token!.modRevision]);
  });
});

describe('domains', () => {
  let h: Harness;
  let demo: string;
  let payments: string;

  beforeAll(async () => {
    h = await startHarness('domains');
    demo = await h.token({ teams: ['demo'] });
    payments = await h.token({ teams: ['payments'] });
  });
  afterAll(async () => {
    await h?.close();
  });

  const create = (auth: string, name: string, team: string, domains: string[]) =>
    json(h, 'post', '/services', auth).send({
      name,
      team,
      image: 'registry.local:5000/x/app',
      port: 8080,
      domains,
    });

  it('are claimed with the spec; another team cannot take them, at create or PATCH', async () => {
    expect((await create(payments, 'pay', 'payments', ['pay.example.com'])).status).toBe(201);
    expect((await h.store.domains.get('pay.example.com'))?.value).toMatchObject({
      host: 'pay.example.com',
      service: 'pay',
      namespace: 'cite-payments',
    });

    const taken = await create(demo, 'shop', 'demo', ['shop.example.com', 'pay.example.com']);
    expect(taken.status).toBe(409);
    expect(taken.body.error.details).toEqual([
      { path: 'domains.1', message: expect.stringMatching(/pay\.example\.com/) },
    ]);
    expect(JSON.stringify(taken.body)).not.toMatch(/payments|"pay"/);
    expect(await h.store.services.get('shop')).toBeNull();
    expect(await h.store.domains.get('shop.example.com')).toBeNull();

    expect((await create(demo, 'shop', 'demo', ['shop.example.com'])).status).toBe(201);
    const patched = await json(h, 'patch', '/services/shop', demo).send({
      domains: ['shop.example.com', 'pay.example.com'],
    });
    expect(patched.status).toBe(409);
    expect(patched.body.error.details[0].path).toBe('domains.1');
    expect((await h.store.services.get('shop'))?.value.domains).toEqual(['shop.example.com']);
  });

  it('are let go when the service drops them, and can then be claimed by another', async () => {
    expect(
      (await json(h, 'patch', '/services/pay', payments).send({ domains: ['pay2.example.com'] })).status,
    ).toBe(200);
    expect(await h.store.domains.get('pay.example.com')).toBeNull();
    expect((await h.store.domains.get('pay2.example.com'))?.value.service).toBe('pay');
    const moved = await json(h, 'patch', '/services/shop', demo).send({
      domains: ['shop.example.com', 'pay.example.com'],
    });
    expect(moved.status).toBe(200);
    expect((await h.store.domains.get('pay.example.com'))?.value.service).toBe('shop');
  });

  it('two services racing for one host: exactly one gets it', async () => {
    const results = await Promise.all(
      ['race-a', 'race-b', 'race-c'].map((name) => create(h.admin, name, 'demo', ['race.example.com'])),
    );
    expect(results.map((res) => res.status).sort()).toEqual([201, 409, 409]);
    const owner = (await h.store.domains.get('race.example.com'))?.value.service;
    const winner = results.find((res) => res.status === 201)!.body.name;
    expect(owner).toBe(winner);
  });
});

describe('images and sizes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('images', {
      registries: { global: ['registry.local:5000'], teams: { demo: ['127.0.0.1:5000'] } },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses a digest that is not one', async () => {
    await h.service('digests');
    for (const image of ['sha256:zz', 'sha256:abc', `sha512:${'a'.repeat(10)}`]) {
      const res = await json(h, 'post', '/services/digests/deploys').send({ image });
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].path).toBe('image');
    }
    const good = await json(h, 'post', '/services/digests/deploys').send({
      image: `sha256:${'a'.repeat(64)}`,
    });
    expect(good.status).toBe(202);
    expect(good.body.release.image).toBe(`registry.local:5000/payments/app@sha256:${'a'.repeat(64)}`);
  });

  it('lets members use only the allowed registries (per team when set); admins are not bound', async () => {
    const payments = await h.token({ teams: ['payments'] });
    const demo = await h.token({ teams: ['demo'] });
    const created = await json(h, 'post', '/services', payments).send({
      name: 'elsewhere',
      team: 'payments',
      image: 'docker.io/library/nginx',
      port: 80,
    });
    expect(created.status).toBe(403);
    expect(created.body.error.details[0]).toEqual({
      path: 'image',
      message: expect.stringMatching(/registry\.local:5000.*docker\.io is not allowed/),
    });
    expect(await h.store.services.get('elsewhere')).toBeNull();

    await h.service('regs');
    const fromHub = await json(h, 'post', '/services/regs/deploys', payments).send({ image: 'nginx:1.27' });
    expect(fromHub.status).toBe(403);
    expect((await json(h, 'post', '/services/regs/deploys', payments).send({ image: '1.0' })).status).toBe(
      202,
    );
    expect(
      (await json(h, 'post', '/services/regs/deploys', h.admin).send({ image: 'nginx:1.27' })).status,
    ).toBe(202);

    const demoCreate = (image: string) =>
      json(h, 'post', '/services', demo).send({
        name: `demo-${image.length}`,
        team: 'demo',
        image,
        port: 80,
      });
    expect((await demoCreate('registry.local:5000/demo/app')).status).toBe(403);
    expect((await demoCreate('127.0.0.1:5000/demo/app')).status).toBe(201);
  });

  it('caps env values, the environment and the spec', async () => {
    await h.service('sizes');
    const big = await json(h, 'patch', '/services/sizes').send({
      env: [{ name: 'BIG', value: 'x'.repeat(40_000) }],
    });
    expect(big.status).toBe(400);
    expect(big.body.error.details[0].path).toBe('env.0.value');
    const many = Array.from({ length: 5 }, (_, i) => ({ name: `V${i}`, value: 'x'.repeat(30_000) }));
    const total = await json(h, 'patch', '/services/sizes').send({ env: many });
    expect(total.status).toBe(400);
    expect(total.body.error.details[0].path).toBe('env');
    const domains = Array.from({ length: 101 }, (_, i) => `d${i}.example.com`);
    expect((await json(h, 'patch', '/services/sizes').send({ domains })).status).toBe(400);
    expect((await h.store.services.get('sizes'))?.value.env).toEqual([]);
  });

  it('a name taken by another team’s deleted service is refused without naming the team', async () => {
    await h.service('old-name');
    await h.store.services.modify('old-name', (service) => ({
      ...service,
      state: 'deleted',
      deletedAt: new Date().toISOString(),
    }));
    const demo = await h.token({ teams: ['demo'] });
    const res = await json(h, 'post', '/services', demo).send({
      name: 'old-name',
      team: 'demo',
      image: '127.0.0.1:5000/demo/app',
      port: 80,
    });
    expect(res.status).toBe(409);
    expect(JSON.stringify(res.body)).not.toMatch(/payments/);
  });
});
