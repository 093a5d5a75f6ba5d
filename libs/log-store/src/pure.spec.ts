import { InputError } from '@cite/errors';
import {
  deployLineDocument,
  parseLevel,
  podLineDocument,
  systemLogDocument,
  timeOf,
  timeOrderedId,
} from './documents';
import { deployLogIndex, indexPattern, serviceLogIndex, systemLogIndex } from './indices';
import {
  comparePositions,
  LineSequencer,
  normalizeTimestamp,
  sinceTimeOf,
  splitTimestamped,
} from './positions';
import { decodeLogCursor, encodeLogCursor, searchBody } from './queries';

const line = {
  timestamp: '2026-12-06T04:44:28.123456789Z',
  sequence: 0,
  message: '2026-12-06T04:44:28.123Z INFO web/app heartbeat n=3',
  team: 'demo',
  service: 'web',
  namespace: 'cite-demo',
  pod: 'web-6d84-abcde',
  podUid: 'uid-1',
  container: 'app',
  node: 'node-1',
  image: 'registry.local/demo/web:1',
  release: 4,
};

describe('indices', () => {
  it('are daily per kind and team, by the UTC date', () => {
    const late = new Date('2026-12-31T23:59:59.999Z');
    expect(serviceLogIndex('Payments', late)).toBe('cite-logs-payments-2026.12.31');
    expect(deployLogIndex('demo', new Date('2027-01-01T00:00:00Z'))).toBe('cite-deploys-demo-2027.01.01');
    expect(systemLogIndex(late)).toBe('cite-system-2026.12.31');
    expect(indexPattern('logs', 'demo')).toBe('cite-logs-demo-*');
    expect(indexPattern('logs')).toBe('cite-logs-*');
    expect(indexPattern('system', 'ignored')).toBe('cite-system-*');
  });
});

describe('documents', () => {
  it.each([
    ['2026-12-06T04:44:28Z INFO web heartbeat', 'info'],
    ['level=warn something odd', 'warn'],
    ['[ERROR] failed', 'error'],
    ['{"level":"Warning","msg":"x"}', 'warn'],
    ['{"severity":"critical"}', 'fatal'],
    ['GET /informational 200', undefined],
    ['no level here', undefined],
  ])('reads the level of %p as %p', (text, level) => {
    expect(parseLevel(text)).toBe(level);
  });

  it('makes a pod line an ECS document with an id that depends only on where the line came from', () => {
    const doc = podLineDocument(line);
    expect(doc.index).toBe('cite-logs-demo-2026.12.06');
    expect(doc.body).toMatchObject({
      '@timestamp': line.timestamp,
      message: line.message,
      log: { level: 'info' },
      service: { name: 'web' },
      kubernetes: { pod: { name: 'web-6d84-abcde' }, node: { name: 'node-1' }, container: { name: 'app' } },
      container: { image: { name: 'registry.local/demo/web:1' } },
      cite: { team: 'demo', release: 4 },
    });
    expect(podLineDocument({ ...line, message: 'other text' }).id).toBe(doc.id);
    expect(podLineDocument({ ...line, sequence: 1 }).id).not.toBe(doc.id);
    expect(podLineDocument({ ...line, podUid: 'uid-2' }).id).not.toBe(doc.id);
  });

  it('gives ids that lead with the time and sort as the lines do: milliseconds, nanoseconds, sequence', () => {
    const id = (timestamp: string, sequence: number, ...source: string[]) =>
      timeOrderedId(timeOf(timestamp), timestamp, sequence, ...source);
    const ids = [
      id('2026-12-06T04:44:28.123456789Z', 0, 'pod', 'u', 'app'),
      id('2026-12-06T04:44:28.123456790Z', 0, 'pod', 'u', 'app'),
      id('2026-12-06T04:44:28.123456790Z', 1, 'pod', 'u', 'app'),
      id('2026-12-06T04:44:28.124Z', 0, 'pod', 'u', 'app'),
      id('2026-12-06T13:44:29+09:00', 7, 'pod', 'u', 'app'),
      id('2027-01-01T00:00:00Z', 0, 'pod', 'u', 'app'),
    ];
    expect(ids.every((id) => /^[-0-9A-Z_a-z]{28}$/.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // The same line from another container differs only after the time.
    const other = id('2026-12-06T04:44:28.123456789Z', 0, 'pod', 'u', 'sidecar');
    expect(other).not.toBe(ids[0]);
    expect(other.slice(0, 16)).toBe(ids[0]!.slice(0, 16));
  });

  it('makes deploy and system lines documents of their own indices', () => {
    const deploy = deployLineDocument({
      team: 'demo',
      service: 'web',
      release: 3,
      seq: 7,
      time: '2026-12-06T04:00:00.000Z',
      level: 'info',
      message: 'applied',
    });
    expect(deploy.index).toBe('cite-deploys-demo-2026.12.06');
    expect(deploy.body).toMatchObject({ cite: { release: 3 }, event: { dataset: 'cite.deploy' } });
    const system = systemLogDocument(
      'api',
      { time: '2026-12-06T04:00:00.000Z', level: 'warn', message: 'hm', app: 'api', request: { id: 1 } },
      0,
      42,
    );
    expect(system.index).toBe('cite-system-2026.12.06');
    expect(system.body).toMatchObject({
      service: { name: 'cite-api' },
      log: { level: 'warn' },
      labels: { request: '{"id":1}' },
    });
  });
});

describe('positions', () => {
  it('normalises kubelet timestamps to nanoseconds, so that text order is time order', () => {
    expect(normalizeTimestamp('2026-12-06T04:44:28.1Z')).toBe('2026-12-06T04:44:28.100000000Z');
    expect(normalizeTimestamp('2026-12-06T04:44:28Z')).toBe('2026-12-06T04:44:28.000000000Z');
    expect(normalizeTimestamp('2026-12-06T06:44:28.5+02:00')).toBe('2026-12-06T04:44:28.500000000Z');
    expect(normalizeTimestamp('yesterday')).toBeNull();
    expect(splitTimestamped('2026-12-06T04:44:28.1Z hello world')).toEqual({
      timestamp: '2026-12-06T04:44:28.100000000Z',
      message: 'hello world',
    });
    expect(splitTimestamped('no timestamp')).toBeNull();
  });

  it('orders by timestamp, then by the order of lines that share one; reads again from the second', () => {
    const a = { timestamp: '2026-12-06T04:44:28.100000000Z', sequence: 0 };
    expect(comparePositions(a, { ...a, sequence: 1 })).toBe(-1);
    expect(comparePositions({ ...a, timestamp: '2026-12-06T04:44:29.000000000Z' }, a)).toBe(1);
    expect(comparePositions(a, { ...a })).toBe(0);
    expect(sinceTimeOf(a)).toBe('2026-12-06T04:44:28Z');
    const sequencer = new LineSequencer();
    expect([a.timestamp, a.timestamp, 'x', a.timestamp].map((t) => sequencer.next(t))).toEqual([0, 1, 0, 0]);
  });
});

describe('searchBody', () => {
  it('filters by time, service, pod and level, newest first with a unique tie-breaker', () => {
    const body = searchBody({
      q: 'timeout AND NOT health',
      from: '2026-12-06T00:00:00Z',
      to: '2026-12-06T01:00:00+01:00',
      service: 'web',
      pod: 'web-1',
      level: 'ERROR',
      size: 50,
    });
    expect(body).toMatchObject({
      size: 50,
      query: {
        bool: {
          must: [{ query_string: { query: 'timeout AND NOT health', default_field: 'message' } }],
          filter: [
            { range: { '@timestamp': { gte: '2026-12-06T00:00:00.000Z', lte: '2026-12-06T00:00:00.000Z' } } },
            { term: { 'service.name': 'web' } },
            { term: { 'kubernetes.pod.name': 'web-1' } },
            { term: { 'log.level': 'error' } },
          ],
        },
      },
      sort: [{ '@timestamp': { order: 'desc' } }, { 'event.id': { order: 'desc' } }],
    });
  });

  it('pages with the cursor it gave, and refuses a forged one, a bad time or size at its field', () => {
    const cursor = encodeLogCursor([1765000000000, 'abc']);
    expect(decodeLogCursor(cursor)).toEqual([1765000000000, 'abc']);
    expect(searchBody({ cursor })).toMatchObject({ search_after: [1765000000000, 'abc'] });
    const fieldOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(InputError);
        return (error as InputError).details[0]?.path;
      }
      return 'no error';
    };
    expect(fieldOf(() => searchBody({ cursor: 'not!base64' }))).toBe('cursor');
    expect(fieldOf(() => searchBody({ cursor: encodeLogCursor([{ a: 1 }]) }))).toBe('cursor');
    expect(fieldOf(() => searchBody({ from: 'yesterday' }))).toBe('from');
    expect(fieldOf(() => searchBody({ from: '2026-12-06T02:00:00Z', to: '2026-12-06T01:00:00Z' }))).toBe(
      'from',
    );
    expect(fieldOf(() => searchBody({ size: 0 }))).toBe('limit');
    expect(fieldOf(() => searchBody({ size: 1001 }))).toBe('limit');
  });
});
