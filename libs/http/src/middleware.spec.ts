import { PassThrough } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { ConflictError, InputError, UnavailableError } from '@cite/errors';
import { createLogger } from '@cite/logging';
import { errorHandler, notFound, requestContext } from './middleware';

function probeApp() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (c: Buffer) =>
    c
      .toString()
      .split('\n')
      .filter(Boolean)
      .forEach((l) => lines.push(JSON.parse(l))),
  );
  const logger = createLogger({ app: 'test', stream, level: 'debug' });
  const app = express();
  app.use(requestContext(logger));
  app.use(express.json());
  app.get('/conflict', () => {
    throw new ConflictError('release 3 is stale');
  });
  app.get('/input', () => {
    throw new InputError('bad service', { details: [{ path: 'port', message: 'must be 1–65535' }] });
  });
  app.get('/unavailable', async () => {
    throw new UnavailableError('etcd', 'etcd unreachable', { retryAfterSeconds: 3 });
  });
  app.get('/boom', () => {
    throw new Error('database password is hunter2');
  });
  app.post('/echo', (req, res) => {
    res.json(req.body);
  });
  app.use(notFound);
  app.use(errorHandler(logger));
  return { app, lines };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('errorHandler', () => {
  it('maps typed errors to their status and the one body shape', async () => {
    const { app, lines } = probeApp();
    const conflict = await request(app).get('/conflict');
    expect(conflict.status).toBe(409);
    expect(conflict.body).toEqual({
      error: { code: 'conflict', message: 'release 3 is stale', details: [] },
    });
    const input = await request(app).get('/input');
    expect(input.status).toBe(400);
    expect(input.body.error.details).toEqual([{ path: 'port', message: 'must be 1–65535' }]);
    await tick();
    expect(lines.filter((l) => l['level'] === 'error')).toHaveLength(0);
  });

  it('answers 503 with Retry-After for an unavailable dependency (async handlers included)', async () => {
    const { app } = probeApp();
    const res = await request(app).get('/unavailable');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('3');
  });

  it('hides unknown errors: no message, no stack; logs them', async () => {
    const { app, lines } = probeApp();
    const res = await request(app).get('/boom');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'internal', message: 'internal error', details: [] } });
    expect(res.text).not.toMatch(/hunter2|\.ts:\d+/);
    await tick();
    expect(lines.find((l) => l['message'] === 'request failed')).toMatchObject({
      level: 'error',
      status: 500,
    });
  });

  it('turns malformed JSON into a 400 naming the body', async () => {
    const { app } = probeApp();
    const res = await request(app).post('/echo').set('content-type', 'application/json').send('{"a":');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_input', details: [{ path: 'body' }] });
  });

  it('answers unmatched routes with a typed 404', async () => {
    const { app } = probeApp();
    const res = await request(app).delete('/nowhere');
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({
      code: 'not_found',
      message: 'no route for DELETE /nowhere',
      details: [],
    });
  });
});
