/**
 * Kubernetes failures as cite's typed errors, at the edge: 404 → NotFoundError, 409 → ConflictError,
 * 400/422 → InputError (with the Status causes as field issues), 401/403 → ForbiddenError, 429/5xx and anything
 * that never got an answer (refused, reset, timed out) → UnavailableError('kubernetes'), which callers retry.
 */
import {
  ConflictError,
  ForbiddenError,
  InputError,
  isCiteError,
  NotFoundError,
  UnavailableError,
  type CiteError,
} from '@cite/errors';

interface StatusBody {
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: { field?: string; message?: string; reason?: string }[] };
}

const isHttpStatus = (value: unknown): value is number =>
  typeof value === 'number' && value >= 100 && value < 600;

/**
 * The HTTP status of a failed Kubernetes call, if it has one: `code` on client-node's `ApiException` and on
 * `KubeHttpError`, `statusCode` on the errors client-node's `Watch` reports.
 */
export function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (isHttpStatus(code)) return code;
  return isHttpStatus(statusCode) ? statusCode : undefined;
}

function statusBody(error: unknown): StatusBody {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const parsed: unknown = JSON.parse(body);
      return typeof parsed === 'object' && parsed !== null ? (parsed as StatusBody) : { message: body };
    } catch {
      return { message: body };
    }
  }
  return typeof body === 'object' && body !== null ? (body as StatusBody) : {};
}

/** The `reason` of the Status the server answered with (`NotFound`, `AlreadyExists`, `Conflict`, …), if any. */
export function statusReasonOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const reason = statusBody(error).reason;
  return typeof reason === 'string' ? reason : undefined;
}

export const isNotFound = (error: unknown): boolean => statusCodeOf(error) === 404;
export const isConflict = (error: unknown): boolean => statusCodeOf(error) === 409;
/** 410 Gone: a watch's or list's resourceVersion is too old (Expired). */
export const isGone = (error: unknown): boolean => statusCodeOf(error) === 410;

/** A 409 because the name is taken, as opposed to a stale resourceVersion (reason `Conflict`). */
export function isAlreadyExists(error: unknown): boolean {
  if (statusCodeOf(error) !== 409) return false;
  const reason = statusReasonOf(error);
  return reason === undefined || reason === 'AlreadyExists';
}

/** The server does not offer this endpoint or verb: 404, 405 or 501. */
export function isUnsupported(error: unknown): boolean {
  const code = statusCodeOf(error);
  return code === 404 || code === 405 || code === 501;
}

/** A short description for logs: status code, Status reason and message, as far as known. */
export function describeKubeError(error: unknown): string {
  const code = statusCodeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const reason = statusReasonOf(error);
  return [code, reason, message].filter((part) => part !== undefined && part !== '').join(' ');
}

export function translateKubeError(error: unknown, action: string): CiteError {
  if (isCiteError(error)) return error;
  const code = statusCodeOf(error);
  if (code === undefined) {
    const message = error instanceof Error ? error.message : String(error);
    return new UnavailableError('kubernetes', `${action}: cluster unreachable: ${message}`, { cause: error });
  }
  const body = statusBody(error);
  const message = `${action}: ${body.message ?? `HTTP ${code}`}`;
  switch (code) {
    case 404:
      return new NotFoundError(message, { cause: error });
    case 409:
      return new ConflictError(message, { cause: error });
    case 400:
    case 422:
      return new InputError(message, {
        cause: error,
        details: (body.details?.causes ?? []).map((cause) => ({
          path: cause.field ?? '',
          message: cause.message ?? cause.reason ?? 'invalid',
        })),
      });
    case 401:
    case 403:
      return new ForbiddenError(message, { cause: error });
    default:
      if (code === 429 || code >= 500) {
        return new UnavailableError('kubernetes', message, { cause: error });
      }
      return new InputError(message, { cause: error });
  }
}

/**
 * Runs a cluster call, translating its failure; a call without an answer in `timeoutMs` fails as unavailable
 * (the request is left to finish on its own).
 */
export async function kubeCall<T>(action: string, call: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      call(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new UnavailableError('kubernetes', `${action}: no answer in ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (error) {
    throw translateKubeError(error, action);
  } finally {
    clearTimeout(timer);
  }
}
