import type { Domain } from '@cite/model';
import { describe, expect, it } from 'vitest';
import { conflictCount, domainsOfTeam, ownerOf } from './domains';

const domain = (overrides: Partial<Domain>): Domain => ({
  host: 'web.example.com',
  service: 'web',
  namespace: 'cite-pay',
  paths: ['/'],
  targets: ['10.0.0.10'],
  updatedAt: '2024-05-01T12:00:00.000Z',
  ...overrides,
});

describe('domains', () => {
  const all = [
    domain({}),
    domain({ host: 'shop.example.com', service: 'shop', namespace: 'cite-retail' }),
    domain({
      host: 'legacy.example.com',
      service: undefined,
      ingress: 'infra/legacy',
      namespace: 'infra',
      conflict: { with: 'web', since: '2024-05-02T00:00:00.000Z' },
    }),
  ];

  it("keeps a team's namespace only when a team is picked", () => {
    expect(domainsOfTeam(all, undefined)).toHaveLength(3);
    expect(domainsOfTeam(all, 'pay').map((d) => d.host)).toEqual(['web.example.com']);
    expect(domainsOfTeam(all, 'nobody')).toEqual([]);
  });

  it('names the owner: a service, else the Ingress outside cite', () => {
    expect(ownerOf(all[0] as Domain)).toEqual({ service: 'web' });
    expect(ownerOf(all[2] as Domain)).toEqual({ ingress: 'infra/legacy' });
  });

  it('counts conflicts', () => {
    expect(conflictCount(all)).toBe(1);
    expect(conflictCount(all.slice(0, 2))).toBe(0);
  });
});
