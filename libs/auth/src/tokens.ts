/**
 * Creating tokens: what `POST /api/v1/tokens` accepts, the record it stores and the view lists show. Pure
 * apart from the injected randomness.
 */
import { InputError } from '@cite/errors';
import {
  parseOrThrow,
  TeamNameSchema,
  TimestampSchema,
  TokenRole,
  TokenSchema,
  type Token,
} from '@cite/model';
import { z } from 'zod';
import { generateToken, hashToken, type RandomBytes } from './token-secret';

export const TokenCreateSchema = z.strictObject({
  /** What the token is for ("ci deploys"). */
  name: TokenSchema.shape.name,
  role: TokenRole.default('member'),
  /** Teams a member token acts for (at least one); must be empty for admin tokens. */
  teams: z.array(TeamNameSchema).default(() => []),
  /** When the token stops working; omitted, it works until deleted. */
  expiresAt: TimestampSchema.optional(),
});
export type TokenCreate = z.output<typeof TokenCreateSchema>;

/** A token as lists show it: everything but the hash. */
export const TokenViewSchema = z.object({
  id: TokenSchema.shape.id,
  name: TokenSchema.shape.name,
  role: TokenRole,
  teams: z.array(z.string()),
  createdAt: z.string(),
  createdBy: z.string(),
  expiresAt: z.string().optional(),
  lastUsedAt: z.string().optional(),
});
export type TokenView = z.infer<typeof TokenViewSchema>;

export function tokenView(token: Token): TokenView {
  const { hash: _hash, ...view } = token;
  return view;
}

export interface PlannedToken {
  /** The record for `tokens/<id>`. */
  token: Token;
  /** The bearer secret; returned once, never stored. */
  secret: string;
}

/**
 * The record and secret for a create request. Members need at least one team; admin tokens take none (they
 * act for every team); an expiry must lie in the future. Throws `InputError` naming the field.
 */
export function planToken(
  body: unknown,
  context: { now: Date; createdBy: string; random?: RandomBytes },
): PlannedToken {
  const input = parseOrThrow(TokenCreateSchema, body, 'token');
  const teams = [...new Set(input.teams)];
  if (input.role === 'member' && teams.length === 0) {
    throw fieldError('teams', 'a member token needs at least one team');
  }
  if (input.role === 'admin' && teams.length > 0) {
    throw fieldError('teams', 'must be empty for an admin token (admins act for every team)');
  }
  if (input.expiresAt !== undefined && Date.parse(input.expiresAt) <= context.now.getTime()) {
    throw fieldError('expiresAt', 'must be in the future');
  }
  const { id, secret } = generateToken(context.random);
  const token = parseOrThrow(
    TokenSchema,
    {
      id,
      name: input.name,
      hash: hashToken(secret),
      role: input.role,
      teams,
      createdAt: context.now.toISOString(),
      createdBy: context.createdBy,
      ...(input.expiresAt === undefined ? {} : { expiresAt: input.expiresAt }),
    },
    'token',
  );
  return { token, secret };
}

function fieldError(path: string, message: string): InputError {
  return new InputError(`token is invalid: ${path}: ${message}`, { details: [{ path, message }] });
}
