import { LbEndpointsSchema } from '@cite/model';
import type {
  V1Endpoint,
  V1EndpointSlice,
  V1Endpoints,
  V1EndpointSubset,
  V1Service,
  V1ServicePort,
} from '@kubernetes/client-node';
import { lbRecordFor } from './lb';

const NOW = new Date('2024-05-01T12:00:00.000Z');
const CITE = { 'app.kubernetes.io/managed-by': 'cite', 'app.kubernetes.io/name': 'web' };

function service(
  ports: V1ServicePort[] = [{ name: 'http', port: 80 }],
  labels = CITE,
  name = 'web',
): V1Service {
  return { metadata: { name, namespace: 'cite-shop', labels }, spec: { ports } };
}

/** An endpoint of pod `pod` on node `n1`; `ready` as given (undefined: the condition is not set). */
function endpoint(ip: string, ready?: boolean, pod = `pod-${ip.split('.').at(-1)}`): V1Endpoint {
  return {
    addresses: [ip],
    ...(ready !== undefined ? { conditions: { ready } } : {}),
    nodeName: 'n1',
    targetRef: { kind: 'Pod', name: pod },
  };
}

function slice(
  endpoints: V1Endpoint[],
  ports: { name?: string; port?: number }[] = [{ name: 'http', port: 8080 }],
  addressType = 'IPv4',
): V1EndpointSlice {
  return { addressType, endpoints, ports };
}

function legacy(...subsets: V1EndpointSubset[]): V1Endpoints {
  return { metadata: { name: 'web', namespace: 'cite-shop' }, subsets };
}

/** The record's endpoints as `ip:port`, after checking the record against its schema. */
function addresses(
  svc: V1Service,
  slices: V1EndpointSlice[],
  endpoints: V1Endpoints | null = null,
): string[] | null {
  const record = lbRecordFor(svc, slices, endpoints, NOW);
  if (record === null) return null;
  expect(LbEndpointsSchema.parse(record)).toEqual(record);
  return record.endpoints.map((entry) => `${entry.ip}:${entry.port}`);
}

describe('lbRecordFor', () => {
  it('records the ready endpoints of a cite Service with their node and pod', () => {
    const record = lbRecordFor(
      service(),
      [slice([endpoint('10.0.0.2', true), endpoint('10.0.0.3', false)])],
      null,
      NOW,
    );
    expect(record).toEqual({
      namespace: 'cite-shop',
      service: 'web',
      port: 80,
      endpoints: [{ ip: '10.0.0.2', port: 8080, node: 'n1', pod: 'pod-2' }],
      updatedAt: NOW.toISOString(),
    });
    expect(LbEndpointsSchema.parse(record)).toEqual(record);
  });

  it.each([
    ['ready: true', endpoint('10.0.0.1', true), ['10.0.0.1:8080']],
    ['ready: false (not ready, or terminating)', endpoint('10.0.0.1', false), []],
    ['ready not set: read as ready', endpoint('10.0.0.1'), ['10.0.0.1:8080']],
    ['conditions {} : read as ready', { ...endpoint('10.0.0.1'), conditions: {} }, ['10.0.0.1:8080']],
    [
      'terminating but still serving: not ready, left out',
      { ...endpoint('10.0.0.1'), conditions: { ready: false, serving: true, terminating: true } },
      [],
    ],
  ])('an endpoint with %s', (_name, entry, expected) => {
    expect(addresses(service(), [slice([entry])])).toEqual(expected);
  });

  it("takes the port named as the Service's first port, in every slice", () => {
    const ports = [
      { name: 'metrics', port: 9090 },
      { name: 'http', port: 8080 },
    ];
    const svc = service([
      { name: 'http', port: 80 },
      { name: 'metrics', port: 9090 },
    ]);
    expect(
      addresses(svc, [
        slice([endpoint('10.0.0.1')], ports),
        slice([endpoint('10.0.0.2')], [{ name: 'grpc', port: 7070 }]),
      ]),
    ).toEqual(['10.0.0.1:8080']);
    expect(lbRecordFor(svc, [], null, NOW)?.port).toBe(80);
  });

  it.each([
    ['named ""', { name: '', port: 8080 }],
    ['without a name', { port: 8080 }],
  ])('matches an unnamed single Service port to a slice port %s', (_name, port) => {
    expect(addresses(service([{ port: 80 }]), [slice([endpoint('10.0.0.1')], [port])])).toEqual([
      '10.0.0.1:8080',
    ]);
  });

  it('an unnamed Service port does not take a named slice port', () => {
    expect(addresses(service([{ port: 80 }]), [slice([endpoint('10.0.0.1')])])).toEqual([]);
  });

  it('leaves out IPv6 slices and slice ports without a number', () => {
    const v6 = slice([{ addresses: ['fd00::1'] }], [{ name: 'http', port: 8080 }], 'IPv6');
    const portless = slice([endpoint('10.0.0.2')], [{ name: 'http' }]);
    expect(addresses(service(), [v6, portless, slice([endpoint('10.0.0.1')])])).toEqual(['10.0.0.1:8080']);
  });

  it('orders by numeric ip then port, and removes duplicates', () => {
    const slices = [
      slice([endpoint('10.0.0.10'), endpoint('10.0.0.9')]),
      slice([endpoint('9.255.255.255'), endpoint('10.0.0.9')]),
      slice([endpoint('10.0.0.9'), endpoint('10.0.1.0')], [{ name: 'http', port: 80 }]),
    ];
    expect(addresses(service(), slices)).toEqual([
      '9.255.255.255:8080',
      '10.0.0.9:80',
      '10.0.0.9:8080',
      '10.0.0.10:8080',
      '10.0.1.0:80',
    ]);
  });

  it('an endpoint with several addresses gives one entry per address', () => {
    const entry: V1Endpoint = { addresses: ['10.0.0.2', '10.0.0.1'] };
    expect(lbRecordFor(service(), [slice([entry])], null, NOW)?.endpoints).toEqual([
      { ip: '10.0.0.1', port: 8080 },
      { ip: '10.0.0.2', port: 8080 },
    ]);
  });

  it('names the pod only when the target is a Pod', () => {
    const entry: V1Endpoint = { addresses: ['10.0.0.1'], targetRef: { kind: 'Node', name: 'n1' } };
    expect(lbRecordFor(service(), [slice([entry])], null, NOW)?.endpoints).toEqual([
      { ip: '10.0.0.1', port: 8080 },
    ]);
  });

  describe('Endpoints, where the cluster keeps no slices', () => {
    const endpoints = legacy(
      {
        addresses: [
          { ip: '10.0.0.3', nodeName: 'n2', targetRef: { kind: 'Pod', name: 'web-c' } },
          { ip: '10.0.0.1' },
        ],
        notReadyAddresses: [{ ip: '10.0.0.9' }],
        ports: [
          { name: 'http', port: 8080 },
          { name: 'metrics', port: 9090 },
        ],
      },
      { addresses: [{ ip: '10.0.0.2' }], ports: [{ name: 'grpc', port: 7070 }] },
      { addresses: [{ ip: '10.0.0.1' }], ports: [{ name: 'http', port: 8081 }] },
    );

    it('are read when there are no slices: ready addresses only, the named port', () => {
      expect(lbRecordFor(service(), [], endpoints, NOW)?.endpoints).toEqual([
        { ip: '10.0.0.1', port: 8080 },
        { ip: '10.0.0.1', port: 8081 },
        { ip: '10.0.0.3', port: 8080, node: 'n2', pod: 'web-c' },
      ]);
      expect(addresses(service(), [], endpoints)).toHaveLength(3);
    });

    it('are ignored when there is a slice, even one with no ready endpoint', () => {
      expect(addresses(service(), [slice([endpoint('10.0.0.5', false)])], endpoints)).toEqual([]);
      expect(addresses(service(), [slice([endpoint('10.0.0.5')])], endpoints)).toEqual(['10.0.0.5:8080']);
    });

    it('an unnamed port matches an unnamed Service port', () => {
      const unnamed = legacy({ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 8080 }] });
      expect(addresses(service([{ port: 80 }]), [], unnamed)).toEqual(['10.0.0.1:8080']);
    });
  });

  it('no slices and no Endpoints: a record with no endpoints', () => {
    expect(addresses(service(), [], null)).toEqual([]);
  });

  it.each([
    ['not managed by cite', service(undefined, { 'app.kubernetes.io/name': 'web' } as typeof CITE)],
    ['managed by another tool', service(undefined, { ...CITE, 'app.kubernetes.io/managed-by': 'helm' })],
    ['named otherwise than its service label', service(undefined, CITE, 'web-canary')],
    [
      'labelled with an invalid service name',
      service(undefined, { ...CITE, 'app.kubernetes.io/name': 'Web_1' }),
    ],
    ['without ports', service([])],
    ['without a spec', { metadata: { name: 'web', namespace: 'cite-shop', labels: CITE } }],
  ])('a Service %s: no record', (_name, svc) => {
    expect(lbRecordFor(svc, [slice([endpoint('10.0.0.1')])], null, NOW)).toBeNull();
  });
});
