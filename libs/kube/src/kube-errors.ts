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

/** The HTTP status of a client-node failure (`ApiException.code`), if it has one. */
export function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && code >= 100 && code < 600 ? code : undefined;
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
