import { CiteError, MethodNotAllowedError, UnavailableError, isCiteError, type FieldIssue } from './errors';

/** The one error shape every API response uses. */
export interface ErrorBody {
  error: { code: string; message: string; details: FieldIssue[] };
}

export interface HttpError {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  /** 5xx are logged with their stack; 4xx are the caller's business and are not. */
  log: boolean;
}

const STATUS: Record<CiteError['code'], number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  corrupt_value: 500,
  unavailable: 503,
  timeout: 504,
  config_invalid: 500,
  not_configured: 501,
  internal: 500,
};

/**
 * What a 5xx says: never the error's own message, which carries internals (etcd keys, gRPC status, hosts).
 * The full error is logged with the request id instead.
 */
function serverMessage(error: CiteError): string {
  if (error instanceof UnavailableError) return `${error.dependency} is unavailable; try again`;
  if (error.code === 'not_configured') return error.message;
  if (error.code === 'timeout') return 'the request took too long; try again';
  return 'internal error';
}

/**
 * Maps any thrown value to a status, a body and headers. 4xx say what the caller got wrong; 5xx bodies are
 * generic (`etcd is unavailable; try again`, `internal error`) and reveal nothing of the internals; no stack
 * ever leaves.
 */
export function toHttpError(error: unknown): HttpError {
  if (isCiteError(error)) {
    const status = STATUS[error.code];
    const headers: Record<string, string> = {};
    if (error instanceof UnavailableError) headers['retry-after'] = String(error.retryAfterSeconds);
    if (error instanceof MethodNotAllowedError) headers['allow'] = error.allow.join(', ');
    const server = status >= 500;
    return {
      status,
      headers,
      log: server,
      body: {
        error: {
          code: error.code,
          message: server ? serverMessage(error) : error.message,
          details: server ? [] : error.details,
        },
      },
    };
  }
  return {
    status: 500,
    headers: {},
    log: true,
    body: { error: { code: 'internal', message: 'internal error', details: [] } },
  };
}
