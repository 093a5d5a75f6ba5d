/**
 * An API token (`tokens/<id>` in etcd). Only the SHA-256 of the secret is stored. Admins may do anything;
 * members act within their teams.
 */
import { z } from 'zod';
import { ActorSchema, IdSchema, TeamNameSchema, TimestampSchema } from './fields';

export const TokenRole = z.enum(['admin', 'member']);
export type TokenRole = z.infer<typeof TokenRole>;

export const TokenSchema = z.object({
  id: IdSchema,
  /** What the token is for, as its owner named it. */
  name: z.string().min(1, 'must be non-empty').max(100, 'must be no more than 100 characters'),
  /** SHA-256 of the secret, 64 lowercase hex digits. */
  hash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 digest: 64 lowercase hex digits'),
  role: TokenRole,
  /** Teams a member acts for; ignored for admins. */
  teams: z.array(TeamNameSchema),
  createdAt: TimestampSchema,
  createdBy: ActorSchema,
  expiresAt: TimestampSchema.optional(),
  lastUsedAt: TimestampSchema.optional(),
});
export type Token = z.infer<typeof TokenSchema>;
