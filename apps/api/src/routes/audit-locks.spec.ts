import type { AuditEntry } from '@cite/model';
import request from 'supertest';
import { eventually, startHarness, type Harness } from '../testing/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('audit');
});
afterAll(() => h?.close());

describe('GET /api/v1/audit', () => {
  it('lists every mutating call, newest first, with who, what, where and how it went', async () => {
    const member = await h.token({ teams: ['payments'], name: 'dev' });
    await request(h.app)
      .post('/api/v1/services')
      .set('authorization', member)
      .send({ name: 'traced', team: 'payments', image: 'registry.local:5000/p/t', port: 80 });
    await request(h.app)
      .patch('/api/v1/services/traced')
      .set('authorization', member)
      .send({ replicas: 'many' });
    await request(h.app).delete('/api/v1/services/traced').set('authorization', member);
    await request(h.app).get('/api/v1/services/traced').set('authorization', member);

    const entries = await eventually(async () => {
      const res = await request(h.app).get('/api/v1/audit?limit=10').set('authorization', h.admin);
      const items = (res.body.items as AuditEntry[]).filter((e) => e.target === 'service/traced');
      return items.length >= 3 ? items : undefined;
    });
    expect(entries.map((e) => [e.action, e.outcome, e.details?.['status']])).toEqual([
      ['service.delete', 'ok', 202],
      ['service.update', 'failed', 400],
      ['service.create', 'ok', 201],
    ]);
    for (const entry of entries) {
      expect(entry.actor).toMatch(/^token:/);
      expect(entry.details).toMatchObject({ actorName: 'dev' });
      expect(entry.sourceIp).toMatch(/127\.0\.0\.1|::1/);
      expect(Date.parse(entry.time)).not.toBeNaN();
    }
    const tokenEntry = await eventually(async () => {
      const page = await h.store.audit.list({ limit: 50 });
      return page.items.map((i) => i.value).find((e) => e.action === 'token.create');
    });
    expect(tokenEntry).toMatchObject({
      actor: 'admin:bootstrap',
      outcome: 'ok',
      details: { name: 'dev', role: 'member' },
    });
    expect(JSON.stringify(tokenEntry)).not.toContain('cite_');
  });

  it('pages with a cursor and narrows by time; refuses bad queries', async () => {
    const first = await request(h.app).get('/api/v1/audit?limit=1').set('authorization', h.admin);
    expect(first.body.items).toHaveLength(1);
    const second = await request(h.app)
      .get(`/api/v1/audit?limit=1&cursor=${first.body.nextCursor}`)
      .set('authorization', h.admin);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    const today = new Date().toISOString().slice(0, 10);
    const during = await request(h.app).get(`/api/v1/audit?during=${today}`).set('authorization', h.admin);
    expect(during.body.items.length).toBeGreaterThan(0);
    const none = await request(h.app).get('/api/v1/audit?during=1999').set('authorization', h.admin);
    expect(none.body.items).toEqual([]);
    const bad = await request(h.app).get('/api/v1/audit?during=yesterday').set('authorization', h.admin);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('during');
  });
});

describe('/api/v1/locks', () => {
  it('lists held locks and breaks one (its holder learns at once); 404 when not held', async () => {
    const lock = await h.store.etcd.acquireLock('deploy/locked-svc', { ttlSeconds: 30, owner: 'deployer-1' });
    const list = await request(h.app).get('/api/v1/locks').set('authorization', h.admin);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({ name: 'deploy/locked-svc', owner: 'deployer-1', ttlSeconds: 30 }),
    ]);
    const broken = await request(h.app)
      .delete('/api/v1/locks/deploy/locked-svc')
      .set('authorization', h.admin);
    expect(broken.status).toBe(204);
    await expect(lock.ended).resolves.toMatchObject({ reason: 'lost' });
    expect((await request(h.app).get('/api/v1/locks').set('authorization', h.admin)).body.items).toEqual([]);
    const again = await request(h.app)
      .delete('/api/v1/locks/deploy%2Flocked-svc')
      .set('authorization', h.admin);
    expect(again.status).toBe(404);
    expect(again.body.error.details[0].path).toBe('name');
    const entry = await eventually(async () => {
      const page = await h.store.audit.list({ limit: 20 });
      return page.items.map((i) => i.value).find((e) => e.action === 'lock.break' && e.outcome === 'ok');
    });
    expect(entry.target).toBe('lock/deploy/locked-svc');
  });
});
