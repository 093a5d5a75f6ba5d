/**
 * The record of a request's `Idempotency-Key` (`idempotency/<id>` in etcd, on a 24 h lease) and the one rule
 * that reads it: what a request carrying a key already seen must do. Pure.
 */
import { z } from 'zod';
import { TimestampSchema } from './fields';

/** A first request still `pending` after this long is taken to have died; a retry takes over. */
export const IDEMPOTENCY_STALE_AFTER_MS = 60_000;

export const IdempotencyRecordSchema = z.object({
  /** SHA-256 of method, path and canonical body of the first request. */
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  method: z.string().max(16),
  path: z.string().max(2048),
  state: z.enum(['pending', 'done']),
  startedAt: TimestampSchema,
  /** The first request's answer, once it is `done`. */
  response: z.object({ status: z.number().int(), body: z.unknown() }).optional(),
});
export type IdempotencyRecord = z.infer<typeof IdempotencyRecordSchema>;
export type StoredResponse = NonNullable<IdempotencyRecord['response']>;

export type IdempotencyDecision =
  /** Nothing known: do the work. */
  | { action: 'proceed' }
  /** Done before with the same request: answer as then. */
  | { action: 'replay'; response: StoredResponse }
  /** The key was used for a different request. */
  | { action: 'mismatch' }
  /** The same request is still being worked on. */
  | { action: 'in_flight' }
  /** The same request was started long ago and never finished: its process died; do the work. */
  | { action: 'take_over' };

export function decideIdempotency(
  existing: IdempotencyRecord | null,
  fingerprint: string,
  now: Date,
  staleAfterMs = IDEMPOTENCY_STALE_AFTER_MS,
): IdempotencyDecision {
  if (existing === null) return { action: 'proceed' };
  if (existing.fingerprint !== fingerprint) return { action: 'mismatch' };
  if (existing.state === 'done' && existing.response)
    return { action: 'replay', response: existing.response };
  const age = now.getTime() - Date.parse(existing.startedAt);
  return age >= staleAfterMs ? { action: 'take_over' } : { action: 'in_flight' };
}
