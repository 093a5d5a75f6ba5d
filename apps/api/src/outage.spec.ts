/**
 * Dependencies going away and coming back: while etcd (or Redis) is down the API answers 503 with
 * Retry-After — never a hang, never a 500 — and it recovers by itself once they are back.
 */
import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import { createLogger } from '@cite/logging';
import { createJobQueue, type BullJobQueue } from '@cite/queue';
import { MetadataStore } from '@cite/store';
import { startEtcd, startRedis, testRedisUrl, type RunningEtcd, type RunningRedis } from '@cite/test-support';
import request from 'supertest';
import { createApp } from './app';
import { ADMIN_TOKEN, eventually, startHarness } from './testing/harness';
import { jest } from '@jest/globals';

const admin = `Bearer ${ADMIN_TOKEN}`;
// 503s are logged as errors; keep them out of the test output, but keep them to look at.
const logged: Record<string, unknown>[] = [];
const logStream = new PassThrough();
logStream.on('data', (chunk: Buffer) =>
  chunk
    .toString()
    .split('\n')
    .filter(Boolean)
    .forEach((line) => logged.push(JSON.parse(line) as Record<string, unknown>)),
);
const logger = createLogger({ app: 'api', level: 'error', stream: logStream });
/** What an outage answer must never show: etcd keys, gRPC status names and codes, addresses. */
const INTERNALS =
  /\/cite\/|tokens\/|services\/|DEADLINE|UNAVAILABLE|[gG][rR][pP][cC]|\b\d+ [A-Z_]{6,}|ECONNREFUSED|127\.0\.0\.1/;

describe('etcd stopped', () => {
  let etcd: RunningEtcd;
  let store: MetadataStore;
  let queue: BullJobQueue;

  beforeAll(async () => {
    etcd = await startEtcd();
    queue = createJobQueue(testRedisUrl(), { prefix: `cite-test-outage-${process.pid}` });
    store = await MetadataStore.create({ endpoints: [etcd.endpoint], timeoutMs: 500, verify: false });
    // A fresh etcd on a busy machine may take a moment to answer.
    await eventually(
      () =>
        store.ping().then(
          () => true,
          () => undefined,
        ),
      10_000,
    );
  });
  afterAll(async () => {
    await queue?.close();
    await store?.close();
    await etcd?.stop();
    if (etcd) fs.rmSync(etcd.dataDir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After while etcd is down, then recovers by itself', async () => {
    const app = createApp({ logger, store, queue, adminToken: ADMIN_TOKEN });
    const created = await request(app)
      .post('/api/v1/services')
      .set('authorization', admin)
      .send({ name: 'steady', team: 'ops', image: 'registry.local:5000/ops/steady', port: 80 });
    expect(created.status).toBe(201);
    const token = await request(app)
      .post('/api/v1/tokens')
      .set('authorization', admin)
      .send({ name: 't', teams: ['ops'] });
    const member = `Bearer ${token.body.secret as string}`;

    await etcd.stop();
    for (const [auth, method, path, body] of [
      [admin, 'get', '/api/v1/services', undefined],
      [admin, 'post', '/api/v1/services/steady/deploys', { image: 'v1' }],
      [admin, 'patch', '/api/v1/services/steady', { replicas: 2 }],
      [member, 'get', '/api/v1/services/steady', undefined],
    ] as const) {
      const started = Date.now();
      const res = await request(app)[method](path).set('authorization', auth).send(body);
      expect(res.status).toBe(503);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.body).toEqual({
        error: { code: 'unavailable', message: 'etcd is unavailable; try again', details: [] },
      });
      expect(res.text).not.toMatch(INTERNALS);
      expect(res.text).not.toMatch(/\.ts:\d+/);
      expect(Date.now() - started).toBeLessThan(3_000);
      // The detail goes to the log, with the request id.
      const requestId = res.headers['x-request-id'];
      const line = await eventually(async () =>
        logged.find((l) => l['requestId'] === requestId && l['message'] === 'request failed'),
      );
      expect(line).toMatchObject({ level: 'error', status: 503, path });
      expect(line['error']).toMatchObject({
        name: 'UnavailableError',
        message: expect.stringMatching(/etcd/),
      });
      expect((line['error'] as { message: string }).message).not.toBe(res.body.error.message);
    }
    expect((await request(app).get('/readyz')).status).toBe(503);

    etcd = await startEtcd({ clientPort: etcd.port, dataDir: etcd.dataDir });
    const back = await eventually(async () => {
      const res = await request(app).get('/api/v1/services/steady').set('authorization', member);
      return res.status === 200 ? res : undefined;
    }, 15_000);
    expect(back.body.name).toBe('steady');
    const deployed = await request(app)
      .post('/api/v1/services/steady/deploys')
      .set('authorization', admin)
      .send({ image: 'v1' });
    expect(deployed.status).toBe(202);
  }, 30_000);
});

describe('Redis stopped', () => {
  let redis: RunningRedis;

  beforeAll(async () => {
    redis = await startRedis({ appendOnly: false });
  });
  afterAll(async () => {
    await redis?.stop();
    if (redis) fs.rmSync(redis.dataDir, { recursive: true, force: true });
  });

  it('refuses releases with 503 before recording them, and takes them again once Redis is back', async () => {
    const h = await startHarness('redis-outage', {
      queue: createJobQueue(redis.url, { prefix: 'cite-test-redis-outage', timeoutMs: 500 }),
    });
    // BullMQ reports every failed reconnect on console.error; the outage is the point here.
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await h.service('queued');
      await redis.stop();
      const res = await request(h.app)
        .post('/api/v1/services/queued/deploys')
        .set('authorization', h.admin)
        .send({ image: 'v1' });
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBeDefined();
      expect(res.body.error.message).toBe('redis is unavailable; try again');
      expect(res.text).not.toMatch(INTERNALS);
      expect(await h.store.releases.latest('queued')).toBeNull();
      expect((await request(h.app).get('/api/v1/services/queued').set('authorization', h.admin)).status).toBe(
        200,
      );

      redis = await startRedis({ port: redis.port, dataDir: redis.dataDir, appendOnly: false });
      const accepted = await eventually(async () => {
        const again = await request(h.app)
          .post('/api/v1/services/queued/deploys')
          .set('authorization', h.admin)
          .send({ image: 'v1' });
        return again.status === 202 ? again : undefined;
      }, 10_000);
      expect(accepted.body.release.number).toBe(1);
    } finally {
      await h.close();
      quiet.mockRestore();
    }
  }, 30_000);
});
