import { CiteError, UnavailableError, isCiteError, type FieldIssue } from './errors';

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
  conflict: 409,
  corrupt_value: 500,
  unavailable: 503,
  timeout: 504,
  config_invalid: 500,
  internal: 500,
};

/**
 * Maps any thrown value to a status, a body and headers. Unknown errors become a bare 500 whose message
 * reveals nothing of the internals; no stack ever leaves.
 */
export function toHttpError(error: unknown): HttpError {
  if (isCiteError(error)) {
    const status = STATUS[error.code];
    const headers: Record<string, string> = {};
    if (error instanceof UnavailableError) headers['retry-after'] = String(error.retryAfterSeconds);
    const message = status >= 500 && error.code !== 'unavailable' ? 'internal error' : error.message;
    return {
      status,
      headers,
      log: status >= 500,
      body: { error: { code: error.code, message, details: status >= 500 ? [] : error.details } },
    };
  }
  return {
    status: 500,
    headers: {},
    log: true,
    body: { error: { code: 'internal', message: 'internal error', details: [] } },
  };
}
