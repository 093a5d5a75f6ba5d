/**
 * The embedded OpenSearch, for real: the requests cite's logs make (a mapping, a bulk load, query_string over a
 * time range sorted newest first and paged with search_after, a terms aggregation, deleting an index), restarts
 * on the same data, and engines side by side. The first run on a machine builds the engine (Maven, a few
 * minutes at most; only the `beforeAll` that builds is given that long); every start after that takes seconds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildOpenSearch, openSearchAvailable, startOpenSearch, type RunningOpenSearch } from './opensearch';
import { isRunning, listensOn } from './proc';
import { freePort } from './processes';
import { EarlyExitError, ProcessStartError } from './start-errors';

const BUILD_MS = 600_000;
const START_MS = 90_000;

function tmp(label: string) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cite-${label}-`));
}

interface Reply<T> {
  status: number;
  body: T;
}

/** One REST call; `body` a JSON value, or NDJSON lines for `_bulk`. */
async function call<T = Record<string, unknown>>(
  url: string,
  method: string,
  route: string,
  body?: unknown,
): Promise<Reply<T>> {
  const ndjson = Array.isArray(body) && route.includes('_bulk');
  const response = await fetch(`${url}${route}`, {
    method,
    headers: { 'content-type': ndjson ? 'application/x-ndjson' : 'application/json' },
    ...(body === undefined
      ? {}
      : {
          body: ndjson
            ? (body as unknown[]).map((line) => JSON.stringify(line) + '\n').join('')
            : JSON.stringify(body),
        }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

interface LogDoc {
  id: string;
  '@timestamp': string;
  app: string;
  level: string;
  message: string;
}

interface Hit {
  _id: string;
  _source: LogDoc;
  sort: unknown[];
}

interface SearchBody {
  hits: { total: { value: number; relation: string }; hits: Hit[] };
  aggregations?: Record<string, { buckets: { key: string; doc_count: number }[] }>;
}

const BASE = Date.parse('2024-05-01T00:00:00Z');
const MINUTE = 60_000;
const APPS = ['api', 'worker', 'cron'];

/** 1,000 log lines, two to a minute (so the sort needs its tie-breaker), every fourth a timeout. */
function logDocs(count = 1_000): LogDoc[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `r-${String(i).padStart(4, '0')}`,
    '@timestamp': new Date(BASE + Math.floor(i / 2) * MINUTE).toISOString(),
    app: APPS[i % 3]!,
    level: i % 10 === 0 ? 'error' : 'info',
    message: i % 4 === 0 ? `Timeout calling payments after ${i} ms` : `served request ${i} in ${i % 97} ms`,
  }));
}

const MAPPING = {
  mappings: {
    properties: {
      id: { type: 'keyword' },
      '@timestamp': { type: 'date' },
      app: { type: 'keyword' },
      level: { type: 'keyword' },
      message: { type: 'text' },
    },
  },
};

async function createAndLoad(url: string, index: string, docs: LogDoc[]): Promise<void> {
  expect((await call(url, 'PUT', `/${index}`, MAPPING)).status).toBe(200);
  const bulk = await call<{ errors: boolean; items: unknown[] }>(
    url,
    'POST',
    '/_bulk?refresh=wait_for',
    docs.flatMap((doc) => [{ index: { _index: index, _id: doc.id } }, doc]),
  );
  expect(bulk.status).toBe(200);
  expect(bulk.body.errors).toBe(false);
  expect(bulk.body.items).toHaveLength(docs.length);
}

async function count(url: string, index: string): Promise<number> {
  const reply = await call<{ count: number }>(url, 'GET', `/${index}/_count`);
  expect(reply.status).toBe(200);
  return reply.body.count;
}

beforeAll(async () => {
  // Builds only when this source version was never built; otherwise a fraction of a second.
  await buildOpenSearch();
}, BUILD_MS);

describe('an embedded OpenSearch', () => {
  let engine: RunningOpenSearch;

  beforeAll(async () => {
    engine = await startOpenSearch({ dataDir: tmp('opensearch') });
  }, START_MS);
  afterAll(() => engine?.stop());

  it('answers on 127.0.0.1 as a green single-node cluster', async () => {
    expect(engine.url).toBe(`http://127.0.0.1:${engine.port}`);
    expect(listensOn(engine.pid, engine.port)).toBe(true);
    const root = await call<{ version: { number: string; distribution: string } }>(engine.url, 'GET', '/');
    expect(root.body.version).toMatchObject({ number: '2.19.6', distribution: 'opensearch' });
    const health = await call<{ status: string; number_of_nodes: number }>(
      engine.url,
      'GET',
      '/_cluster/health',
    );
    expect(health.body).toMatchObject({ status: 'green', number_of_nodes: 1 });
  });

  it('loads 1,000 lines in bulk, pages a query_string search over a time range newest first, aggregates, deletes', async () => {
    const docs = logDocs();
    await createAndLoad(engine.url, 'logs-paging', docs);
    const from = BASE + 100 * MINUTE;
    const to = BASE + 400 * MINUTE;
    const expected = docs
      .filter((d) => d.message.startsWith('Timeout') && d.app !== 'cron')
      .filter((d) => Date.parse(d['@timestamp']) >= from && Date.parse(d['@timestamp']) < to)
      .sort((a, b) => b['@timestamp'].localeCompare(a['@timestamp']) || a.id.localeCompare(b.id));
    expect(expected.length).toBeGreaterThan(50); // several pages
    const query = {
      bool: {
        // Lower-case `timeout`: the text field's standard analyzer matches "Timeout".
        must: [{ query_string: { query: 'message:timeout AND app:(api OR worker)' } }],
        filter: [
          { range: { '@timestamp': { gte: new Date(from).toISOString(), lt: new Date(to).toISOString() } } },
        ],
      },
    };
    const seen: string[] = [];
    let after: unknown[] | undefined;
    let pages = 0;
    for (;;) {
      const page = await call<SearchBody>(engine.url, 'POST', '/logs-paging/_search', {
        size: 25,
        track_total_hits: true,
        query,
        sort: [{ '@timestamp': 'desc' }, { id: 'asc' }],
        ...(after ? { search_after: after } : {}),
      });
      expect(page.status).toBe(200);
      expect(page.body.hits.total).toEqual({ value: expected.length, relation: 'eq' });
      const hits = page.body.hits.hits;
      if (hits.length === 0) break;
      seen.push(...hits.map((hit) => hit._source.id));
      after = hits.at(-1)!.sort;
      pages += 1;
    }
    expect(seen).toEqual(expected.map((d) => d.id));
    expect(pages).toBe(Math.ceil(expected.length / 25));

    const aggregated = await call<SearchBody>(engine.url, 'POST', '/logs-paging/_search', {
      size: 0,
      query,
      aggs: { apps: { terms: { field: 'app' } }, levels: { terms: { field: 'level' } } },
    });
    const byKey = (name: string) =>
      Object.fromEntries(aggregated.body.aggregations![name]!.buckets.map((b) => [b.key, b.doc_count]));
    const tally = (key: 'app' | 'level') =>
      expected.reduce<Record<string, number>>((acc, d) => ({ ...acc, [d[key]]: (acc[d[key]] ?? 0) + 1 }), {});
    expect(byKey('apps')).toEqual(tally('app'));
    expect(byKey('levels')).toEqual(tally('level'));

    expect((await call(engine.url, 'DELETE', '/logs-paging')).status).toBe(200);
    expect((await call(engine.url, 'GET', '/logs-paging')).status).toBe(404);
    const gone = await call<{ error: { type: string } }>(engine.url, 'POST', '/logs-paging/_search', {});
    expect(gone.body.error.type).toBe('index_not_found_exception');
  });

  it(
    'refuses a second engine on the same data directory, saying why',
    async () => {
      const error = await startOpenSearch({ dataDir: engine.dataDir, heapMb: 256 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EarlyExitError);
      expect((error as Error).message).toContain('failed to obtain node locks');
      expect(isRunning(engine.pid)).toBe(true);
    },
    START_MS,
  );
});

describe('restarting an embedded OpenSearch', () => {
  it(
    'keeps the documents of a stopped engine for the next one on the same data directory',
    async () => {
      const dataDir = tmp('opensearch-restart');
      const first = await startOpenSearch({ dataDir, heapMb: 256 });
      try {
        await createAndLoad(first.url, 'kept', logDocs(120));
      } finally {
        await first.stop();
      }
      expect(isRunning(first.pid)).toBe(false);

      const second = await startOpenSearch({ dataDir, heapMb: 256 });
      try {
        expect(second.pid).not.toBe(first.pid);
        expect(await count(second.url, 'kept')).toBe(120);
        const found = await call<SearchBody>(second.url, 'POST', '/kept/_search', {
          query: { term: { id: 'r-0042' } },
        });
        expect(found.body.hits.hits.map((hit) => hit._source.message)).toEqual([
          'served request 42 in 42 ms',
        ]);
      } finally {
        await second.stop();
      }
    },
    2 * START_MS,
  );
});

describe('engines side by side', () => {
  it(
    'never share a port: a given port is used, engines without one get their own, a taken one is refused',
    async () => {
      const given = await freePort();
      const [a, b] = await Promise.all([
        startOpenSearch({ port: given, heapMb: 256 }),
        startOpenSearch({ heapMb: 256 }),
      ]);
      try {
        expect(a.port).toBe(given);
        expect(b.port).not.toBe(a.port);
        expect(listensOn(a.pid, a.port) && listensOn(b.pid, b.port)).toBe(true);
        const uuid = async (engine: RunningOpenSearch) =>
          (await call<{ cluster_uuid: string }>(engine.url, 'GET', '/')).body.cluster_uuid;
        expect(await uuid(a)).not.toBe(await uuid(b));

        const taken = await startOpenSearch({ port: a.port, heapMb: 256 }).catch((e: unknown) => e);
        expect(taken).toBeInstanceOf(EarlyExitError);
        expect((taken as Error).message).toContain('Address already in use');
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    },
    2 * START_MS,
  );
});

describe('without Java or Maven', () => {
  const missing = path.join(tmp('opensearch-missing'), 'bin');

  it('says Java is missing and how to install it', async () => {
    const java = path.join(missing, 'java');
    const error = await startOpenSearch({ java }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProcessStartError);
    expect(error).toMatchObject({
      command: java,
      message: expect.stringContaining(`${java} is not installed: install a JDK 17 or newer`),
    });
    expect((error as Error).message).toContain('apt-get install default-jdk-headless');
    expect(openSearchAvailable({ java })).toEqual({ ok: false, reason: (error as Error).message });
    expect(openSearchAvailable()).toEqual({ ok: true });
  });

  it('says Maven is missing when the engine must be built', async () => {
    const mvn = path.join(missing, 'mvn');
    const buildRoot = tmp('opensearch-unbuilt');
    const error = await buildOpenSearch({ mvn, buildRoot }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProcessStartError);
    expect(error).toMatchObject({
      command: mvn,
      message: expect.stringContaining(`${mvn} is not installed`),
    });
    expect((error as Error).message).toContain('apt-get install maven');
    expect(fs.readdirSync(buildRoot).filter((name) => !name.startsWith('.'))).toEqual([]);
    expect(openSearchAvailable({ mvn, buildRoot })).toMatchObject({ ok: false });
  });
});
