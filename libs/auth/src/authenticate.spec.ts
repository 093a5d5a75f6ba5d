import { AuthenticationError } from '@cite/errors';
import type { Token } from '@cite/model';
import { exampleToken } from '@cite/model/testing';
import {
  authenticate,
  BearerAuthenticationError,
  wwwAuthenticate,
  type AuthenticateOptions,
} from './authenticate';
import { BOOTSTRAP_ADMIN } from './principal';
import { generateToken, hashToken } from './token-secret';

const adminToken = 'a-bootstrap-admin-token-of-at-least-32-chars';
const issued = generateToken();
const stored: Token = exampleToken({ id: issued.id, hash: hashToken(issued.secret), teams: ['payments'] });
const now = () => new Date('2024-05-02T00:00:00Z');
const tokens = new Map<string, Token>([[stored.id, stored]]);
const options: AuthenticateOptions = {
  adminToken,
  findToken: async (id: string) => tokens.get(id) ?? null,
  now,
};

async function failure(header: string | undefined, opts = options): Promise<BearerAuthenticationError> {
  const error = await authenticate(header, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthenticationError);
  const bearer = error as BearerAuthenticationError;
  expect(bearer.details).toEqual([{ path: 'headers.authorization', message: bearer.message }]);
  return bearer;
}

describe('authenticate', () => {
  it('knows the bootstrap admin and stored tokens', async () => {
    await expect(authenticate(`Bearer ${adminToken}`, options)).resolves.toBe(BOOTSTRAP_ADMIN);
    await expect(authenticate(`bearer ${issued.secret}`, options)).resolves.toEqual({
      actor: `token:${issued.id}`,
      tokenId: issued.id,
      name: stored.name,
      role: 'member',
      teams: ['payments'],
    });
  });

  it.each<[string, string | undefined, string | undefined]>([
    ['no header', undefined, undefined],
    ['empty header', '', undefined],
    ['another scheme', `Basic ${adminToken}`, 'invalid_request'],
    ['a wrong admin token', `Bearer ${adminToken}x`, 'invalid_token'],
    ['an unknown token id', `Bearer ${generateToken().secret}`, 'invalid_token'],
    ['a known id with the wrong secret', `Bearer cite_${issued.id}_${'A'.repeat(43)}`, 'invalid_token'],
  ])('refuses %s', async (_case, header, bearerError) => {
    expect((await failure(header)).bearerError).toBe(bearerError);
  });

  it('refuses an expired token, and the admin token when none is configured', async () => {
    tokens.set(stored.id, { ...stored, expiresAt: '2024-05-01T00:00:00Z' });
    expect((await failure(`Bearer ${issued.secret}`)).message).toBe('token expired');
    tokens.set(stored.id, stored);
    const { adminToken: _none, ...withoutAdmin } = options;
    await failure(`Bearer ${adminToken}`, withoutAdmin);
  });

  it('says how to authenticate in WWW-Authenticate', () => {
    expect(wwwAuthenticate(undefined)).toBe('Bearer realm="cite"');
    expect(wwwAuthenticate('invalid_token')).toBe('Bearer realm="cite", error="invalid_token"');
  });
});
