import { NotFoundError } from '@cite/errors';
import { nextFreeIp } from './allocation';
import { DEFAULT_POOL } from './pool-spec';
import { validatePool } from './validate-pool';

const pool = validatePool(DEFAULT_POOL);
const node = 'node-10-60-25-140';

describe('nextFreeIp', () => {
  it('starts after the gateway', () => {
    expect(nextFreeIp(pool, node, [])).toBe('10.60.241.2');
  });

  it('returns the lowest free address, filling gaps first', () => {
    expect(nextFreeIp(pool, node, ['10.60.241.2', '10.60.241.3', '10.60.241.5'])).toBe('10.60.241.4');
    expect(nextFreeIp(pool, node, new Set(['10.60.241.2']))).toBe('10.60.241.3');
  });

  it('ignores addresses of other ranges and text that is not a canonical address', () => {
    expect(nextFreeIp(pool, node, ['10.60.240.2', 'garbage', '10.60.241.02'])).toBe('10.60.241.2');
  });

  it('returns null when every pod address is used, never the broadcast address', () => {
    const used = Array.from({ length: 253 }, (_, offset) => `10.60.241.${offset + 2}`);
    expect(nextFreeIp(pool, node, used.slice(0, 252))).toBe('10.60.241.254');
    expect(nextFreeIp(pool, node, used)).toBeNull();
  });

  it('throws NotFoundError for an unknown node', () => {
    expect(() => nextFreeIp(pool, 'nobody', [])).toThrow(NotFoundError);
  });
});
