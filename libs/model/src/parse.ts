/** From zod issues to cite's `InputError` with one `{ path, message }` per problem. */
import { InputError, type FieldIssue } from '@cite/errors';
import type { z } from 'zod';

/** `['resources', 'cpu', 'limit']` → `resources.cpu.limit`; `['env', 0, 'name']` → `env.0.name`; root → `''`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path
    .map((segment) => (typeof segment === 'symbol' ? (segment.description ?? '') : String(segment)))
    .join('.');
}

/** One field issue per problem; an unknown key becomes an issue at that key's own path. */
export function toFieldIssues(issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.flatMap((issue): FieldIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: formatIssuePath([...issue.path, key]),
        message: 'unknown field',
      }));
    }
    return [{ path: formatIssuePath(issue.path), message: issue.message }];
  });
}

/**
 * `schema`'s output for `value`, or an `InputError` whose details list every issue with its dot-joined path
 * (`resources.cpu.limit`, `env.2.name`). `what` names the thing in the message (`service is invalid: …`).
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what = 'input'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = toFieldIssues(result.error.issues);
  throw new InputError(describe(what, details), { details, cause: result.error });
}

function describe(what: string, details: FieldIssue[]): string {
  const [first] = details;
  if (!first) return `${what} is invalid`;
  const where = first.path === '' ? '' : `${first.path}: `;
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  return `${what} is invalid: ${where}${first.message}${more}`;
}
