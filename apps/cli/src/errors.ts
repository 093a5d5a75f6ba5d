/**
 * The CLI's documented exit codes and the error that carries one. Every failure ends as one line on stderr and one
 * of these codes, never a stack trace.
 */
export const EXIT = {
  ok: 0,
  /** A release failed (deploy --wait, rollback --wait). */
  failed: 1,
  /** Bad arguments, or input the API refused (400). */
  usage: 2,
  /** No token, a token the API refused (401), or not allowed (403). */
  auth: 3,
  notFound: 4,
  conflict: 5,
  /** The server could not be reached or answered 5xx. */
  unavailable: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** The fields at fault, as the API named them. */
    readonly details: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The exit code of an API answer's HTTP status. */
export function exitCodeOf(status: number): ExitCode {
  if (status === 401 || status === 403) return EXIT.auth;
  if (status === 404) return EXIT.notFound;
  if (status === 409 || status === 412) return EXIT.conflict;
  if (status >= 500) return EXIT.unavailable;
  return EXIT.usage;
}
