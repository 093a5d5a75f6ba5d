import { pod, service } from '../testing/fixtures';
import type { Endpoints } from '../kit/wire';
import { desiredEndpoints, endpointSubsets, findPort, reconcileEndpoints } from './reconcile-endpoints';

const ready = (name: string, ip: string) => pod({ name, ip, node: 'n1', ready: true });
const unready = (name: string, ip: string) => pod({ name, ip, node: 'n1', ready: false });

describe('endpointSubsets', () => {
  it('puts ready pods in addresses and the others in notReadyAddresses, ports mapped by name', () => {
    const subsets = endpointSubsets(service(), [
      ready('b', '10.0.0.12'),
      ready('a', '10.0.0.2'),
      unready('c', '10.0.0.3'),
    ]);
    expect(subsets).toEqual([
      {
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        addresses: [
          {
            ip: '10.0.0.2',
            nodeName: 'n1',
            targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'a-uid' },
          },
          {
            ip: '10.0.0.12',
            nodeName: 'n1',
            targetRef: { kind: 'Pod', namespace: 'ns', name: 'b', uid: 'b-uid' },
          },
        ],
        notReadyAddresses: [
          {
            ip: '10.0.0.3',
            nodeName: 'n1',
            targetRef: { kind: 'Pod', namespace: 'ns', name: 'c', uid: 'c-uid' },
          },
        ],
      },
    ]);
  });

  it('leaves out pods without an IP, terminating, finished or not selected', () => {
    const other = ready('other', '10.0.0.9');
    other.metadata!.labels = { app: 'db' };
    const pods = [
      pod({ name: 'noip', node: 'n1', ready: true }),
      pod({ name: 'going', ip: '10.0.0.4', ready: true, deleting: true }),
      pod({ name: 'done', ip: '10.0.0.5', phase: 'Succeeded' }),
      other,
    ];
    expect(endpointSubsets(service(), pods)).toEqual([]);
  });

  it('lists everyone as ready with publishNotReadyAddresses', () => {
    const subsets = endpointSubsets(service({ publishNotReadyAddresses: true }), [unready('c', '10.0.0.3')]);
    expect(subsets[0]?.addresses?.map((a) => a.ip)).toEqual(['10.0.0.3']);
    expect(subsets[0]?.notReadyAddresses).toBeUndefined();
  });

  it('maps numeric target ports, and groups pods by the ports they resolve', () => {
    const svc = service({
      ports: [
        { name: 'http', port: 80, targetPort: 'http' },
        { name: 'metrics', port: 9090, targetPort: 9090 },
      ],
    });
    const noNamedPort = ready('plain', '10.0.0.7');
    noNamedPort.spec!.containers[0]!.ports = [];
    const subsets = endpointSubsets(svc, [ready('a', '10.0.0.2'), noNamedPort]);
    expect(subsets.map((s) => [s.ports?.map((p) => p.port), s.addresses?.map((a) => a.ip)])).toEqual([
      [[8080, 9090], ['10.0.0.2']],
      [[9090], ['10.0.0.7']],
    ]);
  });

  it('resolves ports the way podutil.FindPort does', () => {
    const p = ready('a', '10.0.0.2');
    expect(findPort(p, { port: 80, targetPort: 'http' })).toBe(8080);
    expect(findPort(p, { port: 80, targetPort: 'nope' })).toBeUndefined();
    expect(findPort(p, { port: 80 })).toBe(80);
    expect(findPort(p, { port: 80, targetPort: 'http', protocol: 'UDP' })).toBeUndefined();
  });
});

describe('reconcileEndpoints', () => {
  const svc = service();
  const pods = [ready('a', '10.0.0.2')];

  it('creates, updates only on change, and deletes with the Service', () => {
    const [create] = reconcileEndpoints(svc, undefined, pods);
    expect(create).toMatchObject({
      type: 'create',
      endpoints: { metadata: { name: 'web', namespace: 'ns', labels: { app: 'web' } } },
    });
    const existing: Endpoints = {
      ...desiredEndpoints(svc, pods),
      metadata: { name: 'web', namespace: 'ns', resourceVersion: '3', labels: { app: 'web' } },
    };
    expect(reconcileEndpoints(svc, existing, pods)).toEqual([]);
    const [update] = reconcileEndpoints(svc, existing, [...pods, ready('b', '10.0.0.3')]);
    expect(update).toMatchObject({ type: 'update', endpoints: { metadata: { resourceVersion: '3' } } });
    expect(reconcileEndpoints(undefined, existing, [])).toEqual([
      { type: 'delete', name: 'web', namespace: 'ns' },
    ]);
  });

  it('leaves the Endpoints of a Service without a selector alone', () => {
    expect(reconcileEndpoints(service({ selector: {} }), undefined, pods)).toEqual([]);
  });
});
