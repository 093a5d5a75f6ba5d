/** What middleware leaves on `res.locals` for later middleware and routes. */
import type { Principal } from '@cite/auth';
import type { AuditIntent, CallContext } from '@cite/catalog';
import { isIP } from '@cite/model';
import { AuthenticationError } from '@cite/errors';
import type { Request, Response } from 'express';

/**
 * What an audited route is about. A change that lands writes the entry in its own transaction (and marks it
 * `recorded`); otherwise the audit middleware records it when the response finishes.
 */
export type { AuditIntent };

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      principal?: Principal;
      audit?: AuditIntent;
    }
  }
}

/** The authenticated caller; only reachable behind `authenticated()`. */
export function principalOf(res: Response): Principal {
  const principal = res.locals.principal;
  if (!principal) throw new AuthenticationError('not authenticated');
  return principal;
}

/** The client's address for the audit trail (`req.ip` believes `X-Forwarded-For` only from trusted proxies). */
export function sourceIpOf(req: Request): string {
  return req.ip !== undefined && isIP(req.ip) ? req.ip : '::';
}

export function callContext(req: Request, res: Response): CallContext {
  const principal = principalOf(res);
  const audit = res.locals.audit;
  if (audit) {
    audit.sourceIp = sourceIpOf(req);
    audit.details = {
      actorName: principal.name,
      method: req.method,
      path: req.originalUrl.split('?')[0],
      requestId: req.id,
      ...audit.details,
    };
  }
  return { principal, requestId: req.id, ...(audit ? { audit } : {}) };
}

/** Adds fields to the audit entry of this request (e.g. the release a deploy made). */
export function auditDetails(res: Response, details: Record<string, unknown>): void {
  if (res.locals.audit) res.locals.audit.details = { ...res.locals.audit.details, ...details };
}
