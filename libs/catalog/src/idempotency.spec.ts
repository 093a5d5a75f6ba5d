import {
  canonicalJson,
  decideIdempotency,
  idempotencyKeyErrors,
  idempotencyRecordId,
  requestFingerprint,
  type IdempotencyRecord,
} from './idempotency';

const now = new Date('2024-05-01T12:01:00Z');
const fingerprint = requestFingerprint({
  method: 'POST',
  path: '/api/v1/services/web/deploys',
  body: { image: 'v1' },
});
const record = (overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
  fingerprint,
  method: 'POST',
  path: '/api/v1/services/web/deploys',
  state: 'pending',
  startedAt: '2024-05-01T12:00:30Z',
  ...overrides,
});

describe('decideIdempotency', () => {
  it.each<[string, IdempotencyRecord | null, string, string]>([
    ['an unused key', null, fingerprint, 'proceed'],
    [
      'a finished identical request',
      record({ state: 'done', response: { status: 202, body: { ok: 1 } } }),
      fingerprint,
      'replay',
    ],
    [
      'a different request',
      record({ state: 'done', response: { status: 202, body: {} } }),
      'f'.repeat(64),
      'mismatch',
    ],
    ['a different request still running', record(), 'f'.repeat(64), 'mismatch'],
    ['the same request still running', record(), fingerprint, 'in_flight'],
    [
      'the same request abandoned a minute ago',
      record({ startedAt: '2024-05-01T12:00:00Z' }),
      fingerprint,
      'take_over',
    ],
  ])('%s → %s', (_case, existing, print, action) => {
    expect(decideIdempotency(existing, print, now).action).toBe(action);
  });
});

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
