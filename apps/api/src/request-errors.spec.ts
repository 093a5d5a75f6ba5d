/**
 * What a malformed request gets: 400/405/413/415 naming what is at fault, never a 500 — bodies that do not
 * match their Content-Encoding, bodies that are not JSON objects, bad percent-encoding in the path, unknown
 * methods on known paths, oversized bodies, bad `follow` / `lastEventId` queries.
 */
import zlib from 'node:zlib';
import request from 'supertest';
import { startHarness, type Harness } from './testing/harness';

let h: Harness;
let base: string;

beforeAll(async () => {
  h = await startHarness('request-errors');
  base = await h.listen();
  await h.service('web');
  await h.finish('web', (await h.deploy('web', 'v1')).number);
  await h.finish('web', (await h.deploy('web', 'v2')).number);
});
afterAll(() => h?.close());

const service = { name: 'zipped', team: 'payments', image: 'registry.local:5000/payments/zipped', port: 80 };

/** A raw request: bytes as given, no Content-Type unless set (fetch adds none for a byte array). */
async function raw(method: string, path: string, headers: Record<string, string>, body?: Uint8Array) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: h.admin, ...headers },
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
}

const paths = (body: { error: { details: { path: string }[] } }) => body.error.details.map((d) => d.path);

describe('Content-Encoding', () => {
  it('reads a gzip-, deflate- or br-encoded JSON body', async () => {
    const codings = { gzip: zlib.gzipSync, deflate: zlib.deflateSync, br: zlib.brotliCompressSync };
    for (const [coding, encode] of Object.entries(codings)) {
      const res = await raw(
        'POST',
        '/api/v1/services',
        { 'content-type': 'application/json', 'content-encoding': coding },
        encode(JSON.stringify({ ...service, name: `zipped-${coding}` })),
      );
      expect([coding, res.status]).toEqual([coding, 201]);
    }
  });

  it.each(['gzip', 'deflate', 'br'])('answers 400 at body when the body is not %s data', async (coding) => {
    const res = await raw(
      'POST',
      '/api/v1/services',
      { 'content-type': 'application/json', 'content-encoding': coding },
      new TextEncoder().encode('{"name":"plain"}'),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.message).toBe(
      `request body is not valid ${coding} data, as its Content-Encoding says`,
    );
    expect(paths(res.body)).toEqual(['body']);
  });

  it('answers 400 for a truncated gzip body', async () => {
    const zipped = zlib.gzipSync(JSON.stringify(service));
    const res = await raw(
      'POST',
      '/api/v1/services',
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      zipped.subarray(0, zipped.length - 8),
    );
    expect(res.status).toBe(400);
    expect(paths(res.body)).toEqual(['body']);
  });

  it('answers 415 at headers.content-encoding for a coding it does not read', async () => {
    const res = await raw(
      'POST',
      '/api/v1/services',
      { 'content-type': 'application/json', 'content-encoding': 'compress' },
      new TextEncoder().encode('{}'),
    );
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
    expect(paths(res.body)).toEqual(['headers.content-encoding']);
  });
});

describe('Content-Type', () => {
  it('answers 415 for a body without Content-Type or with one that is not JSON', async () => {
    const bytes = new TextEncoder().encode('{"replicas":2}');
    const contentTypes: Record<string, string>[] = [
      {},
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/x-www-form-urlencoded' },
    ];
    for (const headers of contentTypes) {
      for (const [method, path] of [
        ['POST', '/api/v1/services/web/scale'],
        ['PATCH', '/api/v1/services/web'],
        ['POST', '/api/v1/tokens'],
      ]) {
        const res = await raw(method!, path!, headers, bytes);
        expect([method, path, res.status, paths(res.body)]).toEqual([
          method,
          path,
          415,
          ['headers.content-type'],
        ]);
      }
    }
  });

  it('reads application/*+json and charset=utf-8 as JSON; refuses another charset with 415', async () => {
    const ok = await request(h.app)
      .patch('/api/v1/services/web')
      .set('authorization', h.admin)
      .set('content-type', 'application/merge-patch+json; charset=utf-8')
      .send(JSON.stringify({ replicas: 2 }));
    expect(ok.status).toBeLessThan(300);
    const latin = await request(h.app)
      .patch('/api/v1/services/web')
      .set('authorization', h.admin)
      .set('content-type', 'application/json; charset=latin1')
      .send(JSON.stringify({ replicas: 2 }));
    expect(latin.status).toBe(415);
    expect(paths(latin.body)).toEqual(['headers.content-type']);
  });

  it('takes a POST without a body as no body: rollback rolls back, scale says the body is missing', async () => {
    const rollback = await raw('POST', '/api/v1/services/web/rollback', {});
    expect(rollback.status).toBe(202);
    expect(rollback.body.release.rollbackOf).toBe(1);
    const scale = await raw('POST', '/api/v1/services/web/scale', {});
    expect(scale.status).toBe(400);
    expect(paths(scale.body)).toEqual(['body']);
  });
});

describe('JSON bodies', () => {
  it.each(['null', '123', '"x"', '[]', 'true'])(
    'answers %s with 400: the body must be a JSON object',
    async (json) => {
      const res = await request(h.app)
        .post('/api/v1/services')
        .set('authorization', h.admin)
        .set('content-type', 'application/json')
        .send(json);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe('request body must be a JSON object');
      expect(paths(res.body)).toEqual(['body']);
    },
  );

  it('still calls malformed JSON not valid JSON', async () => {
    const res = await request(h.app)
      .post('/api/v1/services')
      .set('authorization', h.admin)
      .set('content-type', 'application/json')
      .send('{"name": ');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('request body is not valid JSON');
  });

  it('answers 413 for a body over the 1 MB limit, compressed or not', async () => {
    const big = JSON.stringify({ ...service, name: 'big', labels: { a: 'x'.repeat(1_100_000) } });
    const res = await request(h.app)
      .post('/api/v1/services')
      .set('authorization', h.admin)
      .set('content-type', 'application/json')
      .send(big);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(paths(res.body)).toEqual(['body']);
    const bomb = await raw(
      'POST',
      '/api/v1/services',
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      zlib.gzipSync(big),
    );
    expect(bomb.status).toBe(413);
  });
});

describe('paths', () => {
  it.each([
    ['GET', '/api/v1/services/%ZZ'],
    ['PATCH', '/api/v1/services/%ZZ'],
    ['GET', '/api/v1/services/web%E0%A4%A/releases'],
    ['DELETE', '/api/v1/tokens/%ZZ'],
    ['DELETE', '/api/v1/locks/service/%ZZ'],
  ])('answers %s %s (bad percent-encoding) with 400 at path', async (method, path) => {
    const res = await raw(method, path, {});
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(paths(res.body)).toEqual(['path']);
  });

  it.each([
    ['PUT', '/api/v1/services/web', 'DELETE, GET, HEAD, PATCH'],
    ['DELETE', '/api/v1/services', 'GET, HEAD, POST'],
    ['POST', '/api/v1/services/web/releases/1', 'GET, HEAD'],
    ['GET', '/api/v1/services/web/deploys', 'POST'],
    ['PATCH', '/api/v1/locks/service/web', 'DELETE'],
    ['POST', '/api/v1/openapi.json', 'GET, HEAD'],
    ['DELETE', '/healthz', 'GET, HEAD'],
  ])('answers %s %s with 405 and Allow: %s', async (method, path, allow) => {
    const res = await raw(method, path, {});
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
    expect(res.body.error.code).toBe('method_not_allowed');
  });

  it('keeps 404 for paths no route has, and 401 for a known route without a token', async () => {
    expect((await raw('PUT', '/api/v1/nothing-here', {})).status).toBe(404);
    expect((await request(h.app).get('/api/v1/services/web')).status).toBe(401);
  });
});

describe('stream queries', () => {
  const log = '/api/v1/services/web/releases/1/log';
  const events = '/api/v1/services/web/releases/1/events';

  it.each([log, events])('answers ?follow=maybe on %s with 400 at query.follow', async (path) => {
    for (const query of ['follow=maybe', 'follow=1', 'follow=true&follow=true']) {
      const res = await request(h.app).get(`${path}?${query}`).set('authorization', h.admin);
      expect([query, res.status, paths(res.body)]).toEqual([query, 400, ['query.follow']]);
    }
  });

  it('names query.lastEventId or headers.last-event-id, whichever was wrong', async () => {
    for (const query of ['lastEventId=abc', 'lastEventId=1&lastEventId=2']) {
      const res = await request(h.app).get(`${events}?${query}`).set('authorization', h.admin);
      expect([query, res.status, paths(res.body)]).toEqual([query, 400, ['query.lastEventId']]);
    }
    const header = await request(h.app).get(events).set('authorization', h.admin).set('last-event-id', 'abc');
    expect([header.status, paths(header.body)]).toEqual([400, ['headers.last-event-id']]);
    const followed = await request(h.app)
      .get(`${log}?follow=true&lastEventId=x`)
      .set('authorization', h.admin);
    expect([followed.status, paths(followed.body)]).toEqual([400, ['query.lastEventId']]);
  });

  it('answers the log as text with ?follow=false', async () => {
    const text = await request(h.app).get(`${log}?follow=false`).set('authorization', h.admin);
    expect(text.status).toBe(200);
    expect(text.headers['content-type']).toMatch(/^text\/plain/);
  });
});
