import { PassThrough } from 'node:stream';
import zlib from 'node:zlib';
import express, { Router } from 'express';
import request from 'supertest';
import { createLogger } from '@cite/logging';
import { jsonBody } from './body';
import { allowedMethods, methodNotAllowed } from './methods';
import { errorHandler, notFound, requestContext } from './middleware';

function probeApp() {
  const logger = createLogger({ app: 'test', stream: new PassThrough(), level: 'error' });
  const items = Router();
  items.get('/items', (_req, res) => void res.json([]));
  items.post('/items', (req, res) => void res.status(201).json({ got: req.body ?? null }));
  items.get('/items/:id', (req, res) => void res.json({ id: req.params['id'] }));
  items.delete('/items/:id', (_req, res) => void res.status(204).end());
  items.all('/anything', (_req, res) => void res.status(204).end());
  const site = Router();
  site.use('/v1', jsonBody({ limit: 64 }), items);
  const app = express();
  app.use(requestContext(logger));
  app.use(methodNotAllowed(site));
  app.use(site);
  app.use(notFound);
  app.use(errorHandler(logger));
  return { app, site };
}

const { app, site } = probeApp();
const post = () => request(app).post('/v1/items');
/** Sends bytes as they are (superagent would JSON-serialize a Buffer sent as application/json). */
const postBytes = (headers: Record<string, string>, bytes: Buffer) =>
  post()
    .set(headers)
    .serialize((body) => body as string)
    .send(bytes);
const paths = (res: request.Response) =>
  (res.body.error.details as { path: string }[]).map((detail) => detail.path);

describe('jsonBody', () => {
  it('parses a JSON object, plain or gzip/deflate/br-encoded', async () => {
    expect((await post().send({ a: 1 })).body).toEqual({ got: { a: 1 } });
    for (const [coding, encode] of [
      ['gzip', zlib.gzipSync],
      ['deflate', zlib.deflateSync],
      ['br', zlib.brotliCompressSync],
    ] as const) {
      const res = await postBytes(
        { 'content-type': 'application/json', 'content-encoding': coding },
        encode('{"a":2}'),
      );
      expect([coding, res.status, res.body]).toEqual([coding, 201, { got: { a: 2 } }]);
    }
  });

  it('answers 400 at body for a body that does not decode as its Content-Encoding', async () => {
    const res = await postBytes(
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      Buffer.from('{"a":1}'),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('request body is not valid gzip data, as its Content-Encoding says');
    expect(paths(res)).toEqual(['body']);
  });

  it('answers 415 for an unknown Content-Encoding, a body that is not JSON, or a charset other than utf-*', async () => {
    const coding = await post()
      .set('content-type', 'application/json')
      .set('content-encoding', 'x-nope')
      .send('{}');
    expect([coding.status, paths(coding)]).toEqual([415, ['headers.content-encoding']]);
    const text = await post().set('content-type', 'text/plain').send('{}');
    expect([text.status, paths(text)]).toEqual([415, ['headers.content-type']]);
    const charset = await post().set('content-type', 'application/json; charset=latin1').send('{}');
    expect([charset.status, paths(charset)]).toEqual([415, ['headers.content-type']]);
  });

  it('answers 400 "must be a JSON object" for valid JSON of another kind', async () => {
    for (const json of ['null', '1', '"x"', '[]', 'false']) {
      const res = await post().set('content-type', 'application/json').send(json);
      expect([json, res.status, res.body.error.message, paths(res)]).toEqual([
        json,
        400,
        'request body must be a JSON object',
        ['body'],
      ]);
    }
  });

  it('answers 413 beyond the limit and lets a request without a body through', async () => {
    const large = await post().send({ a: 'x'.repeat(100) });
    expect([large.status, large.body.error.code, paths(large)]).toEqual([413, 'payload_too_large', ['body']]);
    expect((await post()).body).toEqual({ got: null });
  });
});

describe('path parameters', () => {
  it('answers bad percent-encoding with 400 at path', async () => {
    const res = await request(app).get('/v1/items/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(['path']);
  });
});

describe('methodNotAllowed', () => {
  it('derives the methods of a path from the router, through mounted routers', () => {
    expect(allowedMethods(site, '/v1/items')).toEqual(['GET', 'HEAD', 'POST']);
    expect(allowedMethods(site, '/v1/items/7/')).toEqual(['DELETE', 'GET', 'HEAD']);
    expect(allowedMethods(site, '/v1/nothing')).toEqual([]);
    expect(allowedMethods(site, '/v2/items')).toEqual([]);
  });

  it('answers another method on a known path with 405 and Allow; unknown paths stay 404', async () => {
    const res = await request(app).put('/v1/items/7');
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('DELETE, GET, HEAD');
    expect(res.body.error.code).toBe('method_not_allowed');
    expect((await request(app).head('/v1/items/7')).status).toBe(200);
    expect((await request(app).put('/v1/anything')).status).toBe(204);
    expect((await request(app).put('/v1/nothing')).status).toBe(404);
  });
});
