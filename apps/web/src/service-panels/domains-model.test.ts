import type { Domain } from '@cite/model';
import { describe, expect, it } from 'vitest';
import {
  ago,
  blankDomain,
  buildDomains,
  claimantText,
  domainMessages,
  domainsChanged,
  hostState,
  rebaseDomains,
  seedDomains,
} from './domains-model';

const record = (extra: Partial<Domain> = {}): Domain => ({
  host: 'shop.example.com',
  service: 'shop',
  namespace: 'cite-retail',
  paths: ['/'],
  targets: [],
  updatedAt: '2025-01-01T00:00:00Z',
  ...extra,
});

describe('buildDomains', () => {
  it('trims and lower-cases hosts, skips empty rows and remembers which row went where', () => {
    const rows = [
      ...seedDomains(['a.example.com']),
      blankDomain(),
      { ...blankDomain(), host: ' Shop.Example.COM. ' },
    ];
    const built = buildDomains(rows);
    expect(built.domains).toEqual(['a.example.com', 'shop.example.com']);
    expect(built.rowKeys).toEqual([rows[0]!.key, rows[2]!.key]);
  });
});

describe('domainsChanged', () => {
  it('ignores case and blank rows, sees removals, additions and order', () => {
    const base = ['a.example.com', 'b.example.com'];
    const rows = seedDomains(base);
    expect(domainsChanged([...rows, blankDomain()], base)).toBe(false);
    expect(domainsChanged([{ ...rows[0]!, host: 'A.example.com' }, rows[1]!], base)).toBe(false);
    expect(domainsChanged(rows.slice(1), base)).toBe(true);
    expect(domainsChanged([...rows].reverse(), base)).toBe(true);
    expect(domainsChanged([...rows, { ...blankDomain(), host: 'c.example.com' }], base)).toBe(true);
  });
});

describe('rebaseDomains', () => {
  it('drops untouched hosts the newer read removed, keeps edits and adds new hosts', () => {
    const previous = ['a.example.com', 'b.example.com', 'c.example.com'];
    const rows = seedDomains(previous);
    const edited = [
      rows[0]!,
      { ...rows[1]!, host: 'bb.example.com' },
      rows[2]!,
      { ...blankDomain(), host: 'd.example.com' },
    ];
    const rebased = rebaseDomains(edited, previous, ['b.example.com', 'c.example.com', 'e.example.com']);
    expect(rebased.map((row) => row.host)).toEqual([
      'bb.example.com',
      'c.example.com',
      'd.example.com',
      'e.example.com',
    ]);
  });
});

describe('domainMessages', () => {
  it("puts the API's 409 at domains.<i> next to the row sent at i", () => {
    const sorted = domainMessages(
      [{ path: 'domains.1', message: 'domain b.example.com is already used by another service' }],
      ['r0', 'r1'],
    );
    expect(sorted.rows.get('r1')).toEqual({ row: 'domain b.example.com is already used by another service' });
  });
});

describe('hostState', () => {
  const now = new Date('2025-01-01T01:00:00Z');

  it('says an unsaved host is not saved, and a host without a record is not recorded yet', () => {
    expect(hostState('x.example.com', undefined, 'shop', false).label).toBe('Not saved');
    expect(hostState('x.example.com', undefined, 'shop', true).label).toBe('Not recorded yet');
  });

  it('names who else claims the host, and since when', () => {
    const state = hostState(
      'shop.example.com',
      record({
        ingress: 'cite-retail/shop',
        conflict: { with: 'other/legacy', since: '2025-01-01T00:00:00Z' },
      }),
      'shop',
      true,
      now,
    );
    expect(state.tone).toBe('warn');
    expect(state.detail).toBe(
      'Also claimed by the Ingress other/legacy (outside cite) since 1 hour ago; this service keeps the host while it holds it.',
    );
    const byService = hostState(
      'shop.example.com',
      record({ conflict: { with: 'shop-two', since: '2025-01-01T00:58:00Z' } }),
      'shop',
      true,
      now,
    );
    expect(byService.detail).toMatch(/^Also claimed by the service shop-two since 2 minutes ago/);
  });

  it('says a host held by someone else is held, by whom', () => {
    const state = hostState('shop.example.com', record({ service: 'other' }), 'shop', true);
    expect(state).toMatchObject({ tone: 'bad', detail: 'Held by the service other.' });
    const ingress = hostState(
      'shop.example.com',
      record({ service: undefined, ingress: 'legacy/web' }),
      'shop',
      true,
    );
    expect(ingress.detail).toBe('Held by the Ingress legacy/web (outside cite).');
  });

  it('waits for the Ingress, then says where the host is served', () => {
    expect(hostState('shop.example.com', record(), 'shop', true).label).toBe('Waiting for Ingress');
    const served = hostState(
      'shop.example.com',
      record({ ingress: 'cite-retail/shop', targets: ['10.0.0.5'], tls: { secretName: 'tls' } }),
      'shop',
      true,
    );
    expect(served).toEqual({
      tone: 'ok',
      label: 'Served',
      detail: 'Served by cite-retail/shop at 10.0.0.5, TLS.',
    });
  });
});

describe('ago and claimantText', () => {
  const now = new Date('2025-03-10T12:00:00Z');
  it('counts back in the largest whole unit', () => {
    expect(ago('2025-03-10T11:59:30Z', now)).toBe('less than a minute ago');
    expect(ago('2025-03-10T11:59:00Z', now)).toBe('1 minute ago');
    expect(ago('2025-03-10T09:00:00Z', now)).toBe('3 hours ago');
    expect(ago('2025-03-08T12:00:00Z', now)).toBe('2 days ago');
    expect(ago('2025-01-01T00:00:00Z', now)).toBe('2025-01-01');
    expect(ago('not a time', now)).toBe('not a time');
  });
  it('tells an Ingress from a service', () => {
    expect(claimantText('ns/ing')).toBe('the Ingress ns/ing (outside cite)');
    expect(claimantText('svc')).toBe('the service svc');
  });
});
