/**
 * Property: whatever request reaches the API — any method on any route's path (percent-escapes, bad escapes,
 * unicode, odd numbers), odd queries, odd or large headers, bodies in any content type and coding (valid and
 * invalid gzip/deflate/br, non-JSON, JSON that is not an object) — the answer is never a 5xx, and every JSON
 * error has the one shape without a stack. Runs against the real etcd and Redis over a real socket.
 */
import zlib from 'node:zlib';
import fc from 'fast-check';
import request from 'supertest';
import { startHarness, type Harness } from './testing/harness';

let h: Harness;
let base: string;

beforeAll(async () => {
  h = await startHarness('requests-fuzz');
  base = await h.listen();
  // Two services whose releases 1 and 2 have ended, so event and log streams of them end at once.
  for (const name of ['fz', 'calm']) {
    await h.service(name);
    await h.finish(name, (await h.deploy(name, 'v1')).number);
    await h.finish(name, (await h.deploy(name, 'v2')).number, 'failed');
  }
});
afterAll(() => h?.close());

const decoded = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** One path segment: plain, percent-encoded unicode, raw bad escapes, reserved characters. */
const segment = fc.oneof(
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
  fc.string({ unit: 'grapheme', maxLength: 6 }).map(encodeURIComponent),
  fc.stringMatching(/^([A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-fZz]{0,2}){1,12}$/),
  fc.constantFrom('%ZZ', '%', '%E0%A4%A', '%00', '%2F', '..', '.', '%2e%2e', 'a%20b', '%C0%AF', 'web'),
);
const service = fc.oneof(fc.constantFrom('fz', 'calm', 'nope', 'FZ', 'fz%20'), segment);
/**
 * A release number: 1 or 2 (ended) or anything that names no release. Never 3 or more: releases this test
 * creates stay pending, and a stream of a pending release would not end.
 */
const number = fc.oneof(
  fc.constantFrom('1', '2', '0', '01', '-1', '1.5', '1e3', '%31', '99999999999', '%ZZ'),
  segment.filter((s) => !/^\s*[+-]?\d/.test(decoded(s)) && decoded(s).trim() !== ''),
);

/** A path and the methods its route has (a request uses one of them mostly, any method sometimes). */
type Target = [path: string, methods: string[]];
const at =
  (methods: string[]) =>
  (path: string): Target => [path, methods];
const route: fc.Arbitrary<Target> = fc.oneof(
  fc.constantFrom<Target>(
    ['/', ['get', 'head']],
    ['/healthz', ['get']],
    ['/readyz', ['get']],
    ['/api/docs', ['get']],
    ['/api/v1/openapi.json', ['get']],
    ['/api/v1/services', ['get', 'post']],
    ['/api/v1/services/', ['get', 'post']],
    ['/api/v1/tokens', ['get', 'post']],
    ['/api/v1/audit', ['get']],
    ['/api/v1/locks', ['get']],
    ['/api/v1', ['get']],
  ),
  service.map((s) => `/api/v1/services/${s}`).map(at(['get', 'patch', 'delete'])),
  fc
    .tuple(
      service,
      fc.constantFrom<[string, string[]]>(
        ['scale', ['post']],
        ['status', ['get']],
        ['deploys', ['post']],
        ['rollback', ['post']],
        ['releases', ['get']],
        ['nothing', ['get']],
      ),
    )
    .map(([s, [tail, methods]]): Target => [`/api/v1/services/${s}/${tail}`, methods]),
  fc
    .tuple(fc.constantFrom('fz', 'calm', 'nope'), number, fc.constantFrom('', '/events', '/log', '/x'))
    .map(([s, n, tail]) => `/api/v1/services/${s}/releases/${n}${tail}`)
    .map(at(['get'])),
  segment.map((id) => `/api/v1/tokens/${id}`).map(at(['delete'])),
  fc
    .array(segment, { minLength: 1, maxLength: 3 })
    .map((parts) => `/api/v1/locks/${parts.join('/')}`)
    .map(at(['delete'])),
  fc
    .array(segment, { minLength: 1, maxLength: 3 })
    .map((parts) => `/${parts.join('/')}`)
    .map(at(['get'])),
  segment.map((s) => `/api/v1/webhooks/${s}`).map(at(['post'])),
);

const queryValue = fc.oneof(
  fc.constantFrom(
    'true',
    'false',
    'maybe',
    '',
    '0',
    '1',
    '1000',
    '1001',
    '-1',
    'all',
    'active,deleting',
    'x',
  ),
  segment,
);
const query = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        'limit',
        'cursor',
        'team',
        'label',
        'state',
        'during',
        'follow',
        'lastEventId',
        'x',
        'a[b]',
        '%ZZ',
      ),
      queryValue,
    ),
    { maxLength: 3 },
  )
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));

/** Characters Node's HTTP client lets through in a header value (latin1 without controls but tab). */
const headerText = (maxLength: number) =>
  fc.string({
    unit: fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
      fc.constant('\t'),
    ),
    maxLength,
  });
const oddValue = fc.oneof(
  { weight: 12, arbitrary: headerText(40) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 12_000 }).map((n) => 'x'.repeat(n)) },
);

const authorization = fc.oneof(
  { weight: 8, arbitrary: fc.constant('admin') },
  {
    weight: 1,
    arbitrary: fc.oneof(fc.constantFrom('Bearer ', 'Bearer cite_x_y', 'Basic Zm9v', 'bearer'), oddValue),
  },
);

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'application/json; charset="',
    'application/merge-patch+json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    ';;',
    '*/*',
  ),
  headerText(30),
);

const headers = fc.record(
  {
    accept: fc.oneof(
      fc.constantFrom('text/event-stream', '*/*', 'text/plain', 'application/json;q=0', 'x;;q=nope'),
      headerText(30),
    ),
    'if-match': fc.oneof(fc.constantFrom('"1"', 'W/"2"', '*', '"99999999999999999"'), headerText(20)),
    'idempotency-key': fc.oneof(fc.constantFrom('k-1', 'k-2'), oddValue),
    'last-event-id': fc.oneof(fc.constantFrom('0', '1', '999999999999999', '-1'), headerText(20)),
    'x-request-id': oddValue,
    'x-forwarded-for': fc.oneof(fc.constantFrom('203.0.113.9', '::1, 10.0.0.1', 'nonsense, ,'), oddValue),
    'user-agent': oddValue,
    'x-odd': oddValue,
  },
  { requiredKeys: [] },
);

const coding = fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'GZIP', 'gzip, br', 'compress', 'x-nope');
const encode: Record<string, (data: Buffer) => Buffer> = {
  gzip: zlib.gzipSync,
  deflate: zlib.deflateSync,
  br: zlib.brotliCompressSync,
};

const json = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record(
    {
      name: fc.oneof(fc.constantFrom('fz', 'fz-new'), fc.string({ maxLength: 20 })),
      team: fc.constantFrom('payments', ''),
      image: fc.constantFrom('registry.local:5000/p/app', 'v3', ''),
      port: fc.oneof(fc.integer({ min: -1, max: 70_000 }), fc.string()),
      replicas: fc.integer({ min: -1, max: 2_000 }),
      to: fc.integer({ min: -1, max: 4 }),
      role: fc.constantFrom('admin', 'member', 'root'),
      teams: fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 }),
    },
    { requiredKeys: [] },
  ),
);

/** A body as bytes, and the Content-Encoding to claim (matching it or not). */
const body = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  {
    weight: 4,
    arbitrary: json.map((value) => ({ bytes: Buffer.from(JSON.stringify(value)), encoding: undefined })),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: 'grapheme', maxLength: 40 })
      .map((text) => ({ bytes: Buffer.from(text), encoding: undefined })),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(json, coding, fc.boolean(), fc.nat()).map(([value, claimed, honest, cut]) => {
      const plain = Buffer.from(JSON.stringify(value));
      const packed = honest && encode[claimed] ? encode[claimed](plain) : plain;
      // Sometimes cut the encoded bytes short.
      const bytes = cut % 4 === 0 ? packed.subarray(0, cut % Math.max(packed.length, 1)) : packed;
      return { bytes, encoding: claimed };
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.uint8Array({ maxLength: 64 }), coding)
      .map(([bytes, claimed]) => ({ bytes: Buffer.from(bytes), encoding: claimed as string | undefined })),
  },
);

const anyMethod = fc.constantFrom(
  'get',
  'post',
  'patch',
  'delete',
  'put',
  'head',
  'options',
  'trace',
  'purge',
  'lock',
  'propfind',
);

const call = fc
  .record({
    target: route,
    pick: fc.nat(),
    other: anyMethod,
    query,
    authorization: fc.option(authorization, { nil: undefined, freq: 12 }),
    contentType: fc.option(contentType, { nil: undefined, freq: 8 }),
    headers,
    body,
  })
  .map(({ target: [path, methods], pick, other, authorization, contentType, headers, ...rest }) => ({
    ...rest,
    headers: { ...headers, authorization, 'content-type': contentType },
    route: path,
    method: pick % 4 === 0 ? other : methods[pick % methods.length]!,
  }));

type Call = typeof call extends fc.Arbitrary<infer T> ? T : never;

async function send(sent: Call): Promise<request.Response> {
  const { authorization, ...rest } = sent.headers;
  let req = (request(base) as unknown as Record<string, (url: string) => request.Test>)[sent.method]!(
    `${sent.route}${sent.query}`,
  ).timeout(10_000);
  if (authorization !== undefined)
    req = req.set('authorization', authorization === 'admin' ? h.admin : authorization);
  for (const [name, value] of Object.entries(rest)) if (value !== undefined) req = req.set(name, value);
  // Bodies only where Node's client sends them; bytes go as they are.
  if (sent.body === undefined || ['get', 'head', 'options', 'trace'].includes(sent.method)) return req;
  if (sent.body.encoding !== undefined) req = req.set('content-encoding', sent.body.encoding);
  return req.serialize((bytes) => bytes as string).send(sent.body.bytes as unknown as string);
}

describe('every request', () => {
  it('never gets a 5xx; errors have the one shape and no stack', async () => {
    await fc.assert(
      fc.asyncProperty(call, async (sent) => {
        const res = await send(sent);
        expect(res.status).toBeLessThan(500);
        expect(res.text ?? '').not.toMatch(/\.ts:\d+|node_modules|at [\w.<>]+ \(/);
        if (res.status >= 400 && /json/.test(res.headers['content-type'] ?? '') && sent.method !== 'head') {
          const error = (res.body as { error?: { code?: unknown; message?: unknown; details?: unknown } })
            .error;
          expect(typeof error?.code).toBe('string');
          expect(typeof error?.message).toBe('string');
          expect(Array.isArray(error?.details)).toBe(true);
        }
      }),
      { numRuns: 1_500 },
    );
  }, 120_000);
});
