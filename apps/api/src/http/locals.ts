/** What middleware leaves on `res.locals` for later middleware and routes. */
import type { Principal } from '@cite/auth';
import type { CallContext } from '@cite/catalog';
import { AuthenticationError } from '@cite/errors';
import type { Request, Response } from 'express';

/** What an audited route is about; the audit middleware records it when the response finishes. */
export interface AuditIntent {
  action: string;
  target: string;
  details?: Record<string, unknown>;
}

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

export function callContext(req: Request, res: Response): CallContext {
  return { principal: principalOf(res), requestId: req.id };
}

/** Adds fields to the audit entry of this request (e.g. the release a deploy made). */
export function auditDetails(res: Response, details: Record<string, unknown>): void {
  if (res.locals.audit) res.locals.audit.details = { ...res.locals.audit.details, ...details };
}
