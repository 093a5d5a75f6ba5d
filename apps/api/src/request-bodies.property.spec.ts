/**
 * Property: whatever body a client sends to any mutating endpoint, the API never answers 5xx, and every 4xx
 * names the fields at fault (`details[].path` non-empty). Bodies are random JSON, near-valid records with
 * random field values, and raw text that is not JSON at all.
 */
import fc from 'fast-check';
import request from 'supertest';
import { startHarness, type Harness } from './testing/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('fuzz');
  await h.service('fuzz');
  await h.finish('fuzz', (await h.deploy('fuzz', 'v1')).number);
  await h.finish('fuzz', (await h.deploy('fuzz', 'v2')).number);
});
afterAll(() => h?.close());

const scalar = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1e999',
    '500m',
    '1Gi',
    'web',
    'payments',
    'v1',
    `sha256:${'a'.repeat(64)}`,
    '../x',
  ),
);
const value = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), scalar, { maxKeys: 3 }),
);
const pair = fc.record({ request: value, limit: value }, { requiredKeys: [] });

const serviceFields = {
  name: fc.oneof(fc.constantFrom('fuzz', 'fz-new'), fc.string({ maxLength: 70 })),
  team: fc.oneof(fc.constant('payments'), value),
  image: fc.oneof(fc.constant('registry.local:5000/p/app'), value),
  port: fc.oneof(fc.integer({ min: -5, max: 70_000 }), value),
  replicas: fc.oneof(fc.integer({ min: -2, max: 1_002 }), value),
  resources: fc.oneof(
    fc.record({ cpu: fc.oneof(pair, value), memory: fc.oneof(pair, value) }, { requiredKeys: [] }),
    value,
  ),
  env: fc.oneof(fc.array(fc.record({ name: value, value }, { requiredKeys: [] }), { maxLength: 3 }), value),
  domains: fc.oneof(fc.array(fc.oneof(fc.domain(), value), { maxLength: 3 }), value),
  healthCheck: fc.oneof(fc.record({ path: value, periodSeconds: value }, { requiredKeys: [] }), value),
  labels: fc.oneof(
    fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), { maxKeys: 2 }),
    value,
  ),
  deployPolicy: fc.oneof(fc.record({ branch: value, autoDeploy: value }, { requiredKeys: [] }), value),
  autoRollback: value,
};

const near = (fields: Record<string, fc.Arbitrary<unknown>>) => fc.record(fields, { requiredKeys: [] });
const body = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof(
    { weight: 3, arbitrary: near(fields).map((b) => ({ json: b as unknown })) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((b) => ({ json: b as unknown })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((raw) => ({ raw })) },
  );

const endpoints: [string, 'post' | 'patch', string, fc.Arbitrary<{ json?: unknown; raw?: string }>][] = [
  ['create service', 'post', '/api/v1/services', body(serviceFields)],
  ['patch service', 'patch', '/api/v1/services/fuzz', body(serviceFields)],
  [
    'deploy',
    'post',
    '/api/v1/services/fuzz/deploys',
    body({ image: fc.oneof(fc.string({ maxLength: 300 }), value), gitSha: value }),
  ],
  [
    'scale',
    'post',
    '/api/v1/services/fuzz/scale',
    body({ replicas: serviceFields.replicas, cpu: fc.oneof(pair, value), memory: fc.oneof(pair, value) }),
  ],
  [
    'rollback',
    'post',
    '/api/v1/services/fuzz/rollback',
    body({ to: fc.oneof(fc.integer({ min: -1, max: 5 }), value) }),
  ],
  [
    'create token',
    'post',
    '/api/v1/tokens',
    body({
      name: value,
      role: fc.oneof(fc.constantFrom('admin', 'member'), value),
      teams: fc.oneof(fc.array(value, { maxLength: 2 }), value),
      expiresAt: value,
    }),
  ],
];

describe('every request body', () => {
  it.each(endpoints)('%s: never 5xx; every 4xx names its fields', async (_name, method, path, bodies) => {
    await fc.assert(
      fc.asyncProperty(bodies, async (sent) => {
        const call = request(h.app)
          [method](path)
          .set('authorization', h.admin)
          .set('content-type', 'application/json');
        const res = await call.send(sent.raw ?? JSON.stringify(sent.json));
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          const details = res.body?.error?.details as { path: string; message: string }[];
          expect(details.length).toBeGreaterThan(0);
          for (const detail of details) {
            expect(detail.path).not.toBe('');
            expect(detail.message).not.toBe('');
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
