import { authorize } from '@cite/auth';
import { ForbiddenError } from '@cite/errors';
import type { RequestHandler } from 'express';
import { principalOf } from './locals';

/** Lets only admins through (tokens, audit, locks); 403 otherwise. */
export const adminOnly: RequestHandler = (_req, res, next) => {
  const decision = authorize(principalOf(res), { kind: 'admin' });
  if (!decision.allowed) {
    throw new ForbiddenError(decision.reason, {
      details: [{ path: 'headers.authorization', message: decision.reason }],
    });
  }
  next();
};
