/**
 * From the API's error details (`{ path, message }`) to messages next to the fields of a form. The API writes
 * paths dot-joined (`cpu.request`, `env.2.name`, `domains.0`); `env[2].name` is read the same.
 */
import { ApiError, type FieldIssue } from '../api';

/** `env[2].name` → `env.2.name`; `domains[0]` → `domains.0`; a dot-joined path stays as it is. */
export function normalizePath(path: string): string {
  return path.replace(/\[(\d+)\]/g, '.$1').replace(/^\./, '');
}

/** The details of an error (none for anything but an `ApiError`). */
export function detailsOf(error: unknown): FieldIssue[] {
  return error instanceof ApiError ? error.details : [];
}

export interface FieldMessages {
  /** By field name (one of `fields`), the messages at that path joined with '; '. */
  fields: Record<string, string>;
  /** Issues at no field of the form: shown with the form's own message. */
  other: FieldIssue[];
}

function add(target: Record<string, string>, key: string, message: string): void {
  const known = target[key];
  if (known === undefined) target[key] = message;
  else if (!known.split('; ').includes(message)) target[key] = `${known}; ${message}`;
}

/** Sorts the issues onto the form's `fields` (paths as the API writes them); the rest are `other`. */
export function fieldMessages(details: readonly FieldIssue[], fields: readonly string[]): FieldMessages {
  const known = new Set(fields);
  const result: FieldMessages = { fields: {}, other: [] };
  for (const issue of details) {
    const path = normalizePath(issue.path);
    if (known.has(path)) add(result.fields, path, issue.message);
    else result.other.push(issue);
  }
  return result;
}

export interface RowMessages<F extends string> {
  /** By row key: the messages of its fields (`name`, `value`…), or `row` for the row as a whole. */
  rows: Map<string, Partial<Record<F | 'row', string>>>;
  /** Issues about the list as a whole, or about no row of it. */
  other: FieldIssue[];
}

/**
 * Sorts issues of a list (`env.3.name`, `domains.0`) onto the rows that were sent: `rowKeys[i]` is the key of
 * the row sent at index i. A field of the row not in `fields` (an unknown key) counts as the whole row's.
 */
export function rowMessages<F extends string>(
  details: readonly FieldIssue[],
  list: string,
  rowKeys: readonly string[],
  fields: readonly F[] = [],
): RowMessages<F> {
  const result: RowMessages<F> = { rows: new Map(), other: [] };
  const known = new Set<string>(fields);
  for (const issue of details) {
    const path = normalizePath(issue.path);
    const match = new RegExp(`^${list}\\.(\\d+)(?:\\.(.+))?$`).exec(path);
    const key = match ? rowKeys[Number(match[1])] : undefined;
    if (!match || key === undefined) {
      result.other.push(issue);
      continue;
    }
    const field = match[2] !== undefined && known.has(match[2]) ? (match[2] as F) : 'row';
    const row = result.rows.get(key) ?? {};
    add(row as Record<string, string>, field, issue.message);
    result.rows.set(key, row);
  }
  return result;
}

/** One line for an error: the API's own message (with its status), or the thrown error's. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return `The API did not answer: ${error.message}`;
  return String(error);
}

/** Whether `error` is the API's 409 for an `If-Match` that no longer matches (someone else changed the service). */
export function isStale(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    error.status === 409 &&
    error.details.some((detail) => normalizePath(detail.path) === 'headers.if-match')
  );
}
