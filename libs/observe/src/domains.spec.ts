import { DomainSchema, type Domain } from '@cite/model';
import type { V1Ingress, V1IngressLoadBalancerIngress, V1IngressTLS } from '@kubernetes/client-node';
import { decideDomain, hostsOf, routesHost, type DomainInputs, type ServiceClaim } from './domains';

const HOST = 'shop.example.com';
const NOW = new Date('2024-05-01T13:00:00.000Z');
const VIPS = ['192.0.2.10', '192.0.2.11'];

/** Minute `m` past noon on 2024-05-01. */
const at = (minute: number) => new Date(Date.UTC(2024, 4, 1, 12, minute));
const iso = (minute: number) => at(minute).toISOString();

interface IngressOptions {
  namespace?: string;
  /** Omit for an Ingress without a creation time. */
  created?: Date;
  /** Labels it as cite's Ingress of this service. */
  service?: string;
  labels?: Record<string, string>;
  /** One rule per entry; `undefined` is a rule without a host. */
  hosts?: (string | undefined)[];
  paths?: string[];
  tls?: V1IngressTLS[];
  published?: V1IngressLoadBalancerIngress[];
}

function ingress(name: string, options: IngressOptions = {}): V1Ingress {
  const labels =
    options.labels ??
    (options.service
      ? { 'app.kubernetes.io/managed-by': 'cite', 'app.kubernetes.io/name': options.service }
      : undefined);
  const paths = (options.paths ?? ['/']).map((path) => ({
    path,
    pathType: 'Prefix',
    backend: { service: { name: 'backend', port: { number: 80 } } },
  }));
  return {
    metadata: {
      name,
      namespace: options.namespace ?? (options.service ? 'cite-shop' : 'ext'),
      ...(options.created ? { creationTimestamp: options.created } : {}),
      ...(labels ? { labels } : {}),
    },
    spec: {
      rules: (options.hosts ?? [HOST]).map((host) => ({ ...(host ? { host } : {}), http: { paths } })),
      ...(options.tls ? { tls: options.tls } : {}),
    },
    ...(options.published ? { status: { loadBalancer: { ingress: options.published } } } : {}),
  };
}

const claim = (service: string, minute: number): ServiceClaim => ({
  service,
  namespace: 'cite-shop',
  createdAt: iso(minute),
});

const stored = (owner: { service?: string; ingress?: string }): Domain => ({
  host: HOST,
  ...owner,
  namespace: 'cite-shop',
  paths: ['/'],
  targets: VIPS,
  updatedAt: iso(0),
});

function decide(input: Partial<DomainInputs>) {
  const decision = decideDomain({
    host: HOST,
    ingresses: [],
    claims: [],
    current: null,
    vips: VIPS,
    now: NOW,
    ...input,
  });
  if (decision.record) DomainSchema.parse(decision.record);
  return decision;
}

const refsOf = (ingresses: readonly V1Ingress[]) =>
  ingresses.map((item) => `${item.metadata?.namespace}/${item.metadata?.name}`);

describe('decideDomain: who owns the host', () => {
  const legacy = ingress('legacy', { created: at(0) });
  const webIngress = ingress('web', { service: 'web', created: at(20) });
  const apiIngress = ingress('api', { service: 'api', created: at(5) });

  interface Row {
    claims?: ServiceClaim[];
    ingresses?: V1Ingress[];
    current?: Domain | null;
    owner: { service?: string; ingress?: string };
    conflict?: { with: string; since: string };
    conflicting: string[];
  }

  const rows: [string, Row][] = [
    [
      'a spec claim beats an older Ingress outside cite',
      {
        claims: [claim('web', 30)],
        ingresses: [legacy],
        owner: { service: 'web' },
        conflict: { with: 'ext/legacy', since: iso(0) },
        conflicting: ['ext/legacy'],
      },
    ],
    [
      'a spec claim beats the current owner when that one claims by an Ingress only',
      {
        claims: [claim('web', 30)],
        ingresses: [legacy, apiIngress],
        current: stored({ ingress: 'ext/legacy' }),
        owner: { service: 'web' },
        conflict: { with: 'ext/legacy', since: iso(0) },
        conflicting: ['ext/legacy', 'cite-shop/api'],
      },
    ],
    [
      'of two spec claims, the current owner keeps the host though the other is older',
      {
        claims: [claim('api', 0), claim('web', 10)],
        current: stored({ service: 'web' }),
        owner: { service: 'web' },
        conflict: { with: 'api', since: iso(0) },
        conflicting: [],
      },
    ],
    [
      'of two spec claims and no record, the older',
      {
        claims: [claim('api', 10), claim('web', 3)],
        owner: { service: 'web' },
        conflict: { with: 'api', since: iso(10) },
        conflicting: [],
      },
    ],
    [
      'the current owner (a cite service) keeps the host when an older Ingress appears',
      {
        ingresses: [webIngress, legacy],
        current: stored({ service: 'web' }),
        owner: { service: 'web', ingress: 'cite-shop/web' },
        conflict: { with: 'ext/legacy', since: iso(0) },
        conflicting: ['ext/legacy'],
      },
    ],
    [
      'the current owner (an Ingress outside cite) keeps the host when an older cite Ingress appears',
      {
        ingresses: [ingress('late', { created: at(40) }), apiIngress],
        current: stored({ ingress: 'ext/late' }),
        owner: { ingress: 'ext/late' },
        conflict: { with: 'api', since: iso(5) },
        conflicting: ['cite-shop/api'],
      },
    ],
    [
      'a current owner that no longer claims the host loses it to the oldest Ingress',
      {
        ingresses: [webIngress, apiIngress],
        current: stored({ service: 'gone' }),
        owner: { service: 'api', ingress: 'cite-shop/api' },
        conflict: { with: 'web', since: iso(20) },
        conflicting: ['cite-shop/web'],
      },
    ],
    [
      'with no record, the oldest Ingress, even one outside cite',
      {
        ingresses: [webIngress, apiIngress, legacy],
        owner: { ingress: 'ext/legacy' },
        conflict: { with: 'api', since: iso(5) },
        conflicting: ['cite-shop/api', 'cite-shop/web'],
      },
    ],
    [
      'Ingresses created at the same time: the identity first in order (ext/legacy before web)',
      {
        ingresses: [ingress('web', { service: 'web', created: at(0) }), legacy],
        owner: { ingress: 'ext/legacy' },
        conflict: { with: 'web', since: iso(0) },
        conflicting: ['cite-shop/web'],
      },
    ],
    [
      'two cite services created at the same time: the first name',
      {
        ingresses: [ingress('web', { service: 'web', created: at(5) }), apiIngress],
        owner: { service: 'api', ingress: 'cite-shop/api' },
        conflict: { with: 'web', since: iso(5) },
        conflicting: ['cite-shop/web'],
      },
    ],
    [
      'an Ingress without a creation time counts as the oldest',
      {
        ingresses: [legacy, ingress('undated')],
        owner: { ingress: 'ext/undated' },
        conflict: { with: 'ext/legacy', since: iso(0) },
        conflicting: ['ext/legacy'],
      },
    ],
    [
      "a service's several Ingresses are one claimant, served by the oldest",
      {
        ingresses: [
          ingress('web-b', { service: 'web', created: at(1) }),
          ingress('web-a', { service: 'web', created: at(2) }),
        ],
        owner: { service: 'web', ingress: 'cite-shop/web-b' },
        conflicting: [],
      },
    ],
    [
      'a spec claim is served by its own Ingress, which does not conflict',
      {
        claims: [claim('web', 30)],
        ingresses: [webIngress],
        owner: { service: 'web', ingress: 'cite-shop/web' },
        conflicting: [],
      },
    ],
    [
      'Ingresses for other hosts or without a host are ignored',
      {
        claims: [claim('web', 30)],
        ingresses: [
          ingress('other', { created: at(0), hosts: ['other.example.com'] }),
          ingress('catchall', { created: at(0), hosts: [undefined] }),
        ],
        owner: { service: 'web' },
        conflicting: [],
      },
    ],
  ];

  it.each(rows)('%s', (_name, row) => {
    const { record, conflicting } = decide({
      claims: row.claims ?? [],
      ingresses: row.ingresses ?? [],
      current: row.current ?? null,
    });
    expect(record).not.toBeNull();
    expect({ service: record?.service, ingress: record?.ingress }).toEqual({
      service: row.owner.service,
      ingress: row.owner.ingress,
    });
    expect(record?.conflict).toEqual(row.conflict);
    expect(refsOf(conflicting)).toEqual(row.conflicting);
  });

  it('compares creation times as instants, whatever zone a claim was written in', () => {
    // 14:00+02:00 is 12:00Z, before 12:30Z, though its text sorts after.
    const { record } = decide({
      claims: [
        { service: 'web', namespace: 'cite-shop', createdAt: '2024-05-01T12:30:00Z' },
        { service: 'api', namespace: 'cite-shop', createdAt: '2024-05-01T14:00:00+02:00' },
      ],
    });
    expect(record?.service).toBe('api');
    expect(record?.conflict).toEqual({ with: 'web', since: '2024-05-01T12:30:00.000Z' });
  });

  it('takes creation times given as text as well as Dates', () => {
    const textual = ingress('legacy');
    (textual.metadata as { creationTimestamp?: unknown }).creationTimestamp = '2024-05-01T12:00:00Z';
    const { record } = decide({ ingresses: [ingress('web', { service: 'web', created: at(1) }), textual] });
    expect(record?.ingress).toBe('ext/legacy');
    expect(record?.conflict).toEqual({ with: 'web', since: iso(1) });
  });
});

describe('decideDomain: identity of an Ingress', () => {
  it.each([
    [
      'labelled for a cite service: the service',
      { 'app.kubernetes.io/managed-by': 'cite', 'app.kubernetes.io/name': 'web' },
      { service: 'web', ingress: 'team/edge' },
    ],
    [
      'managed by another tool: namespace/name',
      { 'app.kubernetes.io/managed-by': 'helm', 'app.kubernetes.io/name': 'web' },
      { ingress: 'team/edge' },
    ],
    [
      "cite's label without a valid service name: namespace/name",
      { 'app.kubernetes.io/managed-by': 'cite', 'app.kubernetes.io/name': 'Web_1' },
      { ingress: 'team/edge' },
    ],
    [
      'cite-managed without a name label: namespace/name',
      { 'app.kubernetes.io/managed-by': 'cite' },
      { ingress: 'team/edge' },
    ],
    ['unlabelled: namespace/name', {}, { ingress: 'team/edge' }],
  ])('%s', (_name, labels, owner) => {
    const { record } = decide({
      ingresses: [ingress('edge', { namespace: 'team', created: at(0), labels })],
    });
    expect(record).toMatchObject({ ...owner, namespace: 'team' });
    if (!('service' in owner)) expect(record?.service).toBeUndefined();
  });

  it('records the rival by the same identity: a cite service by name, another Ingress by namespace/name', () => {
    const asRival = (rival: V1Ingress) =>
      decide({ claims: [claim('web', 30)], ingresses: [rival] }).record?.conflict?.with;
    expect(asRival(ingress('api', { service: 'api', created: at(0) }))).toBe('api');
    expect(asRival(ingress('api', { namespace: 'team', created: at(0) }))).toBe('team/api');
  });
});

describe('decideDomain: the record', () => {
  it('nobody claims the host: no record and no conflict', () => {
    expect(decide({})).toEqual({ record: null, conflicting: [] });
    expect(decide({ current: stored({ service: 'web' }) })).toEqual({ record: null, conflicting: [] });
    expect(decide({ ingresses: [ingress('catchall', { hosts: [undefined] })] })).toEqual({
      record: null,
      conflicting: [],
    });
  });

  it('a claim without an Ingress: the claim namespace, "/" and the VIPs', () => {
    expect(
      decide({ claims: [{ service: 'web', namespace: 'cite-team', createdAt: iso(0) }] }).record,
    ).toEqual({
      host: HOST,
      service: 'web',
      namespace: 'cite-team',
      paths: ['/'],
      targets: VIPS,
      updatedAt: NOW.toISOString(),
    });
  });

  it("the serving Ingress's namespace, paths, TLS and published addresses", () => {
    const served = ingress('web', {
      service: 'web',
      namespace: 'cite-other',
      created: at(0),
      hosts: [HOST, 'other.example.com', HOST],
      paths: ['/api', '', '/', 'relative', '/with space'],
      tls: [
        { hosts: ['other.example.com'], secretName: 'other-tls' },
        { hosts: [HOST], secretName: 'shop-tls' },
      ],
      published: [{ ip: '203.0.113.5' }, { hostname: 'lb.example.net' }, {}],
    });
    expect(decide({ claims: [claim('web', 10)], ingresses: [served] }).record).toEqual({
      host: HOST,
      service: 'web',
      namespace: 'cite-other',
      ingress: 'cite-other/web',
      paths: ['/', '/api'],
      tls: { secretName: 'shop-tls' },
      targets: ['203.0.113.5', 'lb.example.net'],
      updatedAt: NOW.toISOString(),
    });
  });

  it.each([
    ['TLS for other hosts only: no tls', [{ hosts: ['other.example.com'], secretName: 'x' }], undefined],
    ['TLS without a Secret: tls {}', [{ hosts: [HOST] }], {}],
    ['no TLS section: no tls', undefined, undefined],
  ])('%s', (_name, tls, expected) => {
    const { record } = decide({ ingresses: [ingress('edge', { created: at(0), ...(tls ? { tls } : {}) })] });
    expect(record?.tls).toEqual(expected);
    expect('tls' in (record ?? {})).toBe(expected !== undefined);
  });

  it.each([
    ['no status', undefined, VIPS],
    ['an empty status', [], VIPS],
    ['entries without an address', [{}], VIPS],
    ['an ip', [{ ip: '203.0.113.5' }], ['203.0.113.5']],
    ['a hostname', [{ hostname: 'lb.example.net' }], ['lb.example.net']],
    ['both in one entry: the ip', [{ ip: '203.0.113.5', hostname: 'lb.example.net' }], ['203.0.113.5']],
  ])('targets from %s', (_name, published, targets) => {
    const { record } = decide({
      ingresses: [ingress('edge', { created: at(0), ...(published ? { published } : {}) })],
    });
    expect(record?.targets).toEqual(targets);
  });

  it('an Ingress rule without paths routes "/"', () => {
    const bare: V1Ingress = {
      metadata: { name: 'bare', namespace: 'ext' },
      spec: { rules: [{ host: HOST }] },
    };
    expect(decide({ ingresses: [bare] }).record?.paths).toEqual(['/']);
  });
});

describe('routesHost and hostsOf', () => {
  const edge = ingress('edge', { hosts: ['b.example.com', undefined, 'a.example.com', 'b.example.com'] });

  it('a rule routes its own host only; a rule without a host claims none', () => {
    expect(routesHost(edge, 'a.example.com')).toBe(true);
    expect(routesHost(edge, HOST)).toBe(false);
    expect(routesHost({ metadata: { name: 'empty' } }, HOST)).toBe(false);
    expect(hostsOf(edge)).toEqual(['b.example.com', 'a.example.com']);
    expect(hostsOf(ingress('catchall', { hosts: [undefined] }))).toEqual([]);
  });
});
