/**
 * Log search against the real engine the test setup runs: a member searches the logs of a service of theirs
 * (403 for another team's), the whole log is for admins, a Kibana link when one is configured, and 501 saying what
 * to set when no engine is.
 */
import { randomBytes } from 'node:crypto';
import { LogStore, podLineDocument } from '@cite/log-store';
import { testLogsUrl } from '@cite/test-support';
import request from 'supertest';
import { startHarness, type Harness } from '../testing/harness';

const team = `ls${randomBytes(3).toString('hex')}`;
let h: Harness;
let bare: Harness;
let logs: LogStore;
let member: string;
let stranger: string;

beforeAll(async () => {
  logs = LogStore.connect({ url: testLogsUrl() });
  await logs.ensureTemplates();
  h = await startHarness('log-search', { logs, kibanaUrl: 'http://kibana.local:5601' });
  bare = await startHarness('log-search-bare');
  member = await h.token({ teams: [team] });
  stranger = await h.token({ teams: ['elsewhere'] });
  await h.service('shop', { team });
  const docs = Array.from({ length: 30 }, (_, i) =>
    podLineDocument({
      timestamp: new Date(Date.UTC(2026, 11, 6, 5, 0, i)).toISOString(),
      sequence: 0,
      message: `${i % 3 === 0 ? 'ERROR' : 'INFO'} order ${i}`,
      team,
      service: i < 20 ? 'shop' : 'other',
      namespace: `cite-${team}`,
      pod: `shop-${i % 2}`,
      podUid: `uid-${i % 2}`,
      container: 'app',
    }),
  );
  await logs.write(docs);
  await logs.refresh(`cite-logs-${team}-*`);
});

afterAll(async () => {
  for (const index of await logs.indices(`cite-logs-${team}-*`)) await logs.deleteIndex(index);
  await logs.close();
  await h.close();
  await bare.close();
});

const get = (harness: Harness, path: string, auth: string) =>
  request(harness.app).get(path).set('authorization', auth);

describe('GET /api/v1/services/:name/logs/search', () => {
  it("finds a member's service's lines only, newest first, paged, with a Kibana link", async () => {
    const first = await get(h, '/api/v1/services/shop/logs/search?limit=8', member);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(8);
    expect(first.body.items[0].message).toBe('INFO order 19');
    expect(first.body.kibana).toContain('http://kibana.local:5601/app/discover');
    expect(first.body.kibana).toContain(encodeURIComponent('service.name:"shop"'));
    const seen = [...first.body.items];
    let cursor = first.body.nextCursor as string | undefined;
    while (cursor) {
      const next = await get(h, `/api/v1/services/shop/logs/search?limit=8&cursor=${cursor}`, member);
      seen.push(...next.body.items);
      cursor = next.body.nextCursor;
    }
    expect(seen.map((hit) => hit.message)).toEqual(
      Array.from({ length: 20 }, (_, i) => 19 - i).map((n) => `${n % 3 === 0 ? 'ERROR' : 'INFO'} order ${n}`),
    );
  });

  it('filters by level, pod, query and time', async () => {
    const errors = await get(h, '/api/v1/services/shop/logs/search?level=error', member);
    expect(errors.body.items).toHaveLength(7);
    const pod = await get(h, '/api/v1/services/shop/logs/search?pod=shop-1&q=order', member);
    expect(pod.body.items).toHaveLength(10);
    const window = await get(
      h,
      '/api/v1/services/shop/logs/search?from=2026-12-06T05:00:05Z&to=2026-12-06T05:00:09Z',
      member,
    );
    expect(window.body.items.map((hit: { message: string }) => hit.message)).toEqual([
      'ERROR order 9',
      'INFO order 8',
      'INFO order 7',
      'ERROR order 6',
      'INFO order 5',
    ]);
  });

  it('gives another team 403, a bad time or cursor 400 at its field, and 501 without an engine', async () => {
    expect((await get(h, '/api/v1/services/shop/logs/search', stranger)).status).toBe(403);
    const bad = await get(h, '/api/v1/services/shop/logs/search?from=yesterday', member);
    expect([bad.status, bad.body.error.details[0].path]).toEqual([400, 'from']);
    const forged = await get(h, '/api/v1/services/shop/logs/search?cursor=xyz', member);
    expect([forged.status, forged.body.error.details[0].path]).toEqual([400, 'cursor']);
    await bare.service('shop', { team });
    const none = await get(bare, '/api/v1/services/shop/logs/search', bare.admin);
    expect(none.status).toBe(501);
    expect(none.body.error).toMatchObject({
      code: 'not_configured',
      message: expect.stringContaining('CITE_LOGS_URL'),
    });
  });
});

describe('GET /api/v1/logs/search', () => {
  it('searches across services for admins only', async () => {
    const all = await get(
      h,
      `/api/v1/logs/search?q=${encodeURIComponent(`cite.team:${team}`)}&limit=100`,
      h.admin,
    );
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(30);
    const one = await get(
      h,
      `/api/v1/logs/search?service=other&q=${encodeURIComponent(`cite.team:${team}`)}`,
      h.admin,
    );
    expect(one.body.items).toHaveLength(10);
    expect((await get(h, '/api/v1/logs/search', member)).status).toBe(403);
  });
});
