import { internFieldSet } from './intern';

describe('internFieldSet', () => {
  it('gives equal field sets one shared, frozen copy', () => {
    const first = internFieldSet({ 'f:spec': { 'f:replicas': {} }, 'f:x-intern-test': {} });
    const second = internFieldSet({ 'f:spec': { 'f:replicas': {} }, 'f:x-intern-test': {} });
    expect(second).toBe(first);
    expect(Object.isFrozen(first['f:spec'])).toBe(true);
    expect(() => {
      (first['f:spec'] as Record<string, unknown>)['f:paused'] = {};
    }).toThrow(TypeError);
  });

  it('keeps sets that differ, even in key order (kube orders keys, so order is part of the set)', () => {
    const a = internFieldSet({ 'f:a': {}, 'f:b': {}, 'f:x-order-test': {} });
    const b = internFieldSet({ 'f:b': {}, 'f:a': {}, 'f:x-order-test': {} });
    expect(b).not.toBe(a);
  });
});
