import { InputError } from '@cite/errors';
import fc from 'fast-check';
import {
  assertId,
  auditTime,
  decodeCursor,
  encodeCursor,
  ids,
  KEYSPACES,
  keys,
  padReleaseNumber,
  parseReleaseNumber,
} from './keys';

describe('key layout', () => {
  it('matches the documented layout', () => {
    expect(keys.service('web')).toBe('services/web');
    expect(keys.release('web', 42)).toBe('releases/web/0000000042');
    expect(keys.domain('web.example.com')).toBe('domains/web.example.com');
    expect(keys.lbEndpoints('cite-payments', 'web')).toBe('lb/cite-payments/web');
    expect(keys.networkPool()).toBe('network/pool');
    expect(keys.token('t1')).toBe('tokens/t1');
    expect(keys.audit(new Date(Date.UTC(2024, 4, 1, 12)), 'a1')).toBe('audit/2024-05-01T12:00:00.000Z-a1');
    expect(keys.lock('deploy/web')).toBe('locks/deploy/web');
    expect(keys.election('watcher')).toBe('election/watcher/');
    expect(keys.outbox('release.web.42')).toBe('outbox/release.web.42');
    expect(keys.releaseLogLine('web', 3, 2)).toBe('releaselogs/web/0000000003/0000000002');
    expect(keys.observedStatus('web')).toBe('status/web');
    expect(keys.idempotency('ab12')).toBe('idempotency/ab12');
  });

  it('gives each kind of record a folder of its own: none is inside another', () => {
    const folders = Object.values(KEYSPACES);
    for (const a of folders) {
      expect(a).toMatch(/^[a-z]+(\/[a-z]+)*\/$/);
      for (const b of folders) if (a !== b) expect(b.startsWith(a)).toBe(false);
    }
  });

  it('pads release numbers so that key order is number order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9_999_999_999 }),
        fc.integer({ min: 1, max: 9_999_999_999 }),
        (a, b) => {
          const [pa, pb] = [padReleaseNumber(a), padReleaseNumber(b)];
          expect(pa).toHaveLength(10);
          expect(parseReleaseNumber(pa)).toBe(a);
          expect(Math.sign(pa.localeCompare(pb))).toBe(Math.sign(a - b));
        },
      ),
    );
  });

  it('rejects numbers that do not fit', () => {
    for (const bad of [0, -1, 1.5, 10_000_000_000, Number.NaN]) {
      expect(() => padReleaseNumber(bad)).toThrow(InputError);
    }
    expect(parseReleaseNumber('abc')).toBeNull();
    expect(parseReleaseNumber('0000000000')).toBeNull();
  });

  it('sorts audit keys by time', () => {
    const early = ids.audit('2024-01-02T03:04:05Z', 'z');
    const late = ids.audit(new Date('2024-01-02T03:04:05.001Z'), 'a');
    expect(early < late).toBe(true);
    expect(() => auditTime('not a time')).toThrow(InputError);
  });

  it('refuses ids that would escape or confuse the layout', () => {
    for (const bad of ['', 'a//b', '/a', 'a/', '../x', 'a/./b', 'a\u0000b', 'tab\there']) {
      expect(() => assertId(bad)).toThrow(InputError);
    }
    expect(() => ids.release('a/b', 1)).toThrow(InputError);
    expect(() => ids.lbEndpoints('ns', 'svc/x')).toThrow(InputError);
    expect(() => assertId('web/0000000001')).not.toThrow();
  });

  it('round-trips any id through an opaque cursor and refuses forged ones', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (id) => {
        const cursor = encodeCursor(id);
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeCursor(cursor)).toBe(id);
      }),
    );
    for (const bad of ['', 'not a cursor!', 'a+b/', 'A']) {
      expect(() => decodeCursor(bad)).toThrow(InputError);
    }
  });
});
