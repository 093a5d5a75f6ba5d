import type { Principal } from '@cite/auth';
import { CorruptValueError, InputError, NotFoundError } from '@cite/errors';
import { DEFAULT_POOL, validatePool } from '@cite/ip-pool';
import type { IpRecord, NodeUsageRecord, Service } from '@cite/model';
import { exampleIpPool, exampleLbEndpoints, exampleService } from '@cite/model/testing';
import { endpointsView, ipView, lookupAddress, mayRead, networkView, poolOf } from './network-view';

// node-139 owns 10.60.240.0/24, node-140 10.60.241.0/24; 10.60.242.0/24 is spare.
const pool = validatePool(exampleIpPool({ ranges: ['10.60.240.0/24', '10.60.241.0/24', '10.60.242.0/24'] }));

const usage = (node: string, used: number, extra: Partial<NodeUsageRecord> = {}): NodeUsageRecord => ({
  node,
  capacity: 253,
  used,
  ready: true,
  updatedAt: '2024-05-01T12:00:00Z',
  ...extra,
});

const member: Principal = { actor: 'token:m', tokenId: 'm', name: 'm', role: 'member', teams: ['payments'] };
const admin: Principal = { actor: 'token:a', tokenId: 'a', name: 'a', role: 'admin', teams: [] };

describe('networkView', () => {
  it('shows each node of the pool with its reported use, and totals over the nodes', () => {
    const view = networkView(
      pool,
      [usage('node-139', 100, { podCidr: '10.60.240.0/24', address: '10.60.25.139' })],
      'etcd',
    );
    expect(view.pool).toEqual({
      source: 'etcd',
      supernets: ['10.60.240.0/20'],
      ranges: [
        { range: '10.60.240.0/24', node: 'node-139', addresses: 256, capacity: 253 },
        { range: '10.60.241.0/24', node: 'node-140', addresses: 256, capacity: 253 },
        { range: '10.60.242.0/24', node: null, addresses: 256, capacity: 253 },
      ],
      spareRanges: ['10.60.242.0/24'],
    });
    expect(view.nodes).toEqual([
      {
        name: 'node-139',
        address: '10.60.25.139',
        podCidr: '10.60.240.0/24',
        inPool: true,
        reported: true,
        ready: true,
        capacity: 253,
        used: 100,
        free: 153,
        usedPercent: 39.5,
        updatedAt: '2024-05-01T12:00:00Z',
      },
      {
        name: 'node-140',
        address: '10.60.25.140',
        podCidr: '10.60.241.0/24',
        inPool: true,
        reported: false,
        ready: null,
        capacity: 253,
        used: null,
        free: null,
        usedPercent: null,
        updatedAt: null,
      },
    ]);
    expect(view.totals).toEqual({
      addresses: 768,
      capacity: 759,
      assigned: 506,
      spare: 253,
      used: 100,
      free: 406,
      usedPercent: 19.8,
    });
    expect(view.warnings).toEqual([]);
  });

  it.each<[string, boolean, number]>([
    ['203 of 253 (80.2 %)', true, 203],
    ['202 of 253 (79.8 %)', false, 202],
    ['all 253', true, 253],
    ['none', false, 0],
  ])('warns about a node above 80 %% use: %s → %s', (_case, warned, used) => {
    const view = networkView(pool, [usage('node-140', used)], 'etcd');
    const warnings = view.warnings.filter((warning) => warning.kind === 'usage');
    expect(warnings.map((warning) => warning.node)).toEqual(warned ? ['node-140'] : []);
    if (warned) expect(warnings[0]!.message).toMatch(new RegExp(`uses ${used} of 253 pod addresses`));
  });

  it('is exactly 80 % that does not warn: above means above', () => {
    const view = networkView(pool, [usage('node-139', 8, { capacity: 10 })], 'etcd');
    expect(view.nodes[0]!.usedPercent).toBe(80);
    expect(view.warnings).toEqual([]);
  });

  it("warns about a node whose pod range is not the pool's, and one the pool does not know", () => {
    const view = networkView(
      pool,
      [
        usage('node-139', 1, { podCidr: '10.60.249.0/24' }),
        usage('node-zz', 250, { podCidr: '10.61.0.0/24', address: '10.61.0.1' }),
        usage('node-aa', 1),
      ],
      'default',
    );
    expect(view.nodes.map((node) => [node.name, node.inPool])).toEqual([
      ['node-139', true],
      ['node-140', true],
      ['node-aa', false],
      ['node-zz', false],
    ]);
    expect(view.nodes[0]).toMatchObject({ podCidr: '10.60.240.0/24', reportedPodCidr: '10.60.249.0/24' });
    expect(view.nodes[3]).toMatchObject({ address: '10.61.0.1', podCidr: '10.61.0.0/24', used: 250 });
    expect(view.warnings.map((warning) => [warning.node, warning.kind])).toEqual([
      ['node-139', 'pod-cidr'],
      ['node-aa', 'not-in-pool'],
      ['node-zz', 'not-in-pool'],
      ['node-zz', 'usage'],
    ]);
    // Nodes outside the pool are shown, not counted in the pool's totals.
    expect(view.totals.used).toBe(1);
  });
});

describe('poolOf', () => {
  it("is the seed's pool when none is stored", () => {
    const { pool: seed, source } = poolOf(null);
    expect(source).toBe('default');
    expect(seed.spec).toEqual(DEFAULT_POOL);
  });

  it('is a 500 (corrupt value), not a 400, for a stored pool that breaks the rules', () => {
    const broken = exampleIpPool({ ranges: ['10.60.240.0/24', '10.60.240.0/25'] });
    expect(() => poolOf(broken)).toThrow(CorruptValueError);
  });
});

describe('ipView', () => {
  const record: IpRecord = {
    ip: '10.60.240.17',
    pod: 'web-7d9f8-abcde',
    namespace: 'cite-payments',
    node: 'node-139',
    service: 'web',
    updatedAt: '2024-05-01T12:00:00Z',
  };

  it('names the pod that holds an address, and its range', () => {
    expect(ipView(pool, '10.60.240.17', record)).toEqual({
      ip: '10.60.240.17',
      kind: 'pod',
      pod: record,
      range: '10.60.240.0/24',
      rangeNode: 'node-139',
    });
  });

  it("answers a node's own address with the node", () => {
    expect(ipView(pool, '10.60.25.140', null)).toEqual({
      ip: '10.60.25.140',
      kind: 'node',
      node: 'node-140',
      podCidr: '10.60.241.0/24',
    });
  });

  it.each<[string, string, RegExp]>([
    [
      'a free pod address',
      '10.60.241.9',
      /free pod address of pod range 10\.60\.241\.0\/24 of node node-140/,
    ],
    ['a gateway', '10.60.240.1', /the gateway address of pod range 10\.60\.240\.0\/24 of node node-139/],
    ['a spare range', '10.60.242.7', /spare pod range 10\.60\.242\.0\/24 \(no node owns it\)/],
  ])('is 404 at ip for %s of the pool, naming its range and node', (_case, ip, message) => {
    let error: unknown;
    try {
      ipView(pool, ip, null);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toMatch(message);
    expect((error as NotFoundError).details).toEqual([
      { path: 'ip', message: expect.stringMatching(message) },
    ]);
  });

  it.each(['999.1.1.1', 'abc', '10.60.240', '010.60.240.1', ' 10.60.240.1', '8.8.8.8', '10.60.243.1'])(
    'is 400 at ip for %j (not an address, or outside the pool)',
    (text) => {
      let error: unknown;
      try {
        ipView(pool, text, null);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).details.map((detail) => detail.path)).toEqual(['ip']);
    },
  );

  it('names the pod holding an address outside the pool when the watcher recorded one', () => {
    const outside = { ...record, ip: '10.99.0.5' };
    expect(ipView(pool, '10.99.0.5', outside)).toMatchObject({ kind: 'pod', range: null, rangeNode: null });
  });

  it('reads addresses strictly before anything is looked up', () => {
    expect(lookupAddress('10.60.240.17')).toBe('10.60.240.17');
    expect(() => lookupAddress('10.60.240.017')).toThrow(InputError);
  });
});

describe('mayRead', () => {
  const web = exampleService({ name: 'web', team: 'payments' });
  const record = { service: 'web', namespace: 'cite-payments' };

  type Case = [string, boolean, Principal, { service?: string; namespace: string }, Service | null];
  it.each<Case>([
    ['a member, a service of their team', true, member, record, web],
    ['a member, another team', false, { ...member, teams: ['search'] }, record, web],
    ['a member, no cite service (an outside Ingress)', false, member, { namespace: 'cite-payments' }, null],
    ['a member, a service that is gone', false, member, record, null],
    ['a member, a record outside the team namespace', false, member, { ...record, namespace: 'x' }, web],
    ['a member, the owner read is another service', false, member, record, { ...web, name: 'api' }],
    ['an admin, anything', true, admin, { namespace: 'ingress' }, null],
  ])('%s → %s', (_case, allowed, principal, subject, owner) => {
    expect(mayRead(principal, subject, owner)).toBe(allowed);
  });
});

describe('endpointsView', () => {
  const service = exampleService({ name: 'payments-api', team: 'payments', port: 8080 });

  it('is the recorded endpoints', () => {
    const record = exampleLbEndpoints();
    expect(endpointsView(service, record)).toEqual({
      namespace: 'cite-payments',
      service: 'payments-api',
      port: 8080,
      endpoints: record.endpoints,
      updatedAt: record.updatedAt,
    });
  });

  it('is an empty list on the service port before the watcher saw the service', () => {
    expect(endpointsView(service, null)).toEqual({
      namespace: 'cite-payments',
      service: 'payments-api',
      port: 8080,
      endpoints: [],
      updatedAt: null,
    });
  });
});
