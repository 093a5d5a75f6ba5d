/**
 * The typed errors every part of cite throws. Adapters translate at the edge (an etcd failed compare becomes
 * `ConflictError`, an unreachable etcd `UnavailableError`); one HTTP middleware maps them to a status and
 * one response shape. Each keeps its `cause`.
 */

/** One problem with one field of an input, addressed by its path (`spec.env.0.name`). */
export interface FieldIssue {
  path: string;
  message: string;
}

export type ErrorCode =
  | 'invalid_input'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'corrupt_value'
  | 'unavailable'
  | 'timeout'
  | 'config_invalid'
  | 'not_configured'
  | 'internal';

export abstract class CiteError extends Error {
  abstract readonly code: ErrorCode;
  readonly details: FieldIssue[];

  constructor(message: string, options?: { cause?: unknown; details?: FieldIssue[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options?.details ?? [];
  }
}

/** The input is malformed or breaks a rule; `details` names each field at fault. */
export class InputError extends CiteError {
  readonly code = 'invalid_input' as const;
}

export class AuthenticationError extends CiteError {
  readonly code = 'unauthenticated' as const;
}

export class ForbiddenError extends CiteError {
  readonly code = 'forbidden' as const;
}

export class NotFoundError extends CiteError {
  readonly code = 'not_found' as const;
}

/** A stale compare-and-swap, a name already taken, an operation the current state forbids. */
export class ConflictError extends CiteError {
  readonly code = 'conflict' as const;
}

/** The path exists but not with this method; `allow` lists the methods it has (the `Allow` header). */
export class MethodNotAllowedError extends CiteError {
  readonly code = 'method_not_allowed' as const;
  constructor(
    readonly allow: readonly string[],
    message: string,
    options?: { cause?: unknown; details?: FieldIssue[] },
  ) {
    super(message, options);
  }
}

/**
 * A feature this installation has not been given what it needs for (log search without a search engine): 501,
 * with a message that says what to configure (it names a setting, never an internal).
 */
export class NotConfiguredError extends CiteError {
  readonly code = 'not_configured' as const;
}

/** The request body is larger than the server accepts. */
export class PayloadTooLargeError extends CiteError {
  readonly code = 'payload_too_large' as const;
}

/** The request body comes in a media type, charset or content coding the server does not read. */
export class UnsupportedMediaTypeError extends CiteError {
  readonly code = 'unsupported_media_type' as const;
}

/** A stored value that does not parse or does not match its schema. Names the key; never thrown through a list. */
export class CorruptValueError extends CiteError {
  readonly code = 'corrupt_value' as const;
  constructor(
    readonly key: string,
    message: string,
    options?: { cause?: unknown; details?: FieldIssue[] },
  ) {
    super(`corrupt value at ${key}: ${message}`, options);
  }
}

/** A dependency (etcd, Redis, the cluster) cannot be reached; callers may retry later. */
export class UnavailableError extends CiteError {
  readonly code = 'unavailable' as const;
  constructor(
    readonly dependency: string,
    message: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds ?? 5;
  }
  readonly retryAfterSeconds: number;
}

/** Waiting for something (a lock, a verdict) took longer than allowed. */
export class TimeoutError extends CiteError {
  readonly code = 'timeout' as const;
}

/** A configuration value is missing or wrong. `key` is the environment variable or file key at fault. */
export class ConfigError extends CiteError {
  readonly code = 'config_invalid' as const;
  constructor(
    readonly key: string,
    readonly problem: string,
  ) {
    super(`${key}: ${problem}`);
  }
}

export function isCiteError(error: unknown): error is CiteError {
  return error instanceof CiteError;
}
