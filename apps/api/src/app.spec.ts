import request from 'supertest';
import { createLogger } from '@cite/logging';
import { createRedis, pingRedis } from '@cite/queue';
import { MetadataStore } from '@cite/store';
import { freePort } from '@cite/test-support';
import { createApp } from './app';
import { ADMIN_TOKEN, startHarness, type Harness } from './testing/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('app');
});
afterAll(() => h.close());

describe('api bootstrap', () => {
  it('/healthz answers without asking dependencies', async () => {
    const app = createApp({
      logger: createLogger({ app: 'api', level: 'error' }),
      store: h.store,
      queue: h.queue,
      dependencies: [{ name: 'etcd', check: () => Promise.reject(new Error('down')) }],
    });
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('/readyz reports etcd and Redis ok against the real ones', async () => {
    const res = await request(h.app).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(Object.keys(res.body.dependencies).sort()).toEqual(['etcd', 'redis']);
    expect(res.body.dependencies.etcd.ok).toBe(true);
    expect(res.body.dependencies.redis.ok).toBe(true);
  });

  it('/readyz is 503 naming the dependency that is down', async () => {
    const deadStore = await MetadataStore.create({
      endpoints: [`http://127.0.0.1:${await freePort()}`],
      timeoutMs: 300,
      verify: false,
    });
    const deadRedis = createRedis(`redis://127.0.0.1:${await freePort()}`);
    deadRedis.on('error', () => undefined);
    try {
      const app = createApp({
        logger: createLogger({ app: 'api', level: 'error' }),
        store: deadStore,
        queue: h.queue,
        dependencies: [
          { name: 'etcd', check: () => deadStore.ping() },
          { name: 'redis', check: () => pingRedis(deadRedis) },
        ],
      });
      const res = await request(app).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.status).toBe('unavailable');
      expect(res.body.dependencies.etcd).toMatchObject({ ok: false });
      expect(res.body.dependencies.redis).toMatchObject({ ok: false });
      expect(res.body.dependencies.etcd.error).toMatch(/etcd/i);
    } finally {
      deadRedis.disconnect();
      await deadStore.close();
    }
  });

  it('gives every response a request id, echoing a sane caller id, and writes a JSON access log line', async () => {
    const res = await request(h.app).get('/healthz').set('x-request-id', 'trace-42');
    expect(res.headers['x-request-id']).toBe('trace-42');
    const generated = await request(h.app).get('/healthz');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((r) => setImmediate(r));
    expect(h.logs.find((l) => l['requestId'] === 'trace-42')).toMatchObject({
      message: 'request',
      method: 'GET',
      path: '/healthz',
      status: 200,
      app: 'api',
    });
  });

  it('answers unknown routes with the one error shape', async () => {
    const res = await request(h.app).get('/api/v1/nothing-here').set('authorization', h.admin);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: { code: 'not_found', message: 'no route for GET /api/v1/nothing-here', details: [] },
    });
  });

  it('maps malformed JSON to 400 naming the body, never 500', async () => {
    const res = await request(h.app)
      .post('/api/v1/services')
      .set('authorization', h.admin)
      .set('content-type', 'application/json')
      .send('{"name": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.details[0].path).toBe('body');
  });

  it('names the body when it is missing or not an object', async () => {
    for (const body of ['[1, 2]', '"text"']) {
      const res = await request(h.app)
        .post('/api/v1/services')
        .set('authorization', h.admin)
        .set('content-type', 'application/json')
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['body']);
    }
    const none = await request(h.app).post('/api/v1/services/x/scale').set('authorization', h.admin);
    expect(none.status).toBe(404);
  });
});

describe('authentication', () => {
  it.each([
    ['no token', undefined, 'Bearer realm="cite"'],
    ['a wrong token', 'Bearer not-the-token', 'Bearer realm="cite", error="invalid_token"'],
    [
      'a wrong cite_ token',
      `Bearer cite_${'a'.repeat(20)}_${'b'.repeat(43)}`,
      'Bearer realm="cite", error="invalid_token"',
    ],
    ['another scheme', `Basic ${ADMIN_TOKEN}`, 'Bearer realm="cite", error="invalid_request"'],
  ])('refuses %s with 401 and WWW-Authenticate', async (_case, header, challenge) => {
    for (const [method, path] of [
      ['get', '/api/v1/services'],
      ['post', '/api/v1/services'],
      ['get', '/api/v1/tokens'],
      ['get', '/api/v1/nothing-here'],
    ] as const) {
      const call = request(h.app)[method](path);
      const res = await (header === undefined ? call : call.set('authorization', header));
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe(challenge);
      expect(res.body.error.code).toBe('unauthenticated');
      expect(res.body.error.details[0].path).toBe('headers.authorization');
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts/);
    }
  });

  it('lets /healthz, /readyz, the OpenAPI document and the docs page through without a token', async () => {
    for (const path of ['/healthz', '/readyz', '/api/v1/openapi.json', '/api/docs']) {
      expect((await request(h.app).get(path)).status).toBe(200);
    }
  });
});
