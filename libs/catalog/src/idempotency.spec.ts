import { canonicalJson, idempotencyKeyErrors, idempotencyRecordId, requestFingerprint } from './idempotency';

describe('fingerprints and keys', () => {
  it('ignore key order but not values, method or path', () => {
    const a = requestFingerprint({ method: 'post', path: '/p', body: { a: 1, b: { c: [1, 2], d: null } } });
    expect(
      requestFingerprint({ method: 'POST', path: '/p', body: { b: { d: null, c: [1, 2] }, a: 1 } }),
    ).toBe(a);
    expect(
      requestFingerprint({ method: 'POST', path: '/p', body: { a: 1, b: { c: [2, 1], d: null } } }),
    ).not.toBe(a);
    expect(
      requestFingerprint({ method: 'POST', path: '/q', body: { a: 1, b: { c: [1, 2], d: null } } }),
    ).not.toBe(a);
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('scope record ids per caller and hash any header value into a key', () => {
    expect(idempotencyRecordId('token:a', 'k')).not.toBe(idempotencyRecordId('token:b', 'k'));
    expect(idempotencyRecordId('token:a', '../../x')).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['abc-123', true],
    ['x'.repeat(255), true],
    ['', false],
    ['x'.repeat(256), false],
    ['with space', false],
    ['ünicode', false],
  ])('key %j usable: %s', (key, ok) => {
    expect(idempotencyKeyErrors(key).length === 0).toBe(ok);
  });
});
