import { AuditEntrySchema } from './audit';
import { DomainSchema } from './domain';
import { IpPoolSchema } from './ip-pool';
import { LbEndpointsSchema } from './lb-endpoints';
import {
  exampleAuditEntry,
  exampleDomain,
  exampleIpPool,
  exampleLbEndpoints,
  exampleToken,
  EXAMPLE_TIME,
} from './testing';
import { TokenSchema } from './token';
import type { z } from 'zod';

const cases: [string, z.ZodType, () => object][] = [
  ['Domain', DomainSchema, () => exampleDomain({ conflict: { with: 'billing-api', since: EXAMPLE_TIME } })],
  ['LbEndpoints', LbEndpointsSchema, () => exampleLbEndpoints()],
  ['IpPool', IpPoolSchema, () => exampleIpPool()],
  ['Token', TokenSchema, () => exampleToken({ expiresAt: EXAMPLE_TIME, lastUsedAt: EXAMPLE_TIME })],
  ['AuditEntry', AuditEntrySchema, () => exampleAuditEntry()],
];

describe.each(cases)('%s', (_name, schema, example) => {
  it('round-trips through JSON unchanged', () => {
    const value = example();
    const parsed = schema.parse(JSON.parse(JSON.stringify(value)));
    expect(parsed).toEqual(value);
    expect(schema.parse(parsed)).toEqual(parsed);
  });
});

function pathsOf(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return (result.error?.issues ?? []).map((issue) => issue.path.join('.'));
}

describe('DomainSchema', () => {
  it.each([
    [{ host: '*.example.com' }, []],
    [{ host: 'Example.com' }, ['host']],
    [{ host: '10.0.0.1' }, ['host']],
    [{ paths: ['api'] }, ['paths.0']],
    [{ targets: [''] }, ['targets.0']],
    [{ namespace: 'cite_payments' }, ['namespace']],
    [{ conflict: { with: 'Billing', since: EXAMPLE_TIME } }, ['conflict.with']],
    [{ conflict: { with: 'billing' } }, ['conflict.since']],
    [{ conflict: { with: 'shop/legacy-ingress', since: EXAMPLE_TIME } }, []],
    [{ service: undefined, ingress: 'shop/legacy-ingress' }, []],
    [{ service: undefined }, ['service']],
    [{ ingress: 'Shop/x' }, ['ingress']],
  ] as [object, string[]][])('%p → %p', (overrides, paths) => {
    expect(pathsOf(DomainSchema, { ...exampleDomain(), ...overrides })).toEqual(paths);
  });
});

describe('LbEndpointsSchema', () => {
  it.each([
    [{ endpoints: [] }, []],
    [{ endpoints: [{ ip: '10.60.240.300', port: 8080 }] }, ['endpoints.0.ip']],
    [{ endpoints: [{ ip: '::1', port: 8080 }] }, ['endpoints.0.ip']],
    [{ endpoints: [{ ip: '10.60.240.3', port: 0 }] }, ['endpoints.0.port']],
    [{ endpoints: [{ ip: '10.60.240.3', port: 80, node: 'Node_1' }] }, ['endpoints.0.node']],
    [{ port: 65536 }, ['port']],
  ] as [object, string[]][])('%p → %p', (overrides, paths) => {
    expect(pathsOf(LbEndpointsSchema, { ...exampleLbEndpoints(), ...overrides })).toEqual(paths);
  });
});

describe('IpPoolSchema', () => {
  it('has exactly the shape the pool rules use', () => {
    const pool: { supernets: string[]; ranges: string[]; nodes: { name: string; address: string }[] } =
      IpPoolSchema.parse(exampleIpPool());
    expect(Object.keys(pool)).toEqual(['supernets', 'ranges', 'nodes']);
  });

  it.each([
    [{ supernets: ['10.60.240.0'] }, ['supernets.0']],
    [{ ranges: ['10.60.240.0/24', '10.60.999.0/24'] }, ['ranges.1']],
    [{ nodes: [{ name: 'node-1', address: '10.60.25.139/32' }] }, ['nodes.0.address']],
    [{ nodes: [{ name: '', address: '10.60.25.139' }] }, ['nodes.0.name']],
    // Semantics (overlap, host bits, membership) are @cite/ip-pool's: these pass here.
    [{ ranges: ['10.60.240.0/24', '10.60.240.0/24', '10.60.240.7/24'] }, []],
  ] as [object, string[]][])('%p → %p', (overrides, paths) => {
    expect(pathsOf(IpPoolSchema, { ...exampleIpPool(), ...overrides })).toEqual(paths);
  });
});

describe('TokenSchema', () => {
  it.each([
    [{ hash: 'A'.repeat(64) }, ['hash']],
    [{ hash: 'a'.repeat(63) }, ['hash']],
    [{ role: 'owner' }, ['role']],
    [{ teams: ['Payments'] }, ['teams.0']],
    [{ role: 'admin', teams: [] }, []],
    [{ id: 'a/b' }, ['id']],
    [{ name: '' }, ['name']],
    [{ expiresAt: 'never' }, ['expiresAt']],
  ] as [object, string[]][])('%p → %p', (overrides, paths) => {
    expect(pathsOf(TokenSchema, { ...exampleToken(), ...overrides })).toEqual(paths);
  });
});

describe('AuditEntrySchema', () => {
  it.each([
    [{ sourceIp: '::ffff:10.1.2.3' }, []],
    [{ sourceIp: 'localhost' }, ['sourceIp']],
    [{ outcome: 'error' }, ['outcome']],
    [{ details: undefined }, []],
    [{ details: 'text' }, ['details']],
    [{ action: '' }, ['action']],
    [{ time: '2024-05-01T12:00:00' }, ['time']],
  ] as [object, string[]][])('%p → %p', (overrides, paths) => {
    expect(pathsOf(AuditEntrySchema, { ...exampleAuditEntry(), ...overrides })).toEqual(paths);
  });
});
