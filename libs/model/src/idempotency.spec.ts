import { decideIdempotency, type IdempotencyRecord } from './idempotency';

const now = new Date('2024-05-01T12:01:00Z');
/** The SHA-256 of the first request (any 64 hex digits: the rule only compares them). */
const fingerprint = 'a'.repeat(64);
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
