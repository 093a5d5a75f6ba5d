/** What an API failure was, read from client-node's `ApiException` (`code`, `body`) or a watch error. */

export function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as { code?: unknown; statusCode?: unknown };
  if (typeof candidate.code === 'number') return candidate.code;
  if (typeof candidate.statusCode === 'number') return candidate.statusCode;
  return undefined;
}

/** The `reason` of the Status object the server answered with, when there is one. */
export function statusReasonOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  let body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const reason = (body as { reason?: unknown }).reason;
  return typeof reason === 'string' ? reason : undefined;
}

export const isNotFound = (error: unknown): boolean => statusCodeOf(error) === 404;
export const isConflict = (error: unknown): boolean => statusCodeOf(error) === 409;
export const isGone = (error: unknown): boolean => statusCodeOf(error) === 410;

/** 409 because the name is taken (as opposed to a stale resourceVersion). */
export function isAlreadyExists(error: unknown): boolean {
  if (statusCodeOf(error) !== 409) return false;
  const reason = statusReasonOf(error);
  return reason === undefined || reason === 'AlreadyExists';
}

/** The server does not offer this endpoint or verb (yet). */
export function isUnsupported(error: unknown): boolean {
  const code = statusCodeOf(error);
  return code === 404 || code === 405 || code === 501;
}

/** A short description for logs. */
export function describeError(error: unknown): string {
  const code = statusCodeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const reason = statusReasonOf(error);
  return [code, reason, message].filter((part) => part !== undefined && part !== '').join(' ');
}
