import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { loadConfig } from '@cite/config';
import { ConfigError } from '@cite/errors';
import { createLogger } from '@cite/logging';
import { createRedis, pingRedis } from '@cite/queue';
import { MetadataStore } from '@cite/store';
import { freePort } from '@cite/test-support';
import { createApp } from './app';
import { ADMIN_TOKEN, eventually, startHarness, type Harness } from './testing/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('app');
});
afterAll(() => h?.close());

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

describe('source address (CITE_API_TRUSTED_PROXIES)', () => {
  /** The audit `sourceIp` of a call with `X-Forwarded-For` made through an app trusting `trustedProxies`. */
  async function sourceIp(trustedProxies: string[] | undefined, forwardedFor: string): Promise<string> {
    const app = createApp({
      logger: createLogger({ app: 'api', level: 'error', stream: new PassThrough() }),
      store: h.store,
      queue: h.queue,
      adminToken: ADMIN_TOKEN,
      ...(trustedProxies === undefined ? {} : { trustedProxies }),
    });
    const requestId = `xff-${randomUUID()}`;
    const res = await request(app)
      .post('/api/v1/tokens')
      .set('authorization', h.admin)
      .set('x-request-id', requestId)
      .set('x-forwarded-for', forwardedFor)
      .send({ name: 'xff', teams: ['payments'] });
    expect(res.status).toBe(201);
    const entry = await eventually(async () => {
      const page = await request(h.app).get('/api/v1/audit?limit=1000').set('authorization', h.admin);
      const items = page.body.items as { sourceIp: string; details?: Record<string, unknown> }[];
      return items.find((item) => item.details?.['requestId'] === requestId);
    });
    return entry.sourceIp;
  }
  const loopback = /^(::ffff:)?127\.0\.0\.1$|^::1$/;

  it('ignores X-Forwarded-For by default: the address is the connection peer', async () => {
    expect(await sourceIp(undefined, '203.0.113.7')).toMatch(loopback);
    expect(await sourceIp([], '203.0.113.7')).toMatch(loopback);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    expect(await sourceIp(['10.0.0.0/8', '192.0.2.1'], '203.0.113.7')).toMatch(loopback);
  });

  it('believes X-Forwarded-For from a trusted proxy (address, CIDR or loopback)', async () => {
    expect(await sourceIp(['127.0.0.1', '::1'], '203.0.113.7')).toBe('203.0.113.7');
    expect(await sourceIp(['127.0.0.0/8', '::1/128'], '198.51.100.2, 203.0.113.7')).toBe('203.0.113.7');
    expect(await sourceIp(['loopback'], '2001:db8::5')).toBe('2001:db8::5');
  });

  it('is read from CITE_API_TRUSTED_PROXIES or api.trustedProxies; unset trusts none; bad entries are refused', () => {
    expect(loadConfig({ env: {} }).api.trustedProxies).toBeUndefined();
    expect(
      loadConfig({ env: { CITE_API_TRUSTED_PROXIES: '10.0.0.1, 10.1.0.0/16,::1,loopback' } }).api,
    ).toEqual({
      host: '127.0.0.1',
      port: 8080,
      trustedProxies: ['10.0.0.1', '10.1.0.0/16', '::1', 'loopback'],
    });
    const file = loadConfig({ env: {}, fileText: 'api:\n  trustedProxies: [192.0.2.1, 2001:db8::/32]\n' });
    expect(file.api.trustedProxies).toEqual(['192.0.2.1', '2001:db8::/32']);
    for (const bad of ['10.0.0.1/33', 'proxy.internal', '10.0.0/8', '::1/129', '1.2.3.4/8/1']) {
      expect(() => loadConfig({ env: { CITE_API_TRUSTED_PROXIES: bad } })).toThrow(ConfigError);
    }
  });
});
