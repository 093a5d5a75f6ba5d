import { createMergePatch } from './merge-patch';
import { canonicalJson, semanticEqual } from './semantic';

describe('createMergePatch (RFC 7386)', () => {
  it.each([
    ['no change', { a: 1, b: { c: 'x' } }, { a: 1, b: { c: 'x' } }, undefined],
    ['changed leaf', { a: 1 }, { a: 2 }, { a: 2 }],
    ['added key', { a: 1 }, { a: 1, b: 2 }, { b: 2 }],
    ['removed key becomes null', { a: 1, b: 2 }, { a: 1 }, { b: null }],
    ['nested objects are diffed', { s: { x: 1, y: 2 } }, { s: { x: 1, y: 3 } }, { s: { y: 3 } }],
    ['arrays are replaced whole', { l: [1, 2] }, { l: [1, 3] }, { l: [1, 3] }],
    ['empty and missing are the same', { a: {}, b: [] }, {}, undefined],
    [
      'timestamps compared to the second',
      { t: '2025-01-01T00:00:00.000Z' },
      { t: '2025-01-01T00:00:00Z' },
      undefined,
    ],
  ])('%s', (_name, from, to, expected) => {
    expect(createMergePatch(from, to)).toEqual(expected);
  });
});

describe('semantic equality', () => {
  it('ignores key order, nulls and empty values', () => {
    expect(semanticEqual({ b: 1, a: { x: null, y: [] } }, { a: {}, b: 1 })).toBe(true);
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it('tells different values apart', () => {
    expect(semanticEqual({ a: 0 }, { a: 1 })).toBe(false);
    expect(semanticEqual(['a', 'b'], ['b', 'a'])).toBe(false);
  });
});
