import { hashToken } from '@cite/auth';
import request from 'supertest';
import { startHarness, type Harness } from '../testing/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('tokens');
});
afterAll(() => h?.close());

const paths = (res: request.Response) => (res.body.error.details as { path: string }[]).map((d) => d.path);

describe('tokens', () => {
  it('creates a token shown once, stores only its hash, and it authenticates', async () => {
    const res = await request(h.app)
      .post('/api/v1/tokens')
      .set('authorization', h.admin)
      .send({ name: 'ci deploys', teams: ['payments'] });
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const { token, secret } = res.body as { token: { id: string }; secret: string };
    expect(secret).toMatch(/^cite_[a-z0-9]{20}_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({
      name: 'ci deploys',
      role: 'member',
      teams: ['payments'],
      createdBy: 'admin:bootstrap',
    });
    expect(token).not.toHaveProperty('hash');
    const stored = await h.store.tokens.require(token.id);
    expect(stored.value.hash).toBe(hashToken(secret));
    expect(JSON.stringify(stored.value)).not.toContain(secret);

    const used = await request(h.app).get('/api/v1/services').set('authorization', `Bearer ${secret}`);
    expect(used.status).toBe(200);
  });

  it('lists tokens without secrets or hashes, paginated', async () => {
    await h.token({ teams: ['a'], name: 'one' });
    await h.token({ teams: ['b'], name: 'two' });
    const res = await request(h.app).get('/api/v1/tokens?limit=1').set('authorization', h.admin);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(typeof res.body.nextCursor).toBe('string');
    const all = await request(h.app).get('/api/v1/tokens').set('authorization', h.admin);
    expect(JSON.stringify(all.body)).not.toMatch(/hash|secret|cite_/);
    expect(all.body.items.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(['one', 'two']),
    );
  });

  it('revokes a token: it stops working at once; 404 for unknown ids', async () => {
    const auth = await h.token({ teams: ['payments'] });
    const id = auth.slice('Bearer cite_'.length, 'Bearer cite_'.length + 20);
    const res = await request(h.app).delete(`/api/v1/tokens/${id}`).set('authorization', h.admin);
    expect(res.status).toBe(204);
    const after = await request(h.app).get('/api/v1/services').set('authorization', auth);
    expect(after.status).toBe(401);
    expect(after.headers['www-authenticate']).toMatch(/invalid_token/);
    const again = await request(h.app).delete(`/api/v1/tokens/${id}`).set('authorization', h.admin);
    expect(again.status).toBe(404);
    expect(paths(again)).toEqual(['id']);
    expect((await request(h.app).delete('/api/v1/tokens/bad.id').set('authorization', h.admin)).status).toBe(
      404,
    );
  });

  it('lets admin tokens administer and keeps members out with 403', async () => {
    const admin = await h.token({ role: 'admin', name: 'ops' });
    const member = await h.token({ teams: ['payments'] });
    expect((await request(h.app).get('/api/v1/tokens').set('authorization', admin)).status).toBe(200);
    for (const [method, path] of [
      ['post', '/api/v1/tokens'],
      ['get', '/api/v1/tokens'],
      ['delete', '/api/v1/tokens/abc'],
      ['get', '/api/v1/audit'],
      ['get', '/api/v1/locks'],
      ['delete', '/api/v1/locks/deploy/web'],
    ] as const) {
      const res = await request(h.app)
        [method](path)
        .set('authorization', member)
        .send({ name: 'x', teams: ['a'] });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });

  it('tells any token who it is (whoami), and a missing one 401', async () => {
    const member = await h.token({ teams: ['payments', 'search'], name: 'dev laptop' });
    const me = await request(h.app).get('/api/v1/whoami').set('authorization', member);
    expect(me.status).toBe(200);
    expect(me.headers['cache-control']).toBe('no-store');
    expect(me.body).toEqual({
      actor: expect.stringMatching(/^token:[a-z0-9]{20}$/),
      tokenId: expect.stringMatching(/^[a-z0-9]{20}$/),
      name: 'dev laptop',
      role: 'member',
      teams: ['payments', 'search'],
    });
    const admin = await request(h.app).get('/api/v1/whoami').set('authorization', h.admin);
    expect(admin.body).toEqual({
      actor: 'admin:bootstrap',
      name: 'bootstrap admin',
      role: 'admin',
      teams: [],
    });
    expect((await request(h.app).get('/api/v1/whoami')).status).toBe(401);
  });

  it('refuses expired tokens with 401', async () => {
    const res = await request(h.app)
      .post('/api/v1/tokens')
      .set('authorization', h.admin)
      .send({
        name: 'short-lived',
        teams: ['payments'],
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      });
    const secret = res.body.secret as string;
    expect(
      (await request(h.app).get('/api/v1/services').set('authorization', `Bearer ${secret}`)).status,
    ).toBe(200);
    await h.store.tokens.modify(res.body.token.id as string, (t) => ({
      ...t,
      expiresAt: '2020-01-01T00:00:00Z',
    }));
    const expired = await request(h.app).get('/api/v1/services').set('authorization', `Bearer ${secret}`);
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toBe('token expired');
  });

  it.each<[object, string[]]>([
    [{}, ['name']],
    [{ name: 'x' }, ['teams']],
    [{ name: 'x', role: 'owner', teams: ['a'] }, ['role']],
    [{ name: 'x', role: 'admin', teams: ['a'] }, ['teams']],
    [{ name: 'x', teams: ['UPPER'] }, ['teams.0']],
    [{ name: 'x', teams: ['a'], expiresAt: 'tomorrow' }, ['expiresAt']],
    [{ name: 'x', teams: ['a'], hash: 'f'.repeat(64) }, ['hash']],
  ])('refuses %j with 400 at %j', async (body, expected) => {
    const res = await request(h.app).post('/api/v1/tokens').set('authorization', h.admin).send(body);
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(expected);
  });
});
