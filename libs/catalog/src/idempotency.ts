/**
 * `Idempotency-Key` for mutating POSTs: a client that retries a request with the same key gets the first
 * answer back instead of a second effect. What a request is (its fingerprint) and where its record lives (a
 * hash of caller and key, so two callers never see each other's keys) are decided here; the record and the
 * rule that reads it are `IdempotencyRecord` and `decideIdempotency` in `@cite/model`, and `IdempotencyStore`
 * in `@cite/store` keeps the records (`idempotency/<id>`, leased 24 h). Pure.
 */
import { createHash } from 'node:crypto';

export const IDEMPOTENCY_HEADER_PATH = 'headers.idempotency-key';

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
