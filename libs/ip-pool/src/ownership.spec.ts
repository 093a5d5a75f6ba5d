import { InputError, NotFoundError } from '@cite/errors';
import { nodeNamed, podCidrFor, whoOwns } from './ownership';
import { DEFAULT_POOL } from './pool-spec';
import { validatePool } from './validate-pool';

const pool = validatePool({ ...DEFAULT_POOL, ranges: [...DEFAULT_POOL.ranges, '10.60.250.0/24'] });

describe('podCidrFor', () => {
  it('gives each default node its range', () => {
    expect(podCidrFor(pool, 'node-10-60-25-139')).toBe('10.60.240.0/24');
    expect(podCidrFor(pool, 'node-10-60-25-207')).toBe('10.60.249.0/24');
  });

  it('throws NotFoundError for an unknown node', () => {
    expect(() => podCidrFor(pool, 'node-10-60-25-144')).toThrow(NotFoundError);
    expect(() => nodeNamed(pool, 'x')).toThrow('no node named "x" in the IP pool');
  });
});

describe('whoOwns', () => {
  it('names the node owning a pod address and the role of the address', () => {
    expect(whoOwns(pool, '10.60.245.17')).toEqual({
      kind: 'pod-range',
      range: '10.60.245.0/24',
      node: 'node-10-60-25-203',
      role: 'pod',
    });
    expect(whoOwns(pool, '10.60.240.1')).toMatchObject({ node: 'node-10-60-25-139', role: 'gateway' });
    expect(whoOwns(pool, '10.60.240.0')).toMatchObject({ role: 'network' });
    expect(whoOwns(pool, '10.60.249.255')).toMatchObject({ node: 'node-10-60-25-207', role: 'broadcast' });
  });

  it('reports spare ranges with no node', () => {
    expect(whoOwns(pool, '10.60.250.3')).toEqual({
      kind: 'pod-range',
      range: '10.60.250.0/24',
      node: null,
      role: 'pod',
    });
  });

  it('names a node by its host address', () => {
    expect(whoOwns(pool, '10.60.25.141')).toEqual({ kind: 'node', node: 'node-10-60-25-141' });
  });

  it('returns null for addresses the pool does not know', () => {
    expect(whoOwns(pool, '10.60.25.144')).toBeNull();
    expect(whoOwns(pool, '10.60.239.255')).toBeNull();
    expect(whoOwns(pool, '192.168.1.1')).toBeNull();
  });

  it('rejects text that is not an address, on path ip', () => {
    expect(() => whoOwns(pool, '10.60.240.300')).toThrow(InputError);
    try {
      whoOwns(pool, '10.60.240.300');
    } catch (error) {
      expect((error as InputError).details).toEqual([
        { path: 'ip', message: 'not a valid IPv4 address: "10.60.240.300" (octet 4 is greater than 255)' },
      ]);
    }
  });
});
