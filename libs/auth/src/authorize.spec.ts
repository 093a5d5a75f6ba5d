import { authorize, visibleTeams, type AccessRequest } from './authorize';
import { BOOTSTRAP_ADMIN, type Principal } from './principal';

const member: Principal = {
  actor: 'token:m',
  tokenId: 'm',
  name: 'm',
  role: 'member',
  teams: ['payments', 'web'],
};
const admin: Principal = { actor: 'token:a', tokenId: 'a', name: 'a', role: 'admin', teams: [] };

describe('authorize', () => {
  it.each<[string, Principal, AccessRequest, boolean]>([
    ['admin, any team', admin, { kind: 'team', team: 'search' }, true],
    ['bootstrap admin, administration', BOOTSTRAP_ADMIN, { kind: 'admin' }, true],
    ['admin, list all', admin, { kind: 'list-services' }, true],
    ['member, own team', member, { kind: 'team', team: 'payments' }, true],
    ['member, other team', member, { kind: 'team', team: 'search' }, false],
    ['member, administration', member, { kind: 'admin' }, false],
    ['member, list all (filtered later)', member, { kind: 'list-services' }, true],
    ['member, list own team', member, { kind: 'list-services', team: 'web' }, true],
    ['member, list other team', member, { kind: 'list-services', team: 'search' }, false],
    ['member without teams, any team', { ...member, teams: [] }, { kind: 'team', team: 'payments' }, false],
  ])('%s → %s', (_case, principal, request, allowed) => {
    const decision = authorize(principal, request);
    expect(decision.allowed).toBe(allowed);
    if (!decision.allowed) expect(decision.reason).toMatch(/admins|team/);
  });

  it('lists every team for admins and the scoped teams for members', () => {
    expect(visibleTeams(admin)).toBe('all');
    expect(visibleTeams(member)).toEqual(['payments', 'web']);
  });
});
