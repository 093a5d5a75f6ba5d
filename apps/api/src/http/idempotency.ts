/**
 * `Idempotency-Key` on mutating POSTs: the first request with a key reserves it; its 2xx answer is stored
 * before it is sent, so a retry with the same key and the same request gets that answer again (with
 * `Idempotent-Replayed: true`) instead of a second effect. The same key with a different request is a 409, as
 * is a retry while the first is still running (with `Retry-After`). A request that fails frees its key.
 * The decisions live in `@cite/catalog` and `@cite/model`; the records in `@cite/store`.
 */
import {
  IDEMPOTENCY_HEADER_PATH,
  idempotencyKeyErrors,
  idempotencyRecordId,
  requestFingerprint,
} from '@cite/catalog';
import { conflictAt, invalidField } from '@cite/errors';
import type { IdempotencyStore } from '@cite/store';
import type { RequestHandler } from 'express';
import { principalOf } from './locals';

export function idempotent(options: { store: IdempotencyStore; now: () => Date }): RequestHandler {
  return async (req, res, next) => {
    const key = req.get('idempotency-key');
    if (key === undefined) {
      next();
      return;
    }
    const [problem] = idempotencyKeyErrors(key);
    if (problem !== undefined) throw invalidField(IDEMPOTENCY_HEADER_PATH, problem);
    const path = req.originalUrl.split('?')[0] ?? req.path;
    const request = {
      fingerprint: requestFingerprint({ method: req.method, path, body: req.body }),
      method: req.method,
      path,
    };
    const startedAt = options.now();
    const begun = await options.store.begin(
      idempotencyRecordId(principalOf(res).actor, key),
      request,
      startedAt,
    );
    if (begun.action === 'replay') {
      res.set('idempotent-replayed', 'true').status(begun.response.status).json(begun.response.body);
      return;
    }
    if (begun.action === 'mismatch') {
      throw conflictAt(IDEMPOTENCY_HEADER_PATH, 'was already used for a different request; use a new key');
    }
    if (begun.action === 'in_flight') {
      res.set('retry-after', '1');
      throw conflictAt(
        IDEMPOTENCY_HEADER_PATH,
        'a request with this key is still being processed; retry shortly',
      );
    }
    const send = res.json.bind(res);
    let settled = false;
    res.json = (body: unknown) => {
      if (settled) return send(body);
      settled = true;
      const status = res.statusCode;
      const stored =
        status >= 200 && status < 300
          ? options.store.complete(
              begun.claim,
              { ...request, startedAt: startedAt.toISOString() },
              { status, body: JSON.parse(JSON.stringify(body ?? null)) as unknown },
            )
          : options.store.abandon(begun.claim);
      stored
        .catch((error: unknown) => req.log.warn('idempotency record not updated', { error }))
        .finally(() => send(body));
      return res;
    };
    next();
  };
}
