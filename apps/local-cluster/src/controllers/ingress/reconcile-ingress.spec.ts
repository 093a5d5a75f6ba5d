import {
  DEFAULT_INGRESS_VIPS,
  type Ingress,
  ingressVipsProblem,
  reconcileIngress,
} from './reconcile-ingress';

const VIPS = ['10.60.25.250', '10.60.25.251'];

function ingress(status?: Ingress['status'], extra: Partial<Ingress['metadata']> = {}): Ingress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'shop', uid: 'ing-1', resourceVersion: '7', ...extra },
    spec: {
      ingressClassName: 'nginx',
      rules: [{ host: 'shop.example.com', http: { paths: [] } }],
    },
    ...(status ? { status } : {}),
  };
}

const published = (ips: string[]): Ingress['status'] => ({
  loadBalancer: { ingress: ips.map((ip) => ({ ip })) },
});

describe('reconcileIngress', () => {
  it.each([
    ['no status', undefined],
    ['an empty loadBalancer (as created)', { loadBalancer: {} }],
    ['other addresses', published(['10.0.0.1'])],
    ['the VIPs in another order', published([...VIPS].reverse())],
    ['one VIP of two', published([VIPS[0]!])],
    [
      'a hostname entry besides the VIPs',
      { loadBalancer: { ingress: [{ ip: VIPS[0] }, { hostname: 'lb' }] } },
    ],
    ['the VIPs with ports', { loadBalancer: { ingress: VIPS.map((ip) => ({ ip, ports: [{ port: 80 }] })) } }],
  ])('patches the status subresource with the VIPs in order over %s', (_, status) => {
    expect(reconcileIngress(ingress(status as Ingress['status']), VIPS)).toEqual([
      {
        type: 'patchStatus',
        namespace: 'shop',
        name: 'web',
        patch: { status: { loadBalancer: { ingress: [{ ip: '10.60.25.250' }, { ip: '10.60.25.251' }] } } },
      },
    ]);
  });

  it('writes nothing when the status already lists the VIPs in order', () => {
    expect(reconcileIngress(ingress(published(VIPS)), VIPS)).toEqual([]);
  });

  it('writes nothing for an Ingress that is gone or being deleted', () => {
    expect(reconcileIngress(undefined, VIPS)).toEqual([]);
    expect(reconcileIngress(ingress(undefined, { deletionTimestamp: '2025-01-01T00:00:00Z' }), VIPS)).toEqual(
      [],
    );
  });

  it('ignores the ingress class: an Ingress of any class, or of none, gets the VIPs', () => {
    const classless = ingress();
    delete classless.spec!.ingressClassName;
    expect(reconcileIngress(classless, VIPS)).toHaveLength(1);
  });
});

describe('ingressVipsProblem', () => {
  it('accepts the default and any list of distinct IPv4 addresses', () => {
    expect(ingressVipsProblem(DEFAULT_INGRESS_VIPS)).toBeUndefined();
    expect(ingressVipsProblem(VIPS)).toBeUndefined();
  });

  it.each([
    [[], /at least one/],
    [['10.60.25.256'], /not a valid IPv4 address: "10\.60\.25\.256"/],
    [['10.60.25.0/24'], /not a valid IPv4 address/],
    [['lb.example.com'], /not a valid IPv4 address/],
    [[' 10.0.0.1'], /not a valid IPv4 address/],
    [[42], /expected a string/],
    [['10.0.0.1', '10.0.0.1'], /10\.0\.0\.1 twice/],
  ])('rejects %j', (vips, message) => {
    expect(ingressVipsProblem(vips)).toMatch(message);
  });
});
