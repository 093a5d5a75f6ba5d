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
  /**
   * Keys whose value at a revision passed the schema unchanged (`key → mod_revision`). etcd never changes the
   * bytes of a key at a revision, so the same key at the same revision is the same value: it is then only
   * `JSON.parse`d, not validated again. Lists of thousands of records spend most of their time in zod otherwise.
   * Only canonical values are remembered (the schema's output serialises to exactly the stored bytes), so the
   * shortcut returns what validation would. Bounded: the oldest entries go first.
   */
  private readonly validated = new Map<string, string>();

  constructor(
    readonly schema: z.ZodType<T>,
    /** What the values are, for messages ("service", "release"). */
    readonly kind: string,
    /** How many `key → revision` entries to remember. @defaultValue 20,000 */
    private readonly memoSize = 20_000,
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

  /**
   * Parses what is stored at `key`; throws `CorruptValueError` naming the key when it is not a valid value.
   * `revision` (the key's `mod_revision`) lets a value already validated at that revision skip the schema.
   */
  decode(key: string, raw: Buffer | string, revision?: string): T {
    const text = raw.toString();
    if (revision !== undefined && this.validated.get(key) === revision) return JSON.parse(text) as T;
    let json: unknown;
    try {
      json = JSON.parse(text);
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
    if (revision !== undefined && JSON.stringify(parsed.data) === text) this.remember(key, revision);
    return parsed.data;
  }

  private remember(key: string, revision: string): void {
    this.validated.delete(key);
    this.validated.set(key, revision);
    if (this.validated.size > this.memoSize) {
      const oldest = this.validated.keys().next();
      if (!oldest.done) this.validated.delete(oldest.value);
    }
  }

  /** Like `decode`, but returns the error instead of throwing it (for lists and watches that keep going). */
  tryDecode(
    key: string,
    raw: Buffer | string,
    revision?: string,
  ): { value: T } | { error: CorruptValueError } {
    try {
      return { value: this.decode(key, raw, revision) };
    } catch (error) {
      if (error instanceof CorruptValueError) return { error };
      throw error;
    }
  }
}
