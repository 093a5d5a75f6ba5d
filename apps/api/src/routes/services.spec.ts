import { deletionJobId } from '@cite/queue';
import { ObservedStatusStore } from '@cite/store';
import type { Service } from '@cite/model';
import request from 'supertest';
import { startHarness, type Harness } from '../testing/harness';

let h: Harness;
let member: string;

beforeAll(async () => {
  h = await startHarness('services');
  member = await h.token({ teams: ['payments'] });
});
afterAll(() => h?.close());

const paths = (res: request.Response) => (res.body.error.details as { path: string }[]).map((d) => d.path);

describe('POST /api/v1/services', () => {
  it('creates a service with defaults, 201 with Location and ETag', async () => {
    const res = await request(h.app)
      .post('/api/v1/services')
      .set('authorization', member)
      .send({ name: 'web', team: 'payments', image: 'registry.local:5000/payments/web', port: 8080 });
    expect(res.status).toBe(201);
    expect(res.headers['location']).toBe('/api/v1/services/web');
    expect(res.headers['etag']).toMatch(/^"\d+"$/);
    expect(res.body).toMatchObject({
      name: 'web',
      team: 'payments',
      state: 'active',
      replicas: 1,
      resources: { cpu: { request: '100m', limit: '500m' } },
      healthCheck: { path: '/' },
      autoRollback: true,
    });
  });

  it('refuses a taken name with 409 naming the field', async () => {
    await h.service('taken');
    const res = await request(h.app)
      .post('/api/v1/services')
      .set('authorization', h.admin)
      .send({ name: 'taken', team: 'payments', image: 'registry.local:5000/x/y', port: 80 });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect(paths(res)).toEqual(['name']);
  });

  it('refuses invalid fields with 400 and every field path', async () => {
    const res = await request(h.app)
      .post('/api/v1/services')
      .set('authorization', h.admin)
      .send({
        name: 'Bad_Name',
        team: 'payments',
        image: 'registry.local:5000/x/y:tag',
        port: 70000,
        replica: 3,
        resources: { cpu: { request: '2', limit: '1' } },
        env: [{ name: '1BAD', value: 'x' }],
      });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(paths(res).sort()).toEqual([
      'env.0.name',
      'image',
      'name',
      'port',
      'replica',
      'resources.cpu.request',
    ]);
  });

  it('forbids a member to create for another team (403 at team)', async () => {
    const res = await request(h.app)
      .post('/api/v1/services')
      .set('authorization', member)
      .send({ name: 'elsewhere', team: 'search', image: 'registry.local:5000/x/y', port: 80 });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect(paths(res)).toEqual(['team']);
  });
});

describe('GET /api/v1/services', () => {
  beforeAll(async () => {
    for (const [name, team, tier] of [
      ['list-a', 'listing', 'front'],
      ['list-b', 'listing', 'back'],
      ['list-c', 'listing', 'front'],
      ['list-d', 'other-team', 'front'],
    ] as const) {
      await h.service(name, { team, labels: { tier } });
    }
  });

  const names = (res: request.Response) => (res.body.items as Service[]).map((s) => s.name);

  it('filters by team and label', async () => {
    const byTeam = await request(h.app).get('/api/v1/services?team=listing').set('authorization', h.admin);
    expect(byTeam.status).toBe(200);
    expect(names(byTeam)).toEqual(['list-a', 'list-b', 'list-c']);
    const byLabel = await request(h.app)
      .get('/api/v1/services?label=tier=front')
      .set('authorization', h.admin);
    expect(names(byLabel)).toEqual(['list-a', 'list-c', 'list-d']);
    const both = await request(h.app)
      .get('/api/v1/services?team=listing&label=tier=front&label=tier')
      .set('authorization', h.admin);
    expect(names(both)).toEqual(['list-a', 'list-c']);
  });

  it('pages with limit and an opaque cursor', async () => {
    const first = await request(h.app)
      .get('/api/v1/services?team=listing&limit=2')
      .set('authorization', h.admin);
    expect(names(first)).toEqual(['list-a', 'list-b']);
    expect(typeof first.body.nextCursor).toBe('string');
    const second = await request(h.app)
      .get(`/api/v1/services?team=listing&limit=2&cursor=${first.body.nextCursor}`)
      .set('authorization', h.admin);
    expect(names(second)).toEqual(['list-c']);
    expect(second.body.nextCursor).toBeUndefined();
  });

  it('shows a member only its teams, and refuses another team filter with 403', async () => {
    const lister = await h.token({ teams: ['other-team'] });
    const res = await request(h.app).get('/api/v1/services').set('authorization', lister);
    expect(names(res)).toEqual(['list-d']);
    const other = await request(h.app).get('/api/v1/services?team=listing').set('authorization', lister);
    expect(other.status).toBe(403);
  });

  it('finds services by part of the name, any case', async () => {
    const res = await request(h.app)
      .get('/api/v1/services?q=LIST-&team=listing')
      .set('authorization', h.admin);
    expect(names(res)).toEqual(['list-a', 'list-b', 'list-c']);
    const one = await request(h.app).get('/api/v1/services?q=st-d').set('authorization', h.admin);
    expect(names(one)).toEqual(['list-d']);
    const none = await request(h.app).get('/api/v1/services?q=nothing-like-it').set('authorization', h.admin);
    expect(none.body).toEqual({ items: [] });
  });

  it("adds each service's summary with include=status: newest release, the one serving, ready / desired pods", async () => {
    await h.service('summed', { team: 'summing', replicas: 3 });
    await h.service('summed-new', { team: 'summing' });
    const first = await h.deploy('summed');
    await h.finish('summed', first.number);
    const second = await h.deploy('summed', 'registry.local:5000/payments/summed:broken');
    await h.finish('summed', second.number, 'failed', { failureReason: 'ImagePullBackOff' });
    await new ObservedStatusStore(h.store.etcd).put({
      service: 'summed',
      namespace: 'cite-summing',
      release: first.number,
      replicas: { desired: 3, updated: 3, ready: 2, available: 2 },
      pods: [],
      events: [],
      observedAt: new Date().toISOString(),
    });
    const res = await request(h.app)
      .get('/api/v1/services?team=summing&include=status')
      .set('authorization', h.admin);
    expect(res.status).toBe(200);
    const [summed, fresh] = res.body.items;
    expect(summed.name).toBe('summed');
    expect(summed.status).toMatchObject({
      release: { number: second.number, status: 'failed', failureReason: 'ImagePullBackOff' },
      running: first.number,
      pods: { desired: 3, ready: 2 },
    });
    expect(typeof summed.status.observedAt).toBe('string');
    expect(fresh.status).toEqual({
      release: null,
      running: null,
      pods: { desired: 1, ready: 0 },
      observedAt: null,
    });
    const plain = await request(h.app).get('/api/v1/services?team=summing').set('authorization', h.admin);
    expect(plain.body.items[0]).not.toHaveProperty('status');
  });

  it.each([
    ['include=pods', 'include'],
    ['q=a%2Fb', 'q'],
    ['limit=0', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=1001', 'limit'],
    ['cursor=%25%25', 'cursor'],
    ['label=Bad%20Key', 'label'],
    ['state=gone', 'state'],
    ['team=', 'team'],
  ])('refuses ?%s with 400 at %s', async (query, path) => {
    const res = await request(h.app).get(`/api/v1/services?${query}`).set('authorization', h.admin);
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual([path]);
  });
});

describe('GET /api/v1/services/:name', () => {
  it('reads a service with its ETag; 404 for unknown names; 403 across teams', async () => {
    await h.service('readable');
    const res = await request(h.app).get('/api/v1/services/readable').set('authorization', member);
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('readable');
    expect(res.headers['etag']).toMatch(/^"\d+"$/);
    for (const name of ['missing', 'Not_A_Name', 'a'.repeat(64)]) {
      const missing = await request(h.app).get(`/api/v1/services/${name}`).set('authorization', h.admin);
      expect(missing.status).toBe(404);
      expect(paths(missing)).toEqual(['name']);
    }
    const stranger = await h.token({ teams: ['search'] });
    const forbidden = await request(h.app).get('/api/v1/services/readable').set('authorization', stranger);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('forbidden');
  });
});

describe('PATCH /api/v1/services/:name', () => {
  it('only updates the spec while nothing was released (200, no release)', async () => {
    await h.service('patch-early');
    const res = await request(h.app)
      .patch('/api/v1/services/patch-early')
      .set('authorization', member)
      .send({ env: [{ name: 'MODE', value: 'early' }] });
    expect(res.status).toBe(200);
    expect(res.body.release).toBeNull();
    expect(res.body.service.env).toEqual([{ name: 'MODE', value: 'early' }]);
  });

  it('makes a release of cause config with the running image and the new config', async () => {
    await h.service('patched');
    const first = await h.deploy('patched', '2.0.0');
    await h.finish('patched', first.number);
    const res = await request(h.app)
      .patch('/api/v1/services/patched')
      .set('authorization', member)
      .send({ env: [{ name: 'LOG_LEVEL', value: 'debug' }], resources: { memory: { limit: '512Mi' } } });
    expect(res.status).toBe(202);
    expect(res.body.release).toMatchObject({
      number: 2,
      cause: 'config',
      image: 'registry.local:5000/payments/app:2.0.0',
      status: 'pending',
      config: { env: [{ name: 'LOG_LEVEL', value: 'debug' }], resources: { memory: { limit: '512Mi' } } },
    });
    expect(res.body.links.release.self).toBe('/api/v1/services/patched/releases/2');
    expect(await h.queue.state('releases', 'release.patched.2')).not.toBe('unknown');

    const noop = await request(h.app)
      .patch('/api/v1/services/patched')
      .set('authorization', member)
      .send({ autoRollback: false });
    expect(noop.status).toBe(200);
    expect(noop.body.release).toBeNull();
    expect(noop.body.service.autoRollback).toBe(false);
  });

  it('is 409 with a stale If-Match and applies with a fresh one', async () => {
    await h.service('guarded');
    const read = await request(h.app).get('/api/v1/services/guarded').set('authorization', member);
    const etag = read.headers['etag'] as string;
    const first = await request(h.app)
      .patch('/api/v1/services/guarded')
      .set('authorization', member)
      .set('if-match', etag)
      .send({ replicas: 2 });
    expect(first.status).toBe(200);
    const stale = await request(h.app)
      .patch('/api/v1/services/guarded')
      .set('authorization', member)
      .set('if-match', etag)
      .send({ replicas: 3 });
    expect(stale.status).toBe(409);
    expect(paths(stale)).toEqual(['headers.if-match']);
    const fresh = await request(h.app)
      .patch('/api/v1/services/guarded')
      .set('authorization', member)
      .set('if-match', first.headers['etag'] as string)
      .send({ replicas: 3 });
    expect(fresh.status).toBe(200);
    expect(fresh.body.service.replicas).toBe(3);
    const malformed = await request(h.app)
      .patch('/api/v1/services/guarded')
      .set('authorization', member)
      .set('if-match', 'x')
      .send({});
    expect(malformed.status).toBe(400);
  });

  it('refuses bad fields with 400 at their paths, unknown services with 404, other teams with 403', async () => {
    await h.service('patch-bad');
    const bad = await request(h.app)
      .patch('/api/v1/services/patch-bad')
      .set('authorization', member)
      .send({ resources: { cpu: { request: '4' } }, name: 'renamed', port: 0 });
    expect(bad.status).toBe(400);
    expect(paths(bad).sort()).toEqual(['name', 'port']);
    const merged = await request(h.app)
      .patch('/api/v1/services/patch-bad')
      .set('authorization', member)
      .send({ resources: { cpu: { request: '4' } } });
    expect(merged.status).toBe(400);
    expect(paths(merged)).toEqual(['resources.cpu.request']);
    expect(
      (await request(h.app).patch('/api/v1/services/nope').set('authorization', member).send({})).status,
    ).toBe(404);
    const stranger = await h.token({ teams: ['search'] });
    expect(
      (await request(h.app).patch('/api/v1/services/patch-bad').set('authorization', stranger).send({}))
        .status,
    ).toBe(403);
  });
});

describe('POST /api/v1/services/:name/scale', () => {
  it('scales horizontally and vertically with a release of cause scale', async () => {
    await h.service('scaled');
    const first = await h.deploy('scaled');
    await h.finish('scaled', first.number);
    const res = await request(h.app)
      .post('/api/v1/services/scaled/scale')
      .set('authorization', member)
      .send({ replicas: 5, cpu: '1', memory: { limit: '1Gi' } });
    expect(res.status).toBe(202);
    expect(res.body.service).toMatchObject({
      replicas: 5,
      resources: { cpu: { request: '1', limit: '1' }, memory: { request: '128Mi', limit: '1Gi' } },
    });
    expect(res.body.release).toMatchObject({ number: 2, cause: 'scale', config: { replicas: 5 } });
    const zero = await request(h.app)
      .post('/api/v1/services/scaled/scale')
      .set('authorization', member)
      .send({ replicas: 0 });
    expect(zero.status).toBe(202);
    expect(zero.body.release).toMatchObject({ number: 3, config: { replicas: 0 } });
    const same = await request(h.app)
      .post('/api/v1/services/scaled/scale')
      .set('authorization', member)
      .send({ replicas: 0 });
    expect(same.status).toBe(200);
    expect(same.body.release).toBeNull();
  });

  it.each<[unknown, string[]]>([
    [{}, ['body']],
    [{ replicas: -1 }, ['replicas']],
    [{ replicas: 1.5 }, ['replicas']],
    [{ cpu: 'lots' }, ['cpu.request', 'cpu.limit']],
    [{ cpu: { request: '2', limit: '1' } }, ['cpu.request']],
    [{ memory: { request: '4Gi' } }, ['memory.request']],
    [{ replicas: 2, size: 'xl' }, ['size']],
  ])('refuses %j with 400 at %j', async (body, expected) => {
    await h.service('scale-bad').catch(() => undefined);
    const res = await request(h.app)
      .post('/api/v1/services/scale-bad/scale')
      .set('authorization', member)
      .send(body as object);
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(expected);
  });
});

describe('DELETE /api/v1/services/:name', () => {
  it('marks the service deleting, enqueues the removal, and then refuses changes with 409', async () => {
    await h.service('doomed');
    const res = await request(h.app).delete('/api/v1/services/doomed').set('authorization', member);
    expect(res.status).toBe(202);
    expect(res.body.service.state).toBe('deleting');
    const jobId = deletionJobId({ service: 'doomed' }, res.body.service.updatedAt as string);
    expect(await h.queue.state('deletions', jobId)).not.toBe('unknown');

    const again = await request(h.app).delete('/api/v1/services/doomed').set('authorization', member);
    expect(again.status).toBe(202);
    expect(await h.queue.counts('deletions')).toMatchObject({ waiting: 1 });

    const deploy = await request(h.app)
      .post('/api/v1/services/doomed/deploys')
      .set('authorization', member)
      .send({ image: '1.0' });
    expect(deploy.status).toBe(409);
    expect(paths(deploy)).toEqual(['name']);
    for (const [method, path, body] of [
      ['patch', '/api/v1/services/doomed', { replicas: 2 }],
      ['post', '/api/v1/services/doomed/scale', { replicas: 2 }],
      ['post', '/api/v1/services/doomed/rollback', {}],
    ] as const) {
      expect((await request(h.app)[method](path).set('authorization', member).send(body)).status).toBe(409);
    }
  });

  it('keeps a deleted service readable, lets its team re-create the name and keeps numbering releases', async () => {
    await h.service('reborn');
    const old = await h.deploy('reborn');
    await request(h.app).delete('/api/v1/services/reborn').set('authorization', member);
    // The deployer finishes the deletion:
    await h.store.services.modify('reborn', (s) => ({
      ...s,
      state: 'deleted',
      deletedAt: new Date().toISOString(),
    }));

    expect(
      (await request(h.app).get('/api/v1/services/reborn').set('authorization', member)).body.state,
    ).toBe('deleted');
    const listed = await request(h.app).get('/api/v1/services?state=deleted').set('authorization', member);
    expect(listed.body.items.map((s: Service) => s.name)).toContain('reborn');
    const active = await request(h.app).get('/api/v1/services').set('authorization', member);
    expect(active.body.items.map((s: Service) => s.name)).not.toContain('reborn');
    expect(
      (
        await request(h.app)
          .post('/api/v1/services/reborn/deploys')
          .set('authorization', member)
          .send({ image: '1' })
      ).status,
    ).toBe(404);
    expect((await request(h.app).delete('/api/v1/services/reborn').set('authorization', member)).status).toBe(
      404,
    );

    const otherTeam = await request(h.app)
      .post('/api/v1/services')
      .set('authorization', h.admin)
      .send({ name: 'reborn', team: 'search', image: 'registry.local:5000/s/r', port: 80 });
    expect(otherTeam.status).toBe(409);
    expect(paths(otherTeam)).toEqual(['name']);

    const again = await request(h.app)
      .post('/api/v1/services')
      .set('authorization', member)
      .send({ name: 'reborn', team: 'payments', image: 'registry.local:5000/payments/reborn', port: 80 });
    expect(again.status).toBe(201);
    expect(again.body.state).toBe('active');
    const next = await h.deploy('reborn');
    expect(next.number).toBe(old.number + 1);
    const history = await request(h.app).get('/api/v1/services/reborn/releases').set('authorization', member);
    expect(history.body.items.map((r: { number: number }) => r.number)).toEqual([2, 1]);
  });
});
