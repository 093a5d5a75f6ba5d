import { parseExposition, sumOf } from './exposition';

const TEXT = [
  '# HELP cite_releases_total Release verdicts "recorded".',
  '# TYPE cite_releases_total counter',
  'cite_releases_total{cause="deploy",outcome="succeeded"} 3',
  'cite_releases_total{cause="rollback",outcome="failed"} 1',
  '# HELP cite_lock_wait_seconds Lock waits.',
  '# TYPE cite_lock_wait_seconds histogram',
  'cite_lock_wait_seconds_bucket{le="0.5",outcome="acquired"} 2',
  'cite_lock_wait_seconds_bucket{le="+Inf",outcome="acquired"} 2',
  'cite_lock_wait_seconds_sum{outcome="acquired"} 0.25',
  'cite_lock_wait_seconds_count{outcome="acquired"} 2',
  '# HELP odd Escapes.',
  '# TYPE odd gauge',
  'odd{path="a\\"b\\\\c\\nd"} NaN 1700000000000',
  '',
].join('\n');

describe('parseExposition', () => {
  it('reads families, types, help, labels and values', () => {
    const families = parseExposition(TEXT);
    expect([...families.keys()]).toEqual(['cite_releases_total', 'cite_lock_wait_seconds', 'odd']);
    expect(families.get('cite_releases_total')).toMatchObject({
      type: 'counter',
      help: 'Release verdicts "recorded".',
    });
    expect(families.get('cite_lock_wait_seconds')?.samples).toHaveLength(4);
    expect(families.get('cite_lock_wait_seconds')?.samples[1]?.labels).toEqual({
      le: '+Inf',
      outcome: 'acquired',
    });
    expect(parseExposition('# TYPE g gauge\ng +Inf').get('g')?.samples[0]?.value).toBe(Infinity);
    expect(families.get('odd')?.samples[0]?.labels).toEqual({ path: 'a"b\\c\nd' });
    expect(sumOf(families, 'cite_releases_total')).toBe(4);
    expect(sumOf(families, 'cite_releases_total', { outcome: 'failed' })).toBe(1);
    expect(sumOf(families, 'cite_lock_wait_seconds_count', { outcome: 'acquired' })).toBe(2);
    expect(sumOf(families, 'missing_total')).toBe(0);
  });

  it.each([
    ['a sample without HELP/TYPE', 'lonely_total 1'],
    ['a bad value', '# TYPE a counter\na 1x'],
    ['an unterminated label', '# TYPE a counter\na{b="c} 1'],
    ['a label given twice', '# TYPE a counter\na{b="1",b="2"} 1'],
    ['an unknown type', '# TYPE a meter'],
    ['a TYPE after samples', '# TYPE a counter\na 1\n# TYPE a gauge'],
    ['a histogram suffix on a counter', '# TYPE a counter\na_bucket{le="1"} 1'],
  ])('rejects %s', (_what, text) => {
    expect(() => parseExposition(text)).toThrow(/exposition line \d+/);
  });
});
