import { InputError } from '@cite/errors';
import type { ErrorRequestHandler } from 'express';

/**
 * An issue about the whole request body (a missing body, an array where an object belongs) has the empty
 * path; the API names it `body`, so every 4xx names what was at fault.
 */
export const rootIssuesAtBody: ErrorRequestHandler = (error, _req, _res, next) => {
  if (error instanceof InputError && error.details.some((detail) => detail.path === '')) {
    const details = error.details.map((detail) =>
      detail.path === '' ? { ...detail, path: 'body' } : detail,
    );
    next(new InputError(error.message, { details, cause: error }));
    return;
  }
  next(error);
};
