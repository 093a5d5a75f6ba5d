/**
 * `Idempotency-Key` for mutating POSTs: a client that retries a request with the same key gets the first
 * answer back instead of a second effect. Records live at `idempotency/<sha256(actor, key)>` on a 24 h lease,
 * scoped per caller so two callers never see each other's keys. The decisions are pure; `IdempotencyStore`
 * does the etcd part.
 */
import { createHash } from 'node:crypto';
import { ConflictError, NotFoundError } from '@cite/errors';
import { TimestampSchema } from '@cite/model';
import type { EtcdStore, Repository } from '@cite/store';
import { z } from 'zod';
import { CATALOG_KEYSPACES } from './keyspaces';

export const IDEMPOTENCY_HEADER_PATH = 'headers.idempotency-key';
/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
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

/** Why a header value is not a usable key: 1–255 visible ASCII characters. */
export function idempotencyKeyErrors(key: string): string[] {
  return /^[\x21-\x7e]{1,255}$/.test(key) ? [] : ['must be 1-255 visible ASCII characters'];
}

/** JSON with object keys sorted at every depth, so equal bodies have equal text. */
export function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, field: unknown) =>
      field !== null && typeof field === 'object' && !Array.isArray(field)
        ? Object.fromEntries(
            Object.entries(field as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
          )
        : field,
    ) ?? 'null'
  );
}

export function requestFingerprint(request: { method: string; path: string; body: unknown }): string {
  return createHash('sha256')
    .update(`${request.method.toUpperCase()} ${request.path}\n${canonicalJson(request.body ?? null)}`)
    .digest('hex');
}

/** The record id for a caller's key: hashed, so any header value makes a valid etcd key. */
export function idempotencyRecordId(actor: string, key: string): string {
  return createHash('sha256').update(`${actor}\n${key}`).digest('hex');
}

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

/** A reservation held while the first request runs. */
export interface IdempotencyClaim {
  id: string;
  modRevision: number;
}

export type BeginResult =
  | { action: 'proceed'; claim: IdempotencyClaim }
  | { action: 'replay'; response: StoredResponse }
  | { action: 'mismatch' }
  | { action: 'in_flight' };

export class IdempotencyStore {
  readonly records: Repository<IdempotencyRecord>;

  constructor(
    store: EtcdStore,
    private readonly options: { ttlSeconds?: number; staleAfterMs?: number } = {},
  ) {
    this.records = store.repository<IdempotencyRecord>({
      keyspace: CATALOG_KEYSPACES.idempotency,
      schema: IdempotencyRecordSchema,
      kind: 'idempotency record',
    });
  }

  /** Reserves the key for this request, or says what to do instead. */
  async begin(
    id: string,
    request: { fingerprint: string; method: string; path: string },
    now: Date,
  ): Promise<BeginResult> {
    const pending: IdempotencyRecord = { ...request, state: 'pending', startedAt: now.toISOString() };
    for (let attempt = 1; ; attempt++) {
      try {
        const created = await this.records.createExpiring(
          id,
          pending,
          this.options.ttlSeconds ?? IDEMPOTENCY_TTL_SECONDS,
        );
        return { action: 'proceed', claim: { id, modRevision: created.modRevision } };
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= 3) throw error;
      }
      const existing = await this.records.get(id);
      if (!existing) continue; // expired in between: try to create again
      const decision = decideIdempotency(existing.value, request.fingerprint, now, this.options.staleAfterMs);
      if (decision.action !== 'take_over') {
        return decision.action === 'proceed' ? { action: 'in_flight' } : decision;
      }
      try {
        const taken = await this.records.update(id, pending, existing.modRevision, { keepLease: true });
        return { action: 'proceed', claim: { id, modRevision: taken.modRevision } };
      } catch (error) {
        if (error instanceof ConflictError) return { action: 'in_flight' };
        if (!(error instanceof NotFoundError)) throw error;
      }
    }
  }

  /** Records the answer, so retries replay it. */
  async complete(
    claim: IdempotencyClaim,
    request: { fingerprint: string; method: string; path: string; startedAt: string },
    response: StoredResponse,
  ): Promise<void> {
    await this.records.update(claim.id, { ...request, state: 'done', response }, claim.modRevision, {
      keepLease: true,
    });
  }

  /** Forgets the reservation (the request failed and changed nothing worth replaying). */
  async abandon(claim: IdempotencyClaim): Promise<void> {
    await this.records.delete(claim.id, claim.modRevision).catch((error: unknown) => {
      if (!(error instanceof ConflictError) && !(error instanceof NotFoundError)) throw error;
    });
  }
}
