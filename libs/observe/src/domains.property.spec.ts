/**
 * Properties of decideDomain over generated Ingresses, claims and records: few names, services and creation
 * times, so that ties (same time, same service, several Ingresses of one service) come up often.
 */
import { DomainSchema, type Domain } from '@cite/model';
import type { V1Ingress } from '@kubernetes/client-node';
import fc from 'fast-check';
import { decideDomain, type DomainInputs, type ServiceClaim } from './domains';

const HOST = 'shop.example.com';
const NOW = new Date('2024-05-01T13:00:00.000Z');
const VIPS = ['192.0.2.10'];
const SERVICES = ['api', 'web', 'db'] as const;

const at = (minute: number) => new Date(Date.UTC(2024, 4, 1, 12, minute));

const claim = (service: string, minute: number): ServiceClaim => ({
  service,
  namespace: 'cite-shop',
  createdAt: at(minute).toISOString(),
});

const stored = (owner: { service?: string; ingress?: string }): Domain => ({
  host: HOST,
  ...owner,
  namespace: 'cite-shop',
  paths: ['/'],
  targets: VIPS,
  updatedAt: at(0).toISOString(),
});

const refsOf = (ingresses: readonly V1Ingress[]) =>
  ingresses.map((item) => `${item.metadata?.namespace}/${item.metadata?.name}`);

const arbIngress = fc
  .record({
    name: fc.constantFrom('a', 'b', 'c', 'd'),
    namespace: fc.constantFrom('ext', 'cite-shop'),
    service: fc.option(fc.constantFrom(...SERVICES), { nil: undefined }),
    minute: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
    host: fc.constantFrom<string | undefined>(HOST, HOST, 'other.example.com', undefined),
    path: fc.constantFrom('/', '/api', ''),
    ip: fc.option(fc.constantFrom('203.0.113.1', '203.0.113.2'), { nil: undefined }),
    secret: fc.option(fc.constantFrom('s1', 's2'), { nil: undefined }),
  })
  .map((item): V1Ingress => ({
    metadata: {
      name: item.name,
      namespace: item.namespace,
      ...(item.minute !== undefined ? { creationTimestamp: at(item.minute) } : {}),
      ...(item.service
        ? { labels: { 'app.kubernetes.io/managed-by': 'cite', 'app.kubernetes.io/name': item.service } }
        : {}),
    },
    spec: {
      rules: [
        {
          ...(item.host ? { host: item.host } : {}),
          http: { paths: [{ path: item.path, pathType: 'Prefix', backend: {} }] },
        },
      ],
      ...(item.secret ? { tls: [{ hosts: [HOST], secretName: item.secret }] } : {}),
    },
    ...(item.ip ? { status: { loadBalancer: { ingress: [{ ip: item.ip }] } } } : {}),
  }));

const arbInputs = fc.record({
  ingresses: fc.uniqueArray(arbIngress, { selector: (item) => refsOf([item])[0], maxLength: 6 }),
  claims: fc
    .uniqueArray(fc.constantFrom(...SERVICES), { maxLength: 2 })
    .chain((names) =>
      fc.tuple(...names.map((name) => fc.integer({ min: 0, max: 2 }).map((m) => claim(name, m)))),
    ),
  current: fc.option(
    fc.oneof(
      fc.constantFrom(...SERVICES, 'gone').map((service) => stored({ service })),
      fc.constantFrom('ext/a', 'ext/b', 'cite-shop/a').map((ingress) => stored({ ingress })),
    ),
    { nil: null },
  ),
});

function decide(input: Pick<DomainInputs, 'ingresses' | 'claims' | 'current'>) {
  return decideDomain({ host: HOST, vips: VIPS, now: NOW, ...input });
}

describe('decideDomain: properties', () => {
  it('the decision does not depend on the order of the Ingresses or the claims', () => {
    const withShuffled = arbInputs.chain((input) =>
      fc.record({
        input: fc.constant(input),
        ingresses: fc.shuffledSubarray(input.ingresses, { minLength: input.ingresses.length }),
        claims: fc.shuffledSubarray(input.claims, { minLength: input.claims.length }),
      }),
    );
    fc.assert(
      fc.property(withShuffled, ({ input, ingresses, claims }) => {
        expect(decide({ ...input, ingresses, claims })).toEqual(decide(input));
      }),
      { numRuns: 1000 },
    );
  });

  it('every record parses; a claim owns the host if any; conflicting is exactly the non-owner Ingresses for the host', () => {
    fc.assert(
      fc.property(arbInputs, (input) => {
        const { record, conflicting } = decide(input);
        const routing = input.ingresses.filter((item) => item.spec?.rules?.[0]?.host === HOST);
        if (input.claims.length === 0 && routing.length === 0) {
          expect(record).toBeNull();
          expect(conflicting).toEqual([]);
          return;
        }
        expect(DomainSchema.parse(record)).toEqual(record);
        if (input.claims.length > 0) expect(input.claims.map((c) => c.service)).toContain(record?.service);
        const owns = (item: V1Ingress) =>
          record?.service !== undefined
            ? item.metadata?.labels?.['app.kubernetes.io/name'] === record.service
            : refsOf([item])[0] === record?.ingress;
        const expected = routing.filter((item) => !owns(item));
        expect(new Set(refsOf(conflicting))).toEqual(new Set(refsOf(expected)));
        expect(conflicting).toHaveLength(expected.length);
      }),
      { numRuns: 1000 },
    );
  });
});
