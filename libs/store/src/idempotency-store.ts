/**
 * `idempotency/<id>`: the records of requests' `Idempotency-Key`s (`IdempotencyRecord` in `@cite/model`), each
 * on a lease of its own so etcd forgets it after 24 h. `begin` reserves a key for a request or says what to do
 * instead (`decideIdempotency`); `complete` stores the answer a retry replays; `abandon` frees the key.
 */
import { ConflictError, NotFoundError } from '@cite/errors';
import {
  decideIdempotency,
  IdempotencyRecordSchema,
  type IdempotencyRecord,
  type StoredResponse,
} from '@cite/model';
import type { EtcdStore } from './etcd-store';
import { KEYSPACES } from './keys';
import type { Repository } from './repository';

/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

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
      keyspace: KEYSPACES.idempotency,
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
