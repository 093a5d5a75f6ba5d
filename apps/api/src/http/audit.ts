/**
 * The audit trail of the API: every mutating call by an authenticated caller becomes one entry (who, what,
 * which target, when, from where, how it ended) once its response is finished. Unauthenticated calls are not
 * recorded (anyone could fill the trail); they are in the access log.
 */
import { randomUUID } from 'node:crypto';
import { isIP, type AuditEntry, type AuditOutcome } from '@cite/model';
import type { MetadataStore } from '@cite/store';
import type { Request, RequestHandler, Response } from 'express';

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
    res.locals.audit = { action, target: clip(target(req), 512) };
    next();
  };
}

/** Writes the entry for each audited request when its response finishes. */
export function auditTrail(options: { store: MetadataStore; now: () => Date }): RequestHandler {
  return (req, res, next) => {
    res.once('finish', () => void record(options, req, res));
    next();
  };
}

async function record(options: { store: MetadataStore; now: () => Date }, req: Request, res: Response) {
  const intent = res.locals.audit;
  const principal = res.locals.principal;
  if (!intent || !principal) return;
  const entry: AuditEntry = {
    id: randomUUID(),
    time: options.now().toISOString(),
    actor: principal.actor,
    action: intent.action,
    target: intent.target,
    sourceIp: req.ip !== undefined && isIP(req.ip) ? req.ip : '::',
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
