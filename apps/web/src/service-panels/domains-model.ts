/**
 * The domains panel's rules, pure: the draft list of hosts, the `PATCH { domains }` body (the whole list; hosts
 * trimmed and lower-cased, as DNS is not case-sensitive and the API takes lower case only), and each host's
 * state from its domain record (`GET /domains?service=`): who serves it, and who else claims it.
 */
import type { Domain } from '@cite/model';
import type { FieldIssue } from '../api';
import { rowMessages } from './field-errors';

export interface DomainRow {
  key: string;
  host: string;
  /** The host in the read this row came from; absent for an added row. */
  origin?: string;
}

let counter = 0;
const newKey = () => `domain-${++counter}`;

export const seedDomains = (domains: readonly string[]): DomainRow[] =>
  domains.map((host) => ({ key: newKey(), host, origin: host }));

export const blankDomain = (): DomainRow => ({ key: newKey(), host: '' });

/** A host as it is sent. */
export const hostOf = (text: string) => text.trim().toLowerCase().replace(/\.$/, '');

export interface DomainsBuild {
  domains: string[];
  /** The key of the row sent at each index (the API's 409 names `domains.<i>`). */
  rowKeys: string[];
}

/** The list to send; empty rows are skipped. */
export function buildDomains(rows: readonly DomainRow[]): DomainsBuild {
  const result: DomainsBuild = { domains: [], rowKeys: [] };
  for (const row of rows) {
    const host = hostOf(row.host);
    if (host === '') continue;
    result.domains.push(host);
    result.rowKeys.push(row.key);
  }
  return result;
}

export function domainsChanged(rows: readonly DomainRow[], base: readonly string[]): boolean {
  const { domains } = buildDomains(rows);
  return domains.length !== base.length || domains.some((host, index) => host !== base[index]);
}

const touched = (row: DomainRow) => row.origin === undefined || hostOf(row.host) !== row.origin;

/** The draft on top of a newer read: untouched rows follow it, edits stay, hosts new in `next` are added. */
export function rebaseDomains(
  rows: readonly DomainRow[],
  previous: readonly string[],
  next: readonly string[],
): DomainRow[] {
  const wanted = new Set(next);
  const result = rows.filter((row) => touched(row) || (row.origin !== undefined && wanted.has(row.origin)));
  const before = new Set(previous);
  const present = new Set(result.map((row) => hostOf(row.host)));
  for (const host of next) {
    if (!before.has(host) && !present.has(host)) result.push({ key: newKey(), host, origin: host });
  }
  return result;
}

export function domainMessages(details: readonly FieldIssue[], rowKeys: readonly string[]) {
  return rowMessages(details, 'domains', rowKeys);
}

export type Tone = 'ok' | 'warn' | 'bad' | 'muted';

export interface HostState {
  tone: Tone;
  /** A few words: `Served`, `Also claimed`, … */
  label: string;
  /** The sentence behind them. */
  detail: string;
}

/** Who a claimant is: `namespace/name` is an Ingress outside cite, anything else a cite service. */
export function claimantText(claimant: string): string {
  return claimant.includes('/') ? `the Ingress ${claimant} (outside cite)` : `the service ${claimant}`;
}

/**
 * The state of `host` for `service` from its record: `records` are the domain records of the service (a host
 * without one has not been recorded yet: the watcher fills it in once the Ingress exists).
 */
export function hostState(
  host: string,
  record: Domain | undefined,
  service: string,
  saved: boolean,
  now: Date = new Date(),
): HostState {
  if (!saved) return { tone: 'muted', label: 'Not saved', detail: 'Save to claim this host.' };
  if (!record) {
    return {
      tone: 'muted',
      label: 'Not recorded yet',
      detail: 'No domain record for this host yet; it appears once the claim has been recorded.',
    };
  }
  if (record.service !== service) {
    const owner = record.service ?? record.ingress;
    return {
      tone: 'bad',
      label: 'Held by another owner',
      detail: owner ? `Held by ${claimantText(owner)}.` : 'Held by another owner.',
    };
  }
  if (record.conflict) {
    return {
      tone: 'warn',
      label: 'Also claimed',
      detail: `Also claimed by ${claimantText(record.conflict.with)} since ${ago(record.conflict.since, now)}; this service keeps the host while it holds it.`,
    };
  }
  if (!record.ingress) {
    return { tone: 'muted', label: 'Waiting for Ingress', detail: 'Claimed; no Ingress serves it yet.' };
  }
  const via = record.targets.length > 0 ? ` at ${record.targets.join(', ')}` : '';
  const tls = record.tls ? ', TLS' : '';
  return { tone: 'ok', label: 'Served', detail: `Served by ${record.ingress}${via}${tls}.` };
}

/** `3 minutes ago`, `2 days ago` (a date further back than a month). */
export function ago(time: string, now: Date = new Date()): string {
  const then = new Date(time);
  const seconds = Math.round((now.getTime() - then.getTime()) / 1000);
  if (!Number.isFinite(seconds)) return time;
  if (seconds < 60) return 'less than a minute ago';
  const units: [number, string][] = [
    [60, 'minute'],
    [3600, 'hour'],
    [86_400, 'day'],
  ];
  if (seconds >= 30 * 86_400) return then.toISOString().slice(0, 10);
  let text = '';
  for (const [size, unit] of units) {
    if (seconds >= size) {
      const count = Math.floor(seconds / size);
      text = `${count} ${unit}${count === 1 ? '' : 's'} ago`;
    }
  }
  return text;
}
