import { PassThrough } from 'node:stream';
import request from 'supertest';
import type { DependencyCheck } from '@cite/http';
import { createLogger } from '@cite/logging';
import { createRedis, pingRedis } from '@cite/queue';
import { EtcdStore } from '@cite/store';
import { freePort, testEtcdEndpoint, testRedisUrl, uniquePrefix } from '@cite/test-support';
import { createApp } from './app';

function capturedLogger() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (c: Buffer) =>
    c
      .toString()
      .split('\n')
      .filter(Boolean)
      .forEach((l) => lines.push(JSON.parse(l))),
  );
  return { logger: createLogger({ app: 'api', stream, level: 'debug' }), lines };
}

describe('api bootstrap', () => {
  let store: EtcdStore;
  let redis: ReturnType<typeof createRedis>;

  beforeAll(async () => {
    store = await EtcdStore.create({
      endpoints: [testEtcdEndpoint()],
      prefix: uniquePrefix('api'),
      timeoutMs: 1_000,
    });
    redis = createRedis(testRedisUrl());
    await new Promise((r) => (redis.status === 'ready' ? r(undefined) : redis.once('ready', r)));
  });
  afterAll(async () => {
    redis.disconnect();
    await store.close();
  });

  const realChecks = (): DependencyCheck[] => [
    { name: 'etcd', check: () => store.ping() },
    { name: 'redis', check: () => pingRedis(redis) },
  ];

  it('/healthz answers without asking dependencies', async () => {
    const { logger } = capturedLogger();
    const app = createApp({
      logger,
      dependencies: [{ name: 'etcd', check: () => Promise.reject(new Error('down')) }],
    });
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('/readyz reports every dependency ok against the real etcd and Redis', async () => {
    const { logger } = capturedLogger();
    const res = await request(createApp({ logger, dependencies: realChecks() })).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.dependencies.etcd.ok).toBe(true);
    expect(res.body.dependencies.redis.ok).toBe(true);
  });

  it('/readyz is 503 naming the dependency that is down', async () => {
    const { logger } = capturedLogger();
    const deadEtcd = await EtcdStore.create({
      endpoints: [`http://127.0.0.1:${await freePort()}`],
      timeoutMs: 300,
      verify: false,
    });
    const deadRedis = createRedis(`redis://127.0.0.1:${await freePort()}`);
    deadRedis.on('error', () => undefined);
    try {
      const res = await request(
        createApp({
          logger,
          dependencies: [
            { name: 'etcd', check: () => deadEtcd.ping() },
            { name: 'redis', check: () => pingRedis(deadRedis) },
          ],
        }),
      ).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.status).toBe('unavailable');
      expect(res.body.dependencies.etcd).toMatchObject({ ok: false });
      expect(res.body.dependencies.redis).toMatchObject({ ok: false });
      expect(res.body.dependencies.etcd.error).toMatch(/etcd/i);
    } finally {
      deadRedis.disconnect();
      await deadEtcd.close();
    }
  });

  it('gives every response a request id, echoing a sane caller id, and writes a JSON access log line', async () => {
    const { logger, lines } = capturedLogger();
    const app = createApp({ logger, dependencies: [] });
    const res = await request(app).get('/healthz').set('x-request-id', 'trace-42');
    expect(res.headers['x-request-id']).toBe('trace-42');
    const generated = await request(app).get('/healthz');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((r) => setImmediate(r));
    const access = lines.find((l) => l['requestId'] === 'trace-42');
    expect(access).toMatchObject({
      message: 'request',
      method: 'GET',
      path: '/healthz',
      status: 200,
      app: 'api',
    });
  });

  it('answers unknown routes with the one error shape', async () => {
    const { logger } = capturedLogger();
    const res = await request(createApp({ logger, dependencies: [] })).get('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: { code: 'not_found', message: 'no route for GET /api/v1/nothing-here', details: [] },
    });
  });

  it('maps malformed JSON to 400 naming the body, never 500', async () => {
    const { logger } = capturedLogger();
    const res = await request(createApp({ logger, dependencies: [] }))
      .post('/api/v1/services')
      .set('content-type', 'application/json')
      .send('{"name": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.details[0].path).toBe('body');
  });
});
