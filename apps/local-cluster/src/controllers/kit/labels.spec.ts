import { mapSelectorMatches, requirementMatches, selectorIsEmpty, selectorMatches } from './labels';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', version: '3' };

  it.each([
    ['matchLabels hit', { matchLabels: { app: 'web' } }, true],
    ['matchLabels miss', { matchLabels: { app: 'db' } }, false],
    ['In', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] }, true],
    ['NotIn', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, false],
    [
      'NotIn on a missing key',
      { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] },
      true,
    ],
    ['Exists', { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    ['empty selects everything', {}, true],
    ['nil selects nothing', undefined, false],
  ])('%s', (_name, selector, expected) => {
    expect(selectorMatches(selector, labels)).toBe(expected);
  });

  it('reads Gt and Lt as integers (node affinity)', () => {
    expect(requirementMatches({ key: 'version', operator: 'Gt', values: ['2'] }, labels)).toBe(true);
    expect(requirementMatches({ key: 'version', operator: 'Lt', values: ['2'] }, labels)).toBe(false);
  });

  it('treats a Service selector map as all-of, and an empty one as none', () => {
    expect(mapSelectorMatches({ app: 'web', tier: 'front' }, labels)).toBe(true);
    expect(mapSelectorMatches({ app: 'web', tier: 'back' }, labels)).toBe(false);
    expect(mapSelectorMatches({}, labels)).toBe(false);
  });

  it('knows an empty selector', () => {
    expect(selectorIsEmpty({})).toBe(true);
    expect(selectorIsEmpty({ matchLabels: { a: 'b' } })).toBe(false);
    expect(selectorIsEmpty(undefined)).toBe(false);
  });
});
