/**
 * Authorization decisions, pure: admins may do anything; members act on services of their own teams only and
 * never on tokens, the audit trail or locks.
 */
import type { Principal } from './principal';

/** What a caller wants to touch. */
export type AccessRequest =
  /** Anything on one team's service (read or change). */
  | { kind: 'team'; team: string }
  /** Platform administration: tokens, audit, locks. */
  | { kind: 'admin' }
  /** Listing services, optionally of one team. */
  | { kind: 'list-services'; team?: string };

export type Decision = { allowed: true } | { allowed: false; reason: string };

const ALLOW: Decision = { allowed: true };

export function authorize(principal: Principal, request: AccessRequest): Decision {
  if (principal.role === 'admin') return ALLOW;
  switch (request.kind) {
    case 'admin':
      return { allowed: false, reason: 'only admins may do this' };
    case 'team':
      return principal.teams.includes(request.team)
        ? ALLOW
        : { allowed: false, reason: `token is not scoped to team ${request.team}` };
    case 'list-services':
      return request.team === undefined || principal.teams.includes(request.team)
        ? ALLOW
        : { allowed: false, reason: `token is not scoped to team ${request.team}` };
  }
}

/** Teams whose services a principal sees in lists: `'all'` for admins. */
export function visibleTeams(principal: Principal): 'all' | readonly string[] {
  return principal.role === 'admin' ? 'all' : principal.teams;
}
