import { CiteError, ConflictError, TimeoutError, UnavailableError } from '@cite/errors';

/**
 * Thrown by a job handler for a failure that retrying cannot fix (a record that is not there, input that breaks
 * a rule). The worker fails the job at once instead of retrying it.
 */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/**
 * Thrown by a job handler that stops because its worker is shutting down (or lost the right to the job): the job
 * goes back to the queue for another worker, without using up an attempt.
 */
export class HandBackError extends Error {
  constructor(message = 'handed back to the queue') {
    super(message);
    this.name = 'HandBackError';
  }
}

export type JobFailureKind = 'permanent' | 'transient' | 'hand-back';

/**
 * How a worker treats a handler's error. Transient: dependencies that were unreachable or slow
 * (`UnavailableError`, `TimeoutError`), a lost compare-and-swap race (`ConflictError`, re-read and try again),
 * and unknown errors (bounded by the job's attempts). Permanent: `PermanentJobError` and every other typed cite
 * error (bad input, not found, corrupt value, forbidden) — retrying gives the same answer. Pure.
 */
export function classifyJobError(error: unknown): JobFailureKind {
  if (error instanceof HandBackError) return 'hand-back';
  if (error instanceof PermanentJobError) return 'permanent';
  if (error instanceof UnavailableError || error instanceof TimeoutError || error instanceof ConflictError) {
    return 'transient';
  }
  if (error instanceof CiteError) return 'permanent';
  return 'transient';
}
