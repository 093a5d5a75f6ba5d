import { pod, service } from '../testing/fixtures';
import {
  MANAGED_BY,
  MANAGED_BY_LABEL,
  SERVICE_NAME_LABEL,
  desiredEndpointSlices,
  reconcileEndpointSlices,
} from './reconcile-endpoint-slices';

const ready = (name: string, ip: string) => pod({ name, ip, node: 'n1', ready: true });
const unready = (name: string, ip: string) => pod({ name, ip, node: 'n1', ready: false });

describe('desiredEndpointSlices', () => {
  it('lists every endpoint with its conditions, labelled for the Service and owned by it', () => {
    const [slice, ...rest] = desiredEndpointSlices(service(), [
      ready('a', '10.0.0.2'),
      unready('b', '10.0.0.3'),
    ]);
    expect(rest).toEqual([]);
    expect(slice).toMatchObject({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      addressType: 'IPv4',
      metadata: {
        name: expect.stringMatching(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/),
        namespace: 'ns',
        labels: { app: 'web', [SERVICE_NAME_LABEL]: 'web', [MANAGED_BY_LABEL]: MANAGED_BY },
        ownerReferences: [{ kind: 'Service', name: 'web', uid: 'svc-uid', controller: true }],
      },
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
    expect(slice?.endpoints).toEqual([
      {
        addresses: ['10.0.0.2'],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: 'n1',
        targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'a-uid' },
      },
      {
        addresses: ['10.0.0.3'],
        conditions: { ready: false, serving: false, terminating: false },
        nodeName: 'n1',
        targetRef: { kind: 'Pod', namespace: 'ns', name: 'b', uid: 'b-uid' },
      },
    ]);
  });

  it('names an unnamed port "" (kubectl describe dereferences port names)', () => {
    const [slice] = desiredEndpointSlices(service({ ports: [{ port: 80, targetPort: 8080 }] }), [
      ready('a', '10.0.0.2'),
    ]);
    expect(slice?.ports).toEqual([{ name: '', port: 8080, protocol: 'TCP' }]);
  });

  it('keeps one empty placeholder slice while the Service has no endpoints', () => {
    const slices = desiredEndpointSlices(service(), []);
    expect(slices).toHaveLength(1);
    expect(slices[0]?.endpoints).toEqual([]);
    expect(slices[0]?.ports).toBeUndefined();
  });
});

describe('reconcileEndpointSlices', () => {
  const pods = [ready('a', '10.0.0.2')];

  it('creates the slices, then does nothing while they match', () => {
    const actions = reconcileEndpointSlices(service(), [], pods);
    expect(actions.map((action) => action.type)).toEqual(['create']);
    const created = actions[0]!.type === 'create' ? actions[0]!.slice : undefined;
    const stored = { ...created!, metadata: { ...created!.metadata, resourceVersion: '7' } };
    expect(reconcileEndpointSlices(service(), [stored], pods)).toEqual([]);
  });

  it('updates a slice whose endpoints changed, keeping its resourceVersion, and deletes stale ones', () => {
    const [current] = desiredEndpointSlices(service(), pods);
    const observed = [
      { ...current!, metadata: { ...current!.metadata, resourceVersion: '7' } },
      { ...current!, metadata: { ...current!.metadata, name: 'web-stale' } },
    ];
    const actions = reconcileEndpointSlices(service(), observed, [...pods, ready('b', '10.0.0.3')]);
    expect(actions).toEqual([
      {
        type: 'update',
        slice: expect.objectContaining({ metadata: expect.objectContaining({ resourceVersion: '7' }) }),
      },
      { type: 'delete', name: 'web-stale', namespace: 'ns' },
    ]);
  });

  it('deletes every slice of a Service that is gone or has no selector', () => {
    const [current] = desiredEndpointSlices(service(), pods);
    expect(reconcileEndpointSlices(undefined, [current!], pods)).toEqual([
      { type: 'delete', name: current!.metadata!.name, namespace: 'ns' },
    ]);
    expect(reconcileEndpointSlices(service({ selector: {} }), [current!], pods)).toHaveLength(1);
  });
});
