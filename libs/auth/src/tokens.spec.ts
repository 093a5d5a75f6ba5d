import { InputError } from '@cite/errors';
import { TokenSchema } from '@cite/model';
import { hashToken } from './token-secret';
import { planToken, tokenView } from './tokens';

const now = new Date('2024-05-01T12:00:00Z');
const context = { now, createdBy: 'admin:bootstrap', random: (n: number) => Buffer.alloc(n, 3) };

function pathsOf(body: unknown): string[] {
  try {
    planToken(body, context);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).details.map((d) => d.path);
  }
  throw new Error('expected an InputError');
}

describe('planToken', () => {
  it('makes a member token with its hash only, and the secret once', () => {
    const { token, secret } = planToken({ name: 'ci', teams: ['payments', 'payments'] }, context);
    expect(TokenSchema.parse(token)).toEqual(token);
    expect(token).toMatchObject({ role: 'member', teams: ['payments'], createdBy: 'admin:bootstrap' });
    expect(token.hash).toBe(hashToken(secret));
    expect(JSON.stringify(token)).not.toContain(secret);
    expect(secret.startsWith(`cite_${token.id}_`)).toBe(true);
    expect(tokenView(token)).not.toHaveProperty('hash');
  });

  it('makes admin tokens without teams, with an optional future expiry', () => {
    const { token } = planToken({ name: 'ops', role: 'admin', expiresAt: '2024-06-01T00:00:00Z' }, context);
    expect(token).toMatchObject({ role: 'admin', teams: [], expiresAt: '2024-06-01T00:00:00Z' });
  });

  it.each<[string, unknown, string[]]>([
    ['no body', undefined, ['']],
    ['no name', { teams: ['a'] }, ['name']],
    ['empty name', { name: '', teams: ['a'] }, ['name']],
    ['unknown role', { name: 'x', role: 'root', teams: ['a'] }, ['role']],
    ['bad team', { name: 'x', teams: ['Not_A_Team'] }, ['teams.0']],
    ['member without teams', { name: 'x' }, ['teams']],
    ['admin with teams', { name: 'x', role: 'admin', teams: ['a'] }, ['teams']],
    ['past expiry', { name: 'x', teams: ['a'], expiresAt: '2024-01-01T00:00:00Z' }, ['expiresAt']],
    ['unknown field', { name: 'x', teams: ['a'], secret: 'mine' }, ['secret']],
  ])('refuses %s naming the field', (_case, body, paths) => {
    expect(pathsOf(body)).toEqual(paths);
  });
});
