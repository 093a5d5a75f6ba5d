import { poolCapacity, poolUsage } from './capacity';
import { DEFAULT_POOL } from './pool-spec';
import { validatePool } from './validate-pool';

const pool = validatePool(DEFAULT_POOL);

describe('poolCapacity', () => {
  it('counts the default pool: 2,560 addresses, 253 pod addresses per /24', () => {
    const capacity = poolCapacity(pool);
    expect(capacity.addresses).toBe(2560);
    expect(capacity.capacity).toBe(2530);
    expect(capacity.assigned).toBe(2530);
    expect(capacity.spare).toBe(0);
    expect(capacity.ranges[0]).toEqual({
      range: '10.60.240.0/24',
      node: 'node-10-60-25-139',
      addresses: 256,
      capacity: 253,
    });
  });

  it('splits assigned from spare capacity', () => {
    const grown = validatePool({ ...DEFAULT_POOL, ranges: [...DEFAULT_POOL.ranges, '10.60.250.0/25'] });
    const capacity = poolCapacity(grown);
    expect(capacity.addresses).toBe(2560 + 128);
    expect(capacity.spare).toBe(125);
    expect(capacity.capacity).toBe(2530 + 125);
    expect(capacity.ranges.at(-1)).toEqual({
      range: '10.60.250.0/25',
      node: null,
      addresses: 128,
      capacity: 125,
    });
  });
});

describe('poolUsage', () => {
  it('reports capacity, used and free per node, counting distinct pod addresses', () => {
    const usage = poolUsage(pool, {
      'node-10-60-25-139': ['10.60.240.2', '10.60.240.3', '10.60.240.3'],
      'node-10-60-25-203': new Set(['10.60.245.10']),
    });
    expect(usage.nodes[0]).toEqual({
      node: 'node-10-60-25-139',
      podCidr: '10.60.240.0/24',
      capacity: 253,
      used: 2,
      free: 251,
      outOfRange: [],
    });
    expect(usage.nodes[5]).toMatchObject({ node: 'node-10-60-25-203', used: 1, free: 252 });
    expect(usage.nodes[1]).toMatchObject({ node: 'node-10-60-25-140', used: 0, free: 253 });
    expect(usage).toMatchObject({ capacity: 2530, used: 3, free: 2527, unknownNodes: [] });
  });

  it('lists addresses outside the node’s pod addresses and names it does not know', () => {
    const usage = poolUsage(
      pool,
      new Map([
        ['node-10-60-25-139', ['10.60.241.2', '10.60.240.1', '10.60.240.255', 'nope', '10.60.240.9']],
        ['node-9', ['10.60.249.2']],
      ]),
    );
    expect(usage.nodes[0]).toMatchObject({
      used: 1,
      outOfRange: ['10.60.241.2', '10.60.240.1', '10.60.240.255', 'nope'],
    });
    expect(usage.unknownNodes).toEqual(['node-9']);
    expect(usage.used).toBe(1);
  });
});
