/**
 * `LogStore` against the real engine the test setup runs (an embedded OpenSearch 2.19; `CITE_TEST_LOGS_URL` may
 * name an Elasticsearch 8/9 instead): templates, bulk writes that stay one document per line, searches with every
 * filter, paging that neither skips nor repeats, and the errors a caller sees.
 */
import { randomBytes } from 'node:crypto';
import { InputError, UnavailableError } from '@cite/errors';
import { testLogsUrl } from '@cite/test-support';
import { podLineDocument, type PodLine } from './documents';
import { LogStore } from './log-store';

const team = `t${randomBytes(4).toString('hex')}`;
const base: PodLine = {
  timestamp: '',
  sequence: 0,
  message: '',
  team,
  service: 'web',
  namespace: `cite-${team}`,
  pod: 'web-a',
  podUid: 'uid-a',
  container: 'app',
  node: 'node-1',
};

let logs: LogStore;

beforeAll(async () => {
  logs = LogStore.connect({ url: testLogsUrl() });
  await logs.ensureTemplates();
  const lines = Array.from({ length: 250 }, (_, i) => ({
    ...base,
    pod: i % 2 === 0 ? 'web-a' : 'web-b',
    podUid: i % 2 === 0 ? 'uid-a' : 'uid-b',
    timestamp: new Date(Date.UTC(2026, 11, 6, 4, 0, 0) + i * 1000).toISOString().replace('Z', '000000Z'),
    message: `${i % 10 === 0 ? 'ERROR' : 'INFO'} request ${i} ${i % 7 === 0 ? 'timeout' : 'ok'}`,
  }));
  const docs = lines.map(podLineDocument);
  expect((await logs.write(docs)).written).toBe(250);
  // Sent again (a shipper that crashed after the write): still 250 documents.
  expect((await logs.write(docs.slice(0, 100))).written).toBe(100);
  await logs.refresh(`cite-logs-${team}-*`);
});

afterAll(async () => {
  for (const index of await logs.indices(`cite-logs-${team}-*`)) await logs.deleteIndex(index);
  await logs.close();
});

async function all(query: Parameters<LogStore['search']>[1]): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await logs.search([`cite-logs-${team}-*`], {
      ...query,
      size: 40,
      ...(cursor ? { cursor } : {}),
    });
    seen.push(...page.items.map((hit) => hit.message));
    cursor = page.nextCursor;
  } while (cursor);
  return seen;
}

describe('LogStore against the engine', () => {
  it('keeps one document per line, and pages newest first without skipping or repeating', async () => {
    const messages = await all({ service: 'web' });
    expect(messages).toHaveLength(250);
    expect(new Set(messages).size).toBe(250);
    expect(messages[0]).toContain('request 249 ');
    expect(messages.at(-1)).toContain('request 0 ');
  });

  it('filters by query string, level, pod and time range', async () => {
    expect(await all({ service: 'web', q: 'timeout' })).toHaveLength(36);
    expect(await all({ service: 'web', level: 'ERROR' })).toHaveLength(25);
    expect(await all({ service: 'web', pod: 'web-b' })).toHaveLength(125);
    const window = await all({
      service: 'web',
      from: '2026-12-06T04:01:00Z',
      to: '2026-12-06T04:01:59.999Z',
    });
    expect(window).toHaveLength(60);
    expect(await all({ service: 'other' })).toHaveLength(0);
    const [first] = (await logs.search([`cite-logs-${team}-*`], { service: 'web', size: 1 })).items;
    expect(first).toMatchObject({
      service: 'web',
      pod: 'web-b',
      node: 'node-1',
      container: 'app',
      level: 'info',
    });
  });

  it('answers a query the engine cannot parse with 400 at q, and an engine that is away with 503', async () => {
    await expect(logs.search([`cite-logs-${team}-*`], { q: 'message:(unclosed' })).rejects.toBeInstanceOf(
      InputError,
    );
    const away = LogStore.connect({ url: 'http://127.0.0.1:9', requestTimeoutMs: 2000 });
    await expect(away.search(['cite-logs-*'], {})).rejects.toBeInstanceOf(UnavailableError);
    await away.close();
  });
});
