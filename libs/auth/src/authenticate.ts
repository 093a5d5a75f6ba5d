/**
 * Bearer authentication: `Authorization: Bearer <secret>` → the caller. The bootstrap admin token from
 * configuration is compared in constant time; API tokens are found by the id inside them and checked against
 * their stored hash in constant time. Every failure is an `AuthenticationError` naming the header.
 */
import { AuthenticationError } from '@cite/errors';
import type { Token } from '@cite/model';
import { BOOTSTRAP_ADMIN, principalOfToken, type Principal } from './principal';
import { secretMatchesHash, secretsEqual, tokenIdOf } from './token-secret';

export const AUTHORIZATION_PATH = 'headers.authorization';

export interface AuthenticateOptions {
  /** `CITE_ADMIN_TOKEN`; without it only stored tokens authenticate. */
  adminToken?: string;
  /** Reads `tokens/<id>`; null when there is none. */
  findToken: (id: string) => Promise<Token | null>;
  now: () => Date;
}

/** Why authentication failed, as RFC 6750 names it for `WWW-Authenticate`. */
export type BearerError = 'invalid_request' | 'invalid_token';

export class BearerAuthenticationError extends AuthenticationError {
  constructor(
    readonly bearerError: BearerError | undefined,
    message: string,
  ) {
    super(message, { details: [{ path: AUTHORIZATION_PATH, message }] });
  }
}

/** The value of `WWW-Authenticate` for a failed authentication. */
export function wwwAuthenticate(error: BearerError | undefined): string {
  return error === undefined ? 'Bearer realm="cite"' : `Bearer realm="cite", error="${error}"`;
}

export async function authenticate(
  header: string | undefined,
  options: AuthenticateOptions,
): Promise<Principal> {
  if (header === undefined || header.trim() === '') {
    throw new BearerAuthenticationError(undefined, 'missing bearer token');
  }
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (!match) throw new BearerAuthenticationError('invalid_request', "expected 'Bearer <token>'");
  const secret = match[1] ?? '';
  if (options.adminToken !== undefined && secretsEqual(secret, options.adminToken)) return BOOTSTRAP_ADMIN;
  const id = tokenIdOf(secret);
  if (id === null) throw new BearerAuthenticationError('invalid_token', 'invalid token');
  const token = await options.findToken(id);
  if (!token || !secretMatchesHash(secret, token.hash)) {
    throw new BearerAuthenticationError('invalid_token', 'invalid token');
  }
  if (token.expiresAt !== undefined && Date.parse(token.expiresAt) <= options.now().getTime()) {
    throw new BearerAuthenticationError('invalid_token', 'token expired');
  }
  return principalOfToken(token);
}
