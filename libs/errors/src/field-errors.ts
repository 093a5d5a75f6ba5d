/** Typed errors about one named field, with that field as their one detail. */
import { ConflictError, InputError, NotFoundError } from './errors';

/** An `InputError` about one field, its message prefixed with the path. */
export function invalidField(path: string, message: string): InputError {
  return new InputError(`${path}: ${message}`, { details: [{ path, message }] });
}

/** A `ConflictError` naming the field whose value the current state refuses. */
export function conflictAt(path: string, message: string): ConflictError {
  return new ConflictError(message, { details: [{ path, message }] });
}

/** A `NotFoundError` naming the field that named the missing thing. */
export function notFoundAt(path: string, message: string): NotFoundError {
  return new NotFoundError(message, { details: [{ path, message }] });
}
