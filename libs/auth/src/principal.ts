/** Who is calling: the bootstrap admin from configuration, or a stored API token. */
import type { Token, TokenRole } from '@cite/model';

export interface Principal {
  /** `admin:bootstrap` or `token:<id>`: what audit entries and releases record as the actor. */
  actor: string;
  /** The token's id; absent for the bootstrap admin. */
  tokenId?: string;
  /** The token's name as its creator gave it. */
  name: string;
  role: TokenRole;
  /** Teams a member acts for; empty for admins, who act for all. */
  teams: string[];
}

export const BOOTSTRAP_ADMIN: Principal = Object.freeze({
  actor: 'admin:bootstrap',
  name: 'bootstrap admin',
  role: 'admin',
  teams: [],
}) as Principal;

export function principalOfToken(token: Token): Principal {
  return {
    actor: `token:${token.id}`,
    tokenId: token.id,
    name: token.name,
    role: token.role,
    teams: token.role === 'admin' ? [] : [...token.teams],
  };
}
