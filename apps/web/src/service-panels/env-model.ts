/**
 * The environment editor's rules, pure.
 *
 * The API has no notion of a secret variable: a service's `env` is `{ name, value }[]`, stored and answered in
 * clear to whoever may read the service, and `PATCH { env }` replaces the whole list (each entry needs its
 * value). So the editor decides what is secret itself — a name that says so (`…_TOKEN`, `PASSWORD`, `API_KEY`…)
 * or a value carrying credentials (`postgres://user:pass@…`) — and never renders such a value: the row shows an
 * empty masked input; typing replaces the value, leaving it empty keeps it, and the request sends the kept value
 * from the service as read (memory, never the DOM).
 *
 * Rows keep where they came from (`origin`, the variable's name in the read the draft started from), so that a
 * newer read of the service (someone else saved in between) can be taken in without losing the user's edits:
 * untouched rows follow the newer read, touched rows stay as typed (`rebaseEnv`).
 */
import type { EnvVar } from '@cite/model';
import type { FieldIssue } from '../api';
import { rowMessages } from './field-errors';

export interface EnvRow {
  /** Stable React key. */
  key: string;
  name: string;
  /** As typed. On a row whose stored value is secret, '' keeps the stored value. */
  value: string;
  /** The variable's name in the read this row came from; absent for an added row. */
  origin?: string;
  /** The stored value was judged secret: it is never shown, only replaced or kept. */
  secretOrigin: boolean;
}

const SECRET_WORDS = new Set([
  'SECRET',
  'SECRETS',
  'PASSWORD',
  'PASSWD',
  'PASS',
  'PWD',
  'TOKEN',
  'TOKENS',
  'KEY',
  'KEYS',
  'APIKEY',
  'CREDENTIAL',
  'CREDENTIALS',
  'CREDS',
  'PRIVATE',
  'AUTH',
  'DSN',
  'SALT',
  'PEPPER',
  'SIGNATURE',
  'COOKIE',
  'CERT',
  'PASSPHRASE',
  'BEARER',
  'SESSION',
]);

/** A name that says its value is secret: a word such as TOKEN, PASSWORD, SECRET or KEY in it, or `…KEY`. */
export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
  return words.some(
    (word) =>
      SECRET_WORDS.has(word) ||
      /(SECRET|PASSWORD|PASSWD|TOKEN|APIKEY|PRIVATEKEY|ACCESSKEY|SECRETKEY)$/.test(word),
  );
}

/** A value that carries credentials: a URL with a password (`scheme://user:pass@host`), or a PEM private key. */
export function isSecretValue(value: string): boolean {
  return (
    /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i.test(value) ||
    /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value)
  );
}

/** Whether a stored variable's value must not be shown. */
export const isSecretVar = (variable: EnvVar) => isSecretName(variable.name) || isSecretValue(variable.value);

/** Whether the row's value is masked: its stored value was secret, or its name (as typed) says so. */
export const isMasked = (row: EnvRow) => row.secretOrigin || isSecretName(row.name);

/** Whether the row keeps its stored secret value (nothing typed over it). */
export const keepsSecret = (row: EnvRow) => row.secretOrigin && row.origin !== undefined && row.value === '';

let counter = 0;
export const newRowKey = () => `env-${++counter}`;

function seedRow(variable: EnvVar): EnvRow {
  const secret = isSecretVar(variable);
  return {
    key: newRowKey(),
    name: variable.name,
    value: secret ? '' : variable.value,
    origin: variable.name,
    secretOrigin: secret,
  };
}

/** The rows for a read of the service's env: secret values are not copied into the rows. */
export function seedEnv(env: readonly EnvVar[]): EnvRow[] {
  return env.map(seedRow);
}

/** An empty row to add. */
export function blankRow(): EnvRow {
  return { key: newRowKey(), name: '', value: '', secretOrigin: false };
}

const indexes = new WeakMap<readonly EnvVar[], Map<string, string>>();

/** The value of `name` in `env` (an index per list, as a list may hold a thousand variables). */
function valueIn(env: readonly EnvVar[], name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  let index = indexes.get(env);
  if (!index) {
    index = new Map(env.map((variable) => [variable.name, variable.value]));
    indexes.set(env, index);
  }
  return index.get(name);
}

/** Whether the user changed the row since `base` (the read it came from); an added row is always touched. */
export function isTouched(row: EnvRow, base: readonly EnvVar[]): boolean {
  if (row.origin === undefined) return true;
  if (row.name !== row.origin) return true;
  return row.secretOrigin ? row.value !== '' : row.value !== valueIn(base, row.origin);
}

const isBlank = (row: EnvRow) => row.origin === undefined && row.name.trim() === '' && row.value === '';

export interface EnvBuild {
  /** The whole list to send (`PATCH { env }` replaces it). */
  env: EnvVar[];
  /** The key of the row sent at each index, to put the API's `env.<i>.…` messages next to it. */
  rowKeys: string[];
  /** What cannot be sent, by row key: a kept secret whose variable is gone from the service. */
  problems: Map<string, string>;
}

/**
 * The list to send: names trimmed, values as typed, a kept secret with the stored value of its origin in `base`,
 * added rows left blank skipped.
 */
export function buildEnv(rows: readonly EnvRow[], base: readonly EnvVar[]): EnvBuild {
  const result: EnvBuild = { env: [], rowKeys: [], problems: new Map() };
  for (const row of rows) {
    if (isBlank(row)) continue;
    let value = row.value;
    if (keepsSecret(row)) {
      const stored = valueIn(base, row.origin);
      if (stored === undefined) {
        result.problems.set(
          row.key,
          `${row.origin ?? 'this variable'} is no longer stored on the service; type its value again`,
        );
        continue;
      }
      value = stored;
    }
    result.env.push({ name: row.name.trim(), value });
    result.rowKeys.push(row.key);
  }
  return result;
}

/** Whether the rows would change the stored env (order counts: the container sees it). */
export function envChanged(rows: readonly EnvRow[], base: readonly EnvVar[]): boolean {
  const { env, problems } = buildEnv(rows, base);
  if (problems.size > 0) return true;
  return (
    env.length !== base.length || env.some((v, i) => v.name !== base[i]?.name || v.value !== base[i]?.value)
  );
}

/**
 * The draft on top of a newer read: rows the user did not touch follow `next` (new value, or gone when `next`
 * dropped the variable); touched and added rows stay as they are; variables new in `next` are added at the end
 * unless a row already has that name. Variables the user removed stay removed.
 */
export function rebaseEnv(
  rows: readonly EnvRow[],
  previous: readonly EnvVar[],
  next: readonly EnvVar[],
): EnvRow[] {
  const result: EnvRow[] = [];
  for (const row of rows) {
    if (isTouched(row, previous)) {
      result.push(row);
      continue;
    }
    const value = valueIn(next, row.origin);
    if (value !== undefined && row.origin !== undefined) {
      result.push({ ...seedRow({ name: row.origin, value }), key: row.key });
    }
  }
  const before = new Set(previous.map((variable) => variable.name));
  const named = new Set(result.map((row) => row.name.trim()));
  for (const variable of next) {
    if (!before.has(variable.name) && !named.has(variable.name)) result.push(seedRow(variable));
  }
  return result;
}

export type EnvFieldMessages = Partial<Record<'name' | 'value' | 'row', string>>;

/** The API's issues at `env.<i>.name` / `env.<i>.value` / `env.<i>` by row key; `other` for the list's own. */
export function envMessages(details: readonly FieldIssue[], rowKeys: readonly string[]) {
  return rowMessages(details, 'env', rowKeys, ['name', 'value'] as const);
}

/** What a masked value shows instead of itself (the same whatever its length). */
export const MASK = '••••••••';

/**
 * The draft after a newer read `next` of the env the rows were made from (`previous`): an unchanged draft simply
 * shows `next` (keeping the keys of rows that stay, so focus is not lost); a changed one is rebased on it.
 */
export function followEnv(
  rows: readonly EnvRow[],
  previous: readonly EnvVar[],
  next: readonly EnvVar[],
): EnvRow[] {
  if (envChanged(rows, previous)) return rebaseEnv(rows, previous, next);
  const keys = new Map(
    rows.flatMap((row) => (row.origin === undefined ? [] : [[row.origin, row.key] as const])),
  );
  // Rows just added and still empty stay (the user is about to fill them in).
  return [
    ...seedEnv(next).map((row) => ({ ...row, key: keys.get(row.name) ?? row.key })),
    ...rows.filter(isBlank),
  ];
}

export interface EnvSummary {
  added: string[];
  changed: string[];
  renamed: { from: string; to: string }[];
  removed: string[];
}

/** What saving the rows would do to `base`, by name (for the line next to Save). */
export function envSummary(rows: readonly EnvRow[], base: readonly EnvVar[]): EnvSummary {
  const summary: EnvSummary = { added: [], changed: [], renamed: [], removed: [] };
  const kept = new Set<string>();
  for (const row of rows) {
    if (isBlank(row)) continue;
    const name = row.name.trim();
    if (row.origin === undefined) {
      summary.added.push(name);
      continue;
    }
    kept.add(row.origin);
    if (name !== row.origin) summary.renamed.push({ from: row.origin, to: name });
    const valueChanged = row.secretOrigin ? row.value !== '' : row.value !== valueIn(base, row.origin);
    if (valueChanged) summary.changed.push(name);
  }
  for (const variable of base) if (!kept.has(variable.name)) summary.removed.push(variable.name);
  return summary;
}

/** `2 added, 1 changed, OLD renamed to NEW, 1 removed`; '' when nothing. */
export function describeEnvSummary(summary: EnvSummary): string {
  const parts: string[] = [];
  const names = (list: string[]) => (list.length <= 3 ? list.join(', ') : `${list.length} variables`);
  if (summary.added.length > 0) parts.push(`add ${names(summary.added)}`);
  if (summary.changed.length > 0) parts.push(`change ${names(summary.changed)}`);
  for (const { from, to } of summary.renamed.slice(0, 3)) parts.push(`rename ${from} to ${to}`);
  if (summary.renamed.length > 3) parts.push(`rename ${summary.renamed.length - 3} more`);
  if (summary.removed.length > 0) parts.push(`remove ${names(summary.removed)}`);
  return parts.join('; ');
}
