/**
 * The audit trail of the API: every mutating call by an authenticated caller becomes one entry (who, what,
 * which target, when, from where, how it ended). A change that lands writes its entry in the change's own etcd
 * transaction (so a crash cannot lose it); the rest — refusals, failures, calls that changed nothing — are
 * recorded here once the response is finished. Unauthenticated calls are not recorded (anyone could fill the
 * trail); they are in the access log.
 */
import { randomUUID } from 'node:crypto';
import type { AuditEntry, AuditOutcome } from '@cite/model';
import type { MetadataStore } from '@cite/store';
import type { Request, RequestHandler, Response } from 'express';
import { sourceIpOf } from './locals';

export function auditOutcome(status: number): AuditOutcome {
  if (status < 400) return 'ok';
  if (status === 401 || status === 403) return 'denied';
  return 'failed';
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * Marks a route as audited: `action` like `service.create`, `target` like `service/web` (computed before the
 * route runs, so a refused call is recorded too).
 */
export function audited(action: string, target: (req: Request) => string): RequestHandler {
  return (req, res, next) => {
    res.locals.audit = { action, target: clip(target(req), 512), sourceIp: sourceIpOf(req) };
    next();
  };
}

/**
 * The entry of this request's change, to write in the change's own transaction; after the transaction
 * landed, call `markRecorded` so it is not written again. Undefined when the route is not audited.
 */
export function changeEntry(req: Request, res: Response, status: number, now: Date): AuditEntry | undefined {
  const intent = res.locals.audit;
  const principal = res.locals.principal;
  if (!intent || !principal) return undefined;
  return {
    id: randomUUID(),
    time: now.toISOString(),
    actor: principal.actor,
    action: intent.action,
    target: intent.target,
    sourceIp: sourceIpOf(req),
    outcome: 'ok',
    details: {
      actorName: principal.name,
      method: req.method,
      path: req.originalUrl.split('?')[0],
      status,
      requestId: req.id,
      ...intent.details,
    },
  };
}

export function markRecorded(res: Response): void {
  if (res.locals.audit) res.locals.audit.recorded = true;
}

/** Writes the entry for each audited request whose change did not write it, when its response finishes. */
export function auditTrail(options: { store: MetadataStore; now: () => Date }): RequestHandler {
  return (req, res, next) => {
    // After the response: nothing waits for it, and `record` logs its own failure.
    res.once('finish', () => void record(options, req, res));
    next();
  };
}

async function record(options: { store: MetadataStore; now: () => Date }, req: Request, res: Response) {
  const intent = res.locals.audit;
  const principal = res.locals.principal;
  if (!intent || !principal || intent.recorded) return;
  const entry: AuditEntry = {
    id: randomUUID(),
    time: options.now().toISOString(),
    actor: principal.actor,
    action: intent.action,
    target: intent.target,
    sourceIp: sourceIpOf(req),
    outcome: auditOutcome(res.statusCode),
    details: {
      actorName: principal.name,
      method: req.method,
      path: req.originalUrl.split('?')[0],
      status: res.statusCode,
      requestId: req.id,
      ...intent.details,
    },
  };
  try {
    await options.store.audit.append(entry);
  } catch (error) {
    req.log.error('audit entry not recorded', { error, audit: entry });
  }
}
