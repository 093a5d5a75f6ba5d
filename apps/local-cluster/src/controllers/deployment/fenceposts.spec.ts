import { deployment, template } from '../testing/fixtures';
import { maxSurge, maxUnavailable, resolveFenceposts, scaledValue } from './fenceposts';
import { computeHash, equalIgnoreHash, safeEncodeString } from './template-hash';

describe('maxSurge / maxUnavailable', () => {
  it.each([
    // surge, unavailable, replicas → resolved
    [3, 2, 10, { surge: 3, unavailable: 2 }],
    ['25%', '25%', 10, { surge: 3, unavailable: 2 }],
    ['25%', '25%', 3, { surge: 1, unavailable: 0 }],
    ['10%', '10%', 1, { surge: 1, unavailable: 0 }],
    [0, 0, 5, { surge: 0, unavailable: 1 }],
    ['0%', '0%', 5, { surge: 0, unavailable: 1 }],
    [undefined, undefined, 8, { surge: 2, unavailable: 2 }],
  ])('surge %p unavailable %p of %p', (surge, unavailable, replicas, expected) => {
    expect(resolveFenceposts(surge, unavailable, replicas)).toEqual(expected);
  });

  it('rounds surge up and unavailability down', () => {
    expect(scaledValue('33%', 10, true)).toBe(4);
    expect(scaledValue('33%', 10, false)).toBe(3);
    expect(() => scaledValue('three', 10, true)).toThrow(/not a percentage/);
  });

  it('is zero for Recreate, and unavailability is capped at replicas', () => {
    const recreate = deployment({ strategy: { type: 'Recreate' } });
    expect(maxSurge(recreate)).toBe(0);
    expect(maxUnavailable(recreate)).toBe(0);
    expect(
      maxUnavailable(
        deployment({
          replicas: 2,
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 5 } },
        }),
      ),
    ).toBe(2);
  });
});

describe('pod-template-hash', () => {
  it('is stable, short and in the safe alphabet', () => {
    const hash = computeHash(template('nginx:1'));
    expect(hash).toBe(computeHash(template('nginx:1')));
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(computeHash(template('nginx:2'))).not.toBe(hash);
  });

  it('ignores key order, empty values and its own label; changes with the collision count', () => {
    const a = template('nginx:1');
    const b = {
      spec: { containers: [{ image: 'nginx:1', name: 'web', env: [] }] },
      metadata: { labels: { 'pod-template-hash': 'x', app: 'web' } },
    };
    expect(computeHash(b)).toBe(computeHash(a));
    expect(equalIgnoreHash(a, b)).toBe(true);
    expect(computeHash(a, 1)).not.toBe(computeHash(a));
  });

  it('encodes like rand.SafeEncodeString', () => {
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
  });
});
