import { IpRecordSchema, NodeUsageRecordSchema } from '@cite/model';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import fc from 'fast-check';
import { holderOf, ipRecordOf, nodeRecordOf, podIpOf, usedIn } from './network';

const NOW = new Date('2024-05-01T12:00:00.000Z');

interface PodOptions {
  ip?: string;
  phase?: string;
  hostNetwork?: boolean;
  node?: string;
  created?: Date;
  deleting?: boolean;
  labels?: Record<string, string>;
  namespace?: string;
}

function pod(name: string, options: PodOptions = {}): V1Pod {
  return {
    metadata: {
      name,
      namespace: options.namespace ?? 'cite-shop',
      ...(options.created ? { creationTimestamp: options.created } : {}),
      ...(options.deleting ? { deletionTimestamp: NOW } : {}),
      ...(options.labels ? { labels: options.labels } : {}),
    },
    spec: {
      containers: [{ name: 'app' }],
      ...(options.hostNetwork !== undefined ? { hostNetwork: options.hostNetwork } : {}),
      ...(options.node ? { nodeName: options.node } : {}),
    },
    status: {
      phase: options.phase ?? 'Running',
      ...(options.ip !== undefined ? { podIP: options.ip } : {}),
    },
  };
}

describe('podIpOf', () => {
  it.each([
    ['a running pod', { ip: '10.0.1.5' }, '10.0.1.5'],
    ['a pending pod that already has its address', { ip: '10.0.1.5', phase: 'Pending' }, '10.0.1.5'],
    ['a pod in phase Unknown', { ip: '10.0.1.5', phase: 'Unknown' }, '10.0.1.5'],
    ['hostNetwork: false', { ip: '10.0.1.5', hostNetwork: false }, '10.0.1.5'],
    ['a succeeded pod (its address is free again)', { ip: '10.0.1.5', phase: 'Succeeded' }, null],
    ['a failed pod', { ip: '10.0.1.5', phase: 'Failed' }, null],
    ["a pod on the host's network (the node's address)", { ip: '192.168.0.4', hostNetwork: true }, null],
    ['an IPv6 address', { ip: 'fd00:10::5' }, null],
    ['no address yet', {}, null],
    ['an empty address', { ip: '' }, null],
  ])('%s', (_name, options, expected) => {
    expect(podIpOf(pod('web-1', options))).toBe(expected);
  });
});

describe('holderOf', () => {
  const at = (minute: number) => new Date(Date.UTC(2024, 4, 1, 12, minute));
  const going = pod('web-new-going', { created: at(9), deleting: true });
  const oldest = pod('web-old', { created: at(1) });
  const newestB = pod('web-b', { created: at(5) });
  const newestA = pod('web-a', { created: at(5) });
  const undated = pod('web-undated');

  it('prefers a pod not being deleted, then the newest, then the first name', () => {
    expect(holderOf([going, oldest, newestB, newestA, undated])).toBe(newestA);
    expect(holderOf([going, oldest, undated])).toBe(oldest);
    expect(holderOf([going, undated])).toBe(undated);
    expect(holderOf([going])).toBe(going);
    expect(holderOf([])).toBeNull();
  });

  it('orders by namespace before name when the times are equal', () => {
    const inB = pod('web-a', { created: at(5), namespace: 'b' });
    const inA = pod('web-z', { created: at(5), namespace: 'a' });
    expect(holderOf([inB, inA])).toBe(inA);
  });

  it('gives the same pod whatever the order', () => {
    const pods = [going, oldest, newestB, newestA, undated, pod('web-c', { created: at(5), deleting: true })];
    fc.assert(
      fc.property(fc.shuffledSubarray(pods, { minLength: 1 }), (subset) => {
        const holder = holderOf(subset);
        expect(holderOf([...subset].reverse())).toBe(holder);
        for (const other of subset) expect(holderOf([other, holder as V1Pod])).toBe(holder);
      }),
    );
  });
});

describe('ipRecordOf', () => {
  it('records the pod, its node and its cite service', () => {
    const labels = { 'app.kubernetes.io/managed-by': 'cite', 'app.kubernetes.io/name': 'web' };
    const record = ipRecordOf(pod('web-1', { ip: '10.0.1.5', node: 'n1', labels }), NOW);
    expect(record).toEqual({
      ip: '10.0.1.5',
      pod: 'web-1',
      namespace: 'cite-shop',
      node: 'n1',
      service: 'web',
      updatedAt: NOW.toISOString(),
    });
    expect(IpRecordSchema.parse(record)).toEqual(record);
  });

  it('a pod cite does not manage: no service; not yet scheduled: no node', () => {
    const record = ipRecordOf(
      pod('job-1', { ip: '10.0.1.6', labels: { 'app.kubernetes.io/name': 'job' } }),
      NOW,
    );
    expect(record).toEqual({
      ip: '10.0.1.6',
      pod: 'job-1',
      namespace: 'cite-shop',
      updatedAt: NOW.toISOString(),
    });
    expect(IpRecordSchema.parse(record)).toEqual(record);
  });

  it('no record for a pod without a pod-range address or without a name', () => {
    expect(ipRecordOf(pod('web-1', { ip: '10.0.1.5', phase: 'Succeeded' }), NOW)).toBeNull();
    expect(ipRecordOf(pod('web-1', { ip: '10.0.1.5', hostNetwork: true }), NOW)).toBeNull();
    expect(
      ipRecordOf({ metadata: { namespace: 'cite-shop' }, status: { podIP: '10.0.1.5' } }, NOW),
    ).toBeNull();
    expect(ipRecordOf({ metadata: { name: 'web-1' }, status: { podIP: '10.0.1.5' } }, NOW)).toBeNull();
  });
});

describe('nodeRecordOf and usedIn', () => {
  function node(podCIDR?: string, extra: Partial<V1Node['status']> = {}): V1Node {
    return {
      metadata: { name: 'n1' },
      spec: podCIDR !== undefined ? { podCIDR } : {},
      status: {
        addresses: [
          { type: 'ExternalIP', address: '203.0.113.4' },
          { type: 'InternalIP', address: '192.168.0.4' },
        ],
        conditions: [{ type: 'Ready', status: 'True' }],
        ...extra,
      },
    };
  }

  it('a /24 holds 253 pods; used counts the addresses inside the range only', () => {
    const ips = ['10.0.1.2', '10.0.1.254', '10.0.2.3', '10.0.0.255', '10.0.1.77'];
    const record = nodeRecordOf(node('10.0.1.0/24'), ips, NOW);
    expect(record).toEqual({
      node: 'n1',
      address: '192.168.0.4',
      podCidr: '10.0.1.0/24',
      capacity: 253,
      used: 3,
      ready: true,
      updatedAt: NOW.toISOString(),
    });
    expect(NodeUsageRecordSchema.parse(record)).toEqual(record);
  });

  it.each([
    ['/26', '10.0.1.64/26', 61],
    ['/30: one pod address', '10.0.1.4/30', 1],
    ['/31: too small for pods', '10.0.1.4/31', 0],
    ['not a CIDR', 'ten/24', 0],
    ['host bits set', '10.0.1.1/24', 0],
  ])('capacity of %s', (_name, podCidr, capacity) => {
    const record = nodeRecordOf(node(podCidr), [], NOW);
    expect(record?.capacity).toBe(capacity);
    expect(NodeUsageRecordSchema.parse(record)).toEqual(record);
  });

  it('a node without a pod range: no podCidr, nothing held, nothing used', () => {
    const record = nodeRecordOf(node(), ['10.0.1.2'], NOW);
    expect(record).toMatchObject({ capacity: 0, used: 0 });
    expect(record).not.toHaveProperty('podCidr');
    expect(NodeUsageRecordSchema.parse(record)).toEqual(record);
  });

  it.each([
    ['Ready False', { conditions: [{ type: 'Ready', status: 'False' }] }, false],
    ['Ready Unknown', { conditions: [{ type: 'Ready', status: 'Unknown' }] }, false],
    ['no conditions', { conditions: [] }, false],
    ['other conditions True only', { conditions: [{ type: 'MemoryPressure', status: 'True' }] }, false],
  ])('ready from %s', (_name, extra, ready) => {
    expect(nodeRecordOf(node('10.0.1.0/24', extra), [], NOW)?.ready).toBe(ready);
  });

  it.each([
    ['an IPv6 InternalIP', [{ type: 'InternalIP', address: 'fd00::4' }]],
    ['an ExternalIP only', [{ type: 'ExternalIP', address: '203.0.113.4' }]],
    ['no addresses', []],
  ])('no address for %s', (_name, addresses) => {
    const record = nodeRecordOf(node('10.0.1.0/24', { addresses }), [], NOW);
    expect(record).not.toHaveProperty('address');
    expect(NodeUsageRecordSchema.parse(record)).toEqual(record);
  });

  it('no record for a node without a name', () => {
    expect(nodeRecordOf({ spec: { podCIDR: '10.0.1.0/24' } }, [], NOW)).toBeNull();
  });

  it('usedIn counts what lies inside the range, and nothing without a valid range', () => {
    expect(usedIn('10.0.1.0/24', new Set(['10.0.1.0', '10.0.1.255', '10.0.2.0', '10.0.0.255']))).toBe(2);
    expect(usedIn('10.0.1.0/24', ['fd00::1', 'not-an-ip', '10.0.1.9'])).toBe(1);
    expect(usedIn(undefined, ['10.0.1.9'])).toBe(0);
    expect(usedIn('garbage', ['10.0.1.9'])).toBe(0);
  });
});
