import request from 'supertest';
import { startHarness, type Harness } from '../testing/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('docs');
});
afterAll(() => h?.close());

/** Every route the API serves under /api/v1, as OpenAPI spells it. */
const ROUTES = [
  'post /api/v1/services',
  'get /api/v1/services',
  'get /api/v1/services/{name}',
  'patch /api/v1/services/{name}',
  'delete /api/v1/services/{name}',
  'post /api/v1/services/{name}/scale',
  'get /api/v1/services/{name}/status',
  'post /api/v1/services/{name}/deploys',
  'post /api/v1/services/{name}/rollback',
  'get /api/v1/services/{name}/releases',
  'get /api/v1/services/{name}/releases/{number}',
  'get /api/v1/services/{name}/releases/{number}/events',
  'get /api/v1/services/{name}/releases/{number}/log',
  'post /api/v1/tokens',
  'get /api/v1/tokens',
  'get /api/v1/whoami',
  'delete /api/v1/tokens/{id}',
  'get /api/v1/audit',
  'get /api/v1/locks',
  'get /api/v1/batch/reports',
  'get /api/v1/batch/reports/{task}',
  'delete /api/v1/locks/{name}',
  'get /api/v1/openapi.json',
  'post /api/v1/webhooks/github',
  'get /api/v1/webhooks/deliveries',
  'get /api/v1/webhooks/deliveries/{id}',
  'get /api/v1/services/{name}/previews',
  'get /api/v1/domains',
  'get /api/v1/domains/{host}',
  'get /api/v1/services/{name}/endpoints',
  'get /api/v1/services/{name}/pods/events',
  'get /api/v1/services/{name}/logs',
  'get /api/v1/services/{name}/logs/search',
  'get /api/v1/logs/search',
  'get /api/v1/network',
  'get /api/v1/network/ips/{ip}',
];

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[] }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
}

describe('GET /api/v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document of every route, with schemas from the validators', async () => {
    const res = await request(h.app).get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body as Doc;
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((m) => `${m} ${path}`),
    );
    expect(documented.sort()).toEqual([...ROUTES].sort());
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (path === '/api/v1/openapi.json') continue;
        if (path === '/api/v1/webhooks/github') {
          // Authenticated by signature, not by token.
          expect(Object.keys(operation.responses)).toEqual(
            expect.arrayContaining(['202', '400', '401', '413']),
          );
          expect(operation.security).toBeUndefined();
          continue;
        }
        expect([method, path, Object.keys(operation.responses)]).toEqual([
          method,
          path,
          expect.arrayContaining(['400', '401', '403', '503']),
        ]);
        expect(operation.security).toEqual([{ bearer: [] }]);
      }
    }
    const create = doc.components.schemas['ServiceCreate']!;
    expect(Object.keys(create.properties!)).toEqual(
      expect.arrayContaining([
        'name',
        'team',
        'image',
        'port',
        'replicas',
        'resources',
        'env',
        'domains',
        'healthCheck',
      ]),
    );
    expect(create.required).toEqual(expect.arrayContaining(['name', 'team', 'image', 'port']));
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'Service',
        'Release',
        'Error',
        'DeployRequest',
        'ScaleRequest',
        'RollbackRequest',
        'Token',
        'AuditEntry',
        'ServiceStatus',
      ]),
    );
  });
});

describe('GET /api/docs', () => {
  it('is a self-contained page (no external scripts or styles) that renders the document', async () => {
    const res = await request(h.app).get('/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.text).toContain('/api/v1/openapi.json');
    expect(res.text).not.toMatch(/(src|href)="https?:/);
    expect(res.text).not.toMatch(/https?:\/\/(?!localhost)/);
  });
});
