import { releaseJobId } from '@cite/queue';
import type { Release } from '@cite/model';
import request from 'supertest';
import { eventually, startHarness, type Harness } from '../testing/harness';

let h: Harness;
let member: string;

beforeAll(async () => {
  h = await startHarness('releases');
  member = await h.token({ teams: ['payments'] });
});
afterAll(() => h?.close());

const paths = (res: request.Response) => (res.body.error.details as { path: string }[]).map((d) => d.path);
const deploy = (name: string, body: object, auth = member) =>
  request(h.app).post(`/api/v1/services/${name}/deploys`).set('authorization', auth).send(body);

describe('POST /api/v1/services/:name/deploys', () => {
  it('answers 202 with the release and links, and enqueues its job', async () => {
    await h.service('shop');
    const res = await deploy('shop', { image: '1.4.2', gitSha: '4f2a9c1' });
    expect(res.status).toBe(202);
    expect(res.body.release).toMatchObject({
      service: 'shop',
      number: 1,
      image: 'registry.local:5000/payments/app:1.4.2',
      gitSha: '4f2a9c1',
      cause: 'deploy',
      status: 'pending',
      config: { replicas: 1, port: 8080 },
    });
    expect(res.body.release.actor).toMatch(/^token:/);
    expect(res.body.links).toEqual({
      self: '/api/v1/services/shop/releases/1',
      status: '/api/v1/services/shop/status',
      events: '/api/v1/services/shop/releases/1/events',
      log: '/api/v1/services/shop/releases/1/log',
    });
    expect(res.headers['location']).toBe('/api/v1/services/shop/releases/1');
    expect(await h.queue.state('releases', releaseJobId({ service: 'shop', release: 1 }))).toBe('waiting');
  });

  it('takes a tag, a digest or a full reference', async () => {
    await h.service('images');
    const digest = `sha256:${'a'.repeat(64)}`;
    const cases: [string, string, string | undefined][] = [
      ['v2', 'registry.local:5000/payments/app:v2', undefined],
      [digest, `registry.local:5000/payments/app@${digest}`, digest],
      ['registry.local:5000/other/app:7', 'registry.local:5000/other/app:7', undefined],
      [`nginx:1.25@${digest}`, `nginx:1.25@${digest}`, digest],
    ];
    for (const [image, expected, expectedDigest] of cases) {
      const res = await deploy('images', { image });
      expect(res.status).toBe(202);
      expect(res.body.release.image).toBe(expected);
      expect(res.body.release.digest).toBe(expectedDigest);
    }
  });

  it.each<[object, string[]]>([
    [{}, ['image']],
    [{ image: '' }, ['image']],
    [{ image: 'Not A Reference!' }, ['image']],
    [{ image: 'registry.local:5000/app' }, ['image']],
    [{ image: 'v1', gitSha: 'XYZ' }, ['gitSha']],
    [{ image: 'v1', tag: 'v1' }, ['tag']],
  ])('refuses %j with 400 at %j', async (body, expected) => {
    await h.service('bad-deploys').catch(() => undefined);
    const res = await deploy('bad-deploys', body);
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(expected);
  });

  it('is 404 for an unknown service and 403 for another team', async () => {
    expect((await deploy('ghost', { image: 'v1' })).status).toBe(404);
    await h.service('theirs', { team: 'search' });
    const res = await deploy('theirs', { image: 'v1' });
    expect(res.status).toBe(403);
    expect(paths(res)).toEqual(['name']);
  });

  it('records an audit entry with actor, target, source address and outcome', async () => {
    await h.service('audited-deploy');
    const res = await deploy('audited-deploy', { image: 'v9' });
    const entry = await eventually(async () => {
      const page = await h.store.audit.list({ limit: 50 });
      return page.items
        .map((item) => item.value)
        .find((e) => e.target === 'service/audited-deploy' && e.action === 'release.deploy');
    });
    expect(entry).toMatchObject({
      action: 'release.deploy',
      outcome: 'ok',
      details: { release: res.body.release.number, status: 202, actorName: 'test token' },
    });
    expect(entry.actor).toMatch(/^token:[a-z0-9]{20}$/);
    expect(entry.sourceIp).toMatch(/127\.0\.0\.1|::1/);
    const stranger = await h.token({ teams: ['search'], name: 'stranger' });
    await deploy('audited-deploy', { image: 'v9' }, stranger);
    const denied = await eventually(async () => {
      const page = await h.store.audit.list({ limit: 50 });
      return page.items.map((item) => item.value).find((e) => e.details?.['actorName'] === 'stranger');
    });
    expect(denied).toMatchObject({
      outcome: 'denied',
      target: 'service/audited-deploy',
      details: { status: 403 },
    });
  });
});

describe('Idempotency-Key', () => {
  it('gives a retry with the same key and body the same release, not a second one', async () => {
    await h.service('idem');
    const first = await deploy('idem', { image: 'v1' }).set('idempotency-key', 'deploy-abc');
    expect(first.status).toBe(202);
    const retry = await deploy('idem', { image: 'v1' }).set('idempotency-key', 'deploy-abc');
    expect(retry.status).toBe(202);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    const list = await request(h.app).get('/api/v1/services/idem/releases').set('authorization', member);
    expect(list.body.items).toHaveLength(1);

    const otherKey = await deploy('idem', { image: 'v1' }).set('idempotency-key', 'deploy-def');
    expect(otherKey.body.release.number).toBe(2);
    const noKey = await deploy('idem', { image: 'v1' });
    expect(noKey.body.release.number).toBe(3);
  });

  it('refuses the same key with a different body or path with 409 at the header', async () => {
    await h.service('idem-2');
    await deploy('idem-2', { image: 'v1' }).set('idempotency-key', 'k-1');
    const changed = await deploy('idem-2', { image: 'v2' }).set('idempotency-key', 'k-1');
    expect(changed.status).toBe(409);
    expect(paths(changed)).toEqual(['headers.idempotency-key']);
    const elsewhere = await request(h.app)
      .post('/api/v1/services/idem-2/scale')
      .set('authorization', member)
      .set('idempotency-key', 'k-1')
      .send({ image: 'v1' });
    expect(elsewhere.status).toBe(409);
  });

  it('scopes keys per caller, frees the key of a failed request, and refuses bad keys', async () => {
    await h.service('idem-3');
    const mine = await deploy('idem-3', { image: 'v1' }).set('idempotency-key', 'shared');
    const theirs = await deploy('idem-3', { image: 'v1' }, h.admin).set('idempotency-key', 'shared');
    expect(theirs.body.release.number).toBe(mine.body.release.number + 1);

    const failed = await deploy('idem-3', { image: 'Not Valid' }).set('idempotency-key', 'will-fail');
    expect(failed.status).toBe(400);
    const fixed = await deploy('idem-3', { image: 'v2' }).set('idempotency-key', 'will-fail');
    expect(fixed.status).toBe(202);

    const bad = await deploy('idem-3', { image: 'v1' }).set('idempotency-key', 'x'.repeat(256));
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual(['headers.idempotency-key']);
  });

  it('answers a retry that overlaps the first request with 409 and Retry-After, never a second release', async () => {
    await h.service('idem-race');
    const results = await Promise.all(
      Array.from({ length: 5 }, () => deploy('idem-race', { image: 'v1' }).set('idempotency-key', 'race')),
    );
    const accepted = results.filter((r) => r.status === 202);
    const busy = results.filter((r) => r.status === 409);
    expect(accepted.length + busy.length).toBe(5);
    expect(new Set(accepted.map((r) => r.body.release.number))).toEqual(new Set([1]));
    busy.forEach((r) => expect(r.headers['retry-after']).toBe('1'));
    const list = await request(h.app).get('/api/v1/services/idem-race/releases').set('authorization', member);
    expect(list.body.items).toHaveLength(1);
  });
});

describe('GET releases', () => {
  it('lists newest first with a cursor and reads one; 404 for missing numbers', async () => {
    await h.service('history');
    for (let i = 1; i <= 3; i++) await h.deploy('history', `v${i}`);
    const first = await request(h.app)
      .get('/api/v1/services/history/releases?limit=2')
      .set('authorization', member);
    expect(first.body.items.map((r: Release) => r.number)).toEqual([3, 2]);
    const rest = await request(h.app)
      .get(`/api/v1/services/history/releases?limit=2&cursor=${first.body.nextCursor}`)
      .set('authorization', member);
    expect(rest.body.items.map((r: Release) => r.number)).toEqual([1]);
    expect(rest.body.nextCursor).toBeUndefined();

    const one = await request(h.app).get('/api/v1/services/history/releases/2').set('authorization', member);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ number: 2, image: 'registry.local:5000/payments/app:v2' });
    for (const number of ['4', '0', 'abc', '99999999999']) {
      const missing = await request(h.app)
        .get(`/api/v1/services/history/releases/${number}`)
        .set('authorization', member);
      expect(missing.status).toBe(404);
      expect(paths(missing)).toEqual(['number']);
    }
    expect(
      (await request(h.app).get('/api/v1/services/nothing/releases').set('authorization', member)).status,
    ).toBe(404);
  });
});

describe('POST /api/v1/services/:name/rollback', () => {
  const rollback = (name: string, body: object = {}) =>
    request(h.app).post(`/api/v1/services/${name}/rollback`).set('authorization', member).send(body);

  it('returns by default to the last successful release before the running one, with its image and config', async () => {
    await h.service('rolling', { env: [{ name: 'V', value: '1' }] });
    const r1 = await h.deploy('rolling', 'v1');
    await h.finish('rolling', r1.number);
    await request(h.app)
      .patch('/api/v1/services/rolling')
      .set('authorization', member)
      .send({ env: [{ name: 'V', value: '2' }] });
    await h.finish('rolling', 2);
    const r3 = await h.deploy('rolling', 'v3');
    await h.finish('rolling', r3.number, 'failed', { failureReason: 'ImagePullBackOff' });
    await request(h.app)
      .post('/api/v1/services/rolling/scale')
      .set('authorization', member)
      .send({ replicas: 4 });
    // Release 4 (scale) builds on the running release 2, since 3 failed.
    const r4 = (await request(h.app).get('/api/v1/services/rolling/releases/4').set('authorization', member))
      .body as Release;
    expect(r4).toMatchObject({ cause: 'scale', image: 'registry.local:5000/payments/app:v1' });
    await h.finish('rolling', 4);

    const res = await rollback('rolling');
    expect(res.status).toBe(202);
    expect(res.body.release).toMatchObject({
      number: 5,
      cause: 'rollback',
      rollbackOf: 2,
      image: 'registry.local:5000/payments/app:v1',
      config: { env: [{ name: 'V', value: '2' }], replicas: 4 },
    });
    expect(res.body.links.events).toBe('/api/v1/services/rolling/releases/5/events');
    expect(await h.queue.state('releases', releaseJobId({ service: 'rolling', release: 5 }))).toBe('waiting');
  });

  it('rolls back to a named release, restoring its env but keeping the current scale', async () => {
    await h.service('named', { env: [{ name: 'V', value: 'one' }] });
    await h.finish('named', (await h.deploy('named', 'v1')).number);
    await request(h.app)
      .patch('/api/v1/services/named')
      .set('authorization', member)
      .send({ env: [{ name: 'V', value: 'two' }] });
    await h.finish('named', 2);
    await request(h.app)
      .post('/api/v1/services/named/scale')
      .set('authorization', member)
      .send({ replicas: 3 });
    await h.finish('named', 3);
    const res = await rollback('named', { to: 1 });
    expect(res.status).toBe(202);
    expect(res.body.release).toMatchObject({
      rollbackOf: 1,
      config: { env: [{ name: 'V', value: 'one' }], replicas: 3 },
    });
    const service = await request(h.app).get('/api/v1/services/named').set('authorization', member);
    expect(service.body.env).toEqual([{ name: 'V', value: 'one' }]);
  });

  it('refuses what cannot be rolled back to, naming `to`', async () => {
    await h.service('stuck');
    let res = await rollback('stuck');
    expect(res.status).toBe(409);
    expect(paths(res)).toEqual(['to']);
    expect(res.body.error.message).toMatch(/no release of this service has succeeded/);

    await h.finish('stuck', (await h.deploy('stuck', 'v1')).number);
    res = await rollback('stuck');
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/no release before release 1/);

    await h.finish('stuck', (await h.deploy('stuck', 'v2')).number, 'failed');
    res = await rollback('stuck', { to: 2 });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/release 2 is failed/);
    res = await rollback('stuck', { to: 1 });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/already running/);
    res = await rollback('stuck', { to: 42 });
    expect(res.status).toBe(404);
    expect(paths(res)).toEqual(['to']);
    for (const body of [{ to: 0 }, { to: 'one' }, { to: 1.5 }, { back: true }]) {
      res = await rollback('stuck', body);
      expect(res.status).toBe(400);
      expect(paths(res)).toEqual([Object.keys(body)[0]]);
    }
  });
});
