import { authenticate, BearerAuthenticationError, wwwAuthenticate } from '@cite/auth';
import type { MetadataStore } from '@cite/store';
import type { RequestHandler } from 'express';

/**
 * Every request under it must carry `Authorization: Bearer <token>`; the caller lands on
 * `res.locals.principal`. A failure answers 401 with `WWW-Authenticate` (RFC 6750).
 */
export function authenticated(options: {
  store: MetadataStore;
  adminToken?: string;
  now: () => Date;
}): RequestHandler {
  const findToken = async (id: string) => (await options.store.tokens.get(id))?.value ?? null;
  return async (req, res, next) => {
    try {
      res.locals.principal = await authenticate(req.get('authorization'), {
        adminToken: options.adminToken,
        findToken,
        now: options.now,
      });
    } catch (error) {
      if (error instanceof BearerAuthenticationError) {
        res.set('www-authenticate', wwwAuthenticate(error.bearerError));
      }
      throw error;
    }
    next();
  };
}
