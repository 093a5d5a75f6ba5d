import { CorruptValueError, InputError, type FieldIssue } from '@cite/errors';
import type { z } from 'zod';

function issuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((part) => String(part)).join('.'),
    message: issue.message,
  }));
}

/**
 * JSON values checked against one zod schema both ways: a value that breaks the schema is never written
 * (`InputError` with field paths), and a stored value that is not JSON or no longer matches is reported as
 * `CorruptValueError` naming its key. Pure; no I/O.
 */
export class ValueCodec<T> {
  constructor(
    readonly schema: z.ZodType<T>,
    /** What the values are, for messages ("service", "release"). */
    readonly kind: string,
  ) {}

  /** Validates `value` and returns the JSON to store (the schema's output: unknown keys stripped, defaults set). */
  encode(value: unknown): { value: T; json: string } {
    const parsed = this.schema.safeParse(value);
    if (!parsed.success) {
      const details = issuesOf(parsed.error);
      const summary = details.map((d) => `${d.path || '(root)'}: ${d.message}`).join('; ');
      throw new InputError(`invalid ${this.kind}: ${summary}`, { details, cause: parsed.error });
    }
    return { value: parsed.data, json: JSON.stringify(parsed.data) };
  }

  /** Parses what is stored at `key`; throws `CorruptValueError` naming the key when it is not a valid value. */
  decode(key: string, raw: Buffer | string): T {
    let json: unknown;
    try {
      json = JSON.parse(raw.toString());
    } catch (error) {
      throw new CorruptValueError(key, `not JSON (${(error as Error).message})`, { cause: error });
    }
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) {
      const details = issuesOf(parsed.error);
      const summary = details.map((d) => `${d.path || '(root)'}: ${d.message}`).join('; ');
      throw new CorruptValueError(key, `not a valid ${this.kind}: ${summary}`, {
        details,
        cause: parsed.error,
      });
    }
    return parsed.data;
  }

  /** Like `decode`, but returns the error instead of throwing it (for lists and watches that keep going). */
  tryDecode(key: string, raw: Buffer | string): { value: T } | { error: CorruptValueError } {
    try {
      return { value: this.decode(key, raw) };
    } catch (error) {
      if (error instanceof CorruptValueError) return { error };
      throw error;
    }
  }
}
