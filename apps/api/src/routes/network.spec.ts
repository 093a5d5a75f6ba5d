/**
 * Domains, endpoints, the IP pool and "whose address is this?", read from the records the watcher keeps —
 * written here straight into etcd through the repositories (the watcher is not part of these tests).
 */
import type { Domain, IpRecord, NodeUsageRecord } from '@cite/model';
import { MetadataStore } from '@cite/store';
import request from 'supertest';
import { startHarness, type Harness } from '../testing/harness';

let h: Harness;
let member: string;
let stranger: string;

const NOW = '2024-05-01T12:00:00.000Z';

const foreignDomain: Domain = {
  host: 'legacy.example.com',
  namespace: 'legacy',
  ingress: 'legacy/legacy',
  paths: ['/'],
  targets: ['10.60.25.139'],
  updatedAt: NOW,
};

const podAt = (ip: string, extra: Partial<IpRecord>): IpRecord => ({
  ip,
  pod: `pod-${ip.replaceAll('.', '-')}`,
  namespace: 'cite-payments',
  node: 'node-10-60-25-139',
  updatedAt: NOW,
  ...extra,
});

const usage = (node: string, used: number): NodeUsageRecord => ({
  node,
  podCidr: '10.60.240.0/24',
  capacity: 253,
  used,
  ready: true,
  updatedAt: NOW,
});

beforeAll(async () => {
  h = await startHarness('network');
  member = await h.token({ teams: ['payments'] });
  stranger = await h.token({ teams: ['search'] });
  // Claimed by the services themselves (the api writes `domains/<host>` with the spec).
  await h.service('web', { domains: ['web.example.com', 'www.example.com'] });
  await h.service('lookup', { team: 'search', domains: ['search.example.com'] });
  // Taken by an Ingress outside cite, as the watcher records it.
  await h.store.domains.put(foreignDomain.host, foreignDomain);
});
afterAll(() => h?.close());

const get = (path: string, auth: string) => request(h.app).get(path).set('authorization', auth);
const hosts = (res: request.Response) => (res.body.items as Domain[]).map((domain) => domain.host);
const paths = (res: request.Response) => (res.body.error.details as { path: string }[]).map((d) => d.path);

describe('GET /api/v1/domains', () => {
  it('lists every domain to an admin, those of their teams to a member', async () => {
    expect(hosts(await get('/api/v1/domains', h.admin))).toEqual([
      'legacy.example.com',
      'search.example.com',
      'web.example.com',
      'www.example.com',
    ]);
    const mine = await get('/api/v1/domains', member);
    expect(mine.status).toBe(200);
    expect(hosts(mine)).toEqual(['web.example.com', 'www.example.com']);
    expect(mine.body.items[0]).toMatchObject({ service: 'web', namespace: 'cite-payments' });
    expect(hosts(await get('/api/v1/domains', stranger))).toEqual(['search.example.com']);
  });

  it('filters by service, scoped as the service itself (404 unknown, 403 across teams)', async () => {
    expect(hosts(await get('/api/v1/domains?service=web', member))).toEqual([
      'web.example.com',
      'www.example.com',
    ]);
    expect(hosts(await get('/api/v1/domains?service=lookup', h.admin))).toEqual(['search.example.com']);
    expect((await get('/api/v1/domains?service=lookup', member)).status).toBe(403);
    const unknown = await get('/api/v1/domains?service=nope', member);
    expect(unknown.status).toBe(404);
    expect(paths(unknown)).toEqual(['name']);
  });

  it('pages with limit and cursor, skipping what the caller may not read', async () => {
    const first = await get('/api/v1/domains?limit=1', member);
    expect(hosts(first)).toEqual(['web.example.com']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await get(`/api/v1/domains?limit=1&cursor=${first.body.nextCursor}`, member);
    expect(hosts(second)).toEqual(['www.example.com']);
    expect(second.body.nextCursor).toBeUndefined();
    const all = await get('/api/v1/domains?limit=3', h.admin);
    expect(hosts(all)).toHaveLength(3);
    const rest = await get(`/api/v1/domains?limit=3&cursor=${all.body.nextCursor}`, h.admin);
    expect(hosts(rest)).toEqual(['www.example.com']);
    const bad = await get('/api/v1/domains?limit=0', member);
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual(['limit']);
  });
});

describe('GET /api/v1/domains/:host', () => {
  it('answers a domain of a service of the caller’s teams, in any letter case', async () => {
    const res = await get('/api/v1/domains/WEB.example.com', member);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ host: 'web.example.com', service: 'web', namespace: 'cite-payments' });
  });

  it('is 404 to a member for another team’s domain and for one an Ingress outside cite holds', async () => {
    for (const host of ['search.example.com', 'legacy.example.com', 'unknown.example.com', 'not a host']) {
      const res = await get(`/api/v1/domains/${encodeURIComponent(host)}`, member);
      expect([host, res.status, paths(res)]).toEqual([host, 404, ['host']]);
    }
    // The same answer as a host nobody holds: nothing tells the member the host is taken.
    const taken = await get('/api/v1/domains/search.example.com', member);
    expect(taken.body.error.message).toBe('domain search.example.com not found');
  });

  it('shows an admin every domain, those outside cite included', async () => {
    const res = await get('/api/v1/domains/legacy.example.com', h.admin);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(foreignDomain);
  });
});

describe('GET /api/v1/services/:name/endpoints', () => {
  it('is an empty list on the service port until the watcher has seen the service', async () => {
    const res = await get('/api/v1/services/web/endpoints', member);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      namespace: 'cite-payments',
      service: 'web',
      port: 8080,
      endpoints: [],
      updatedAt: null,
    });
  });

  it('is the lb/ record the watcher keeps', async () => {
    const record = {
      namespace: 'cite-payments',
      service: 'web',
      port: 8080,
      endpoints: [{ ip: '10.60.240.17', port: 8080, node: 'node-10-60-25-139', pod: 'web-1' }],
      updatedAt: NOW,
    };
    await h.store.lbEndpoints.put(MetadataStore.lbEndpointsId('cite-payments', 'web'), record);
    expect((await get('/api/v1/services/web/endpoints', member)).body).toEqual(record);
  });

  it('is 404 for an unknown service and 403 for another team’s, as every service call', async () => {
    const unknown = await get('/api/v1/services/nope/endpoints', member);
    expect([unknown.status, paths(unknown)]).toEqual([404, ['name']]);
    const other = await get('/api/v1/services/web/endpoints', stranger);
    expect([other.status, paths(other)]).toEqual([403, ['name']]);
  });
});

describe('GET /api/v1/network', () => {
  it("is the seed's pool when none is stored, with each node's use and a warning above 80 %", async () => {
    await h.store.nodes.put('node-10-60-25-139', usage('node-10-60-25-139', 203));
    await h.store.nodes.put('node-10-60-25-140', {
      ...usage('node-10-60-25-140', 100),
      podCidr: '10.60.241.0/24',
    });
    const res = await get('/api/v1/network', member);
    expect(res.status).toBe(200);
    expect(res.body.pool).toMatchObject({ source: 'default', supernets: ['10.60.0.0/16'] });
    expect(res.body.pool.ranges).toHaveLength(10);
    expect(res.body.nodes).toHaveLength(10);
    expect(res.body.nodes[0]).toMatchObject({
      name: 'node-10-60-25-139',
      address: '10.60.25.139',
      podCidr: '10.60.240.0/24',
      capacity: 253,
      used: 203,
      free: 50,
      usedPercent: 80.2,
      reported: true,
    });
    expect(res.body.nodes[2]).toMatchObject({ name: 'node-10-60-25-141', reported: false, used: null });
    expect(res.body.totals).toMatchObject({ addresses: 2560, capacity: 2530, used: 303, free: 2227 });
    expect(res.body.warnings).toEqual([
      {
        node: 'node-10-60-25-139',
        kind: 'usage',
        message: expect.stringMatching(/uses 203 of 253 pod addresses \(80\.2 %\)/),
      },
    ]);
  });

  it('needs a token', async () => {
    expect((await request(h.app).get('/api/v1/network')).status).toBe(401);
  });
});

describe('GET /api/v1/network/ips/:ip', () => {
  beforeAll(async () => {
    await h.store.ips.put('10.60.240.17', podAt('10.60.240.17', { service: 'web', pod: 'web-7d9f8-abcde' }));
    await h.store.ips.put(
      '10.60.240.18',
      podAt('10.60.240.18', { service: 'lookup', namespace: 'cite-search' }),
    );
    await h.store.ips.put('10.60.240.19', podAt('10.60.240.19', { namespace: 'kube-system' }));
  });

  it('names the pod that holds an address of a service of the caller’s teams', async () => {
    const res = await get('/api/v1/network/ips/10.60.240.17', member);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ip: '10.60.240.17',
      kind: 'pod',
      pod: podAt('10.60.240.17', { service: 'web', pod: 'web-7d9f8-abcde' }),
      range: '10.60.240.0/24',
      rangeNode: 'node-10-60-25-139',
    });
  });

  it('is 404 for a free address of the pool, naming its range and node', async () => {
    const res = await get('/api/v1/network/ips/10.60.241.20', member);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect(res.body.error.message).toMatch(
      /10\.60\.241\.20: it is a free pod address of pod range 10\.60\.241\.0\/24 of node node-10-60-25-140/,
    );
    expect(paths(res)).toEqual(['ip']);
  });

  it('answers a member as if free for a pod of another team or outside cite; an admin sees it', async () => {
    for (const ip of ['10.60.240.18', '10.60.240.19']) {
      const hidden = await get(`/api/v1/network/ips/${ip}`, member);
      expect([ip, hidden.status, hidden.body.error.message]).toEqual([
        ip,
        404,
        `no pod you can see holds ${ip}: it is a free pod address of pod range 10.60.240.0/24 of node node-10-60-25-139`,
      ]);
      const seen = await get(`/api/v1/network/ips/${ip}`, h.admin);
      expect([ip, seen.status, seen.body.kind]).toEqual([ip, 200, 'pod']);
    }
    expect((await get('/api/v1/network/ips/10.60.240.18', stranger)).body.pod).toMatchObject({
      service: 'lookup',
    });
  });

  it("answers a node's own address with the node", async () => {
    const res = await get('/api/v1/network/ips/10.60.25.203', member);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ip: '10.60.25.203',
      kind: 'node',
      node: 'node-10-60-25-203',
      podCidr: '10.60.245.0/24',
    });
  });

  it.each(['999.1.1.1', 'abc', '8.8.8.8', '10.60.1.1', '10.60.240.017'])(
    'is 400 at ip for %s (not an IPv4 address, or outside the pool)',
    async (ip) => {
      const res = await get(`/api/v1/network/ips/${ip}`, member);
      expect([res.status, res.body.error.code, paths(res)]).toEqual([400, 'invalid_input', ['ip']]);
    },
  );

  it('reads a stored pool instead of the seed', async () => {
    await h.store.networkPool.create({
      supernets: ['10.70.0.0/16'],
      ranges: ['10.70.1.0/24'],
      nodes: [{ name: 'solo', address: '10.70.0.10' }],
    });
    try {
      expect((await get('/api/v1/network/ips/10.70.1.9', member)).body.error.message).toMatch(
        /pod range 10\.70\.1\.0\/24 of node solo/,
      );
      expect((await get('/api/v1/network/ips/10.60.241.20', member)).status).toBe(400);
      const network = await get('/api/v1/network', member);
      expect(network.body.pool.source).toBe('etcd');
      expect(network.body.nodes.map((node: { name: string }) => node.name)).toEqual([
        'solo',
        'node-10-60-25-139',
        'node-10-60-25-140',
      ]);
    } finally {
      await h.store.networkPool.records.delete('pool');
    }
  });
});
