/**
 * The audit log's filters as the API takes them (`GET /api/v1/audit?during=&limit=&cursor=`): `during` is a UTC
 * time prefix (`2024`, `2024-05`, `2024-05-01`, `2024-05-01T12`, `2024-05-01T12:30`), checked here before it is
 * sent; the filters live in the page's address so a reload or a shared link keeps them. Pure.
 */
import type { AuditEntry } from '@cite/model';

export interface AuditFilters {
  /** A UTC time prefix, or '' for all time. */
  during: string;
  /** Entries a page. */
  limit: number;
}

export const PAGE_SIZES = [50, 100, 250] as const;
export const DEFAULT_PAGE_SIZE = 50;

const DURING = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2}))?)?)?)?$/;

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** What is wrong with `during` as a UTC time prefix, or undefined when it is one (or empty). */
export function duringProblem(during: string): string | undefined {
  if (during === '') return undefined;
  const match = DURING.exec(during);
  if (!match) {
    return 'Use a UTC time prefix: 2024, 2024-05, 2024-05-01, 2024-05-01T12 or 2024-05-01T12:30.';
  }
  const [, year, month, day, hour, minute] = match;
  if (month !== undefined && (Number(month) < 1 || Number(month) > 12)) return `Month ${month} is not 01–12.`;
  if (day !== undefined) {
    const last = daysIn(Number(year), Number(month));
    if (Number(day) < 1 || Number(day) > last) return `Day ${day} is not 01–${last} in ${year}-${month}.`;
  }
  if (hour !== undefined && Number(hour) > 23) return `Hour ${hour} is not 00–23.`;
  if (minute !== undefined && Number(minute) > 59) return `Minute ${minute} is not 00–59.`;
  return undefined;
}

/** The filters a page address carries (`?during=&limit=`); what it has that is not valid is left out. */
export function filtersFromSearch(search: URLSearchParams): AuditFilters {
  const during = search.get('during')?.trim() ?? '';
  const limit = Number(search.get('limit'));
  return {
    during: duringProblem(during) === undefined ? during : '',
    limit: (PAGE_SIZES as readonly number[]).includes(limit) ? limit : DEFAULT_PAGE_SIZE,
  };
}

/** The page address's query for `filters` (defaults left out). */
export function filtersToSearch(filters: AuditFilters): Record<string, string> {
  return {
    ...(filters.during === '' ? {} : { during: filters.during }),
    ...(filters.limit === DEFAULT_PAGE_SIZE ? {} : { limit: String(filters.limit) }),
  };
}

/** The API query for one page of entries under `filters`, from `cursor` on. */
export function auditQuery(
  filters: AuditFilters,
  cursor?: string,
): { limit: number; during?: string; cursor?: string } {
  return {
    limit: filters.limit,
    ...(filters.during === '' ? {} : { during: filters.during }),
    ...(cursor === undefined ? {} : { cursor }),
  };
}

/** The UTC prefix of `date`'s day (`2024-05-01`) or hour (`2024-05-01T12`). */
export function utcPrefix(date: Date, unit: 'day' | 'hour'): string {
  const iso = date.toISOString();
  return unit === 'day' ? iso.slice(0, 10) : iso.slice(0, 13);
}

/** The page of the service an audit target names (`service/web`), if it names one. */
export function targetHref(target: string): string | undefined {
  const match = /^service\/([a-z0-9][-a-z0-9]*)$/.exec(target);
  return match ? `/services/${match[1]}` : undefined;
}

/** Who did it: the token's name with the actor (`Ada (token:abc)`), or the actor alone. */
export function actorLabel(entry: AuditEntry): string {
  const name = entry.details?.['actorName'];
  return typeof name === 'string' && name !== '' && name !== entry.actor
    ? `${name} (${entry.actor})`
    : entry.actor;
}

/** `2024-05-01 12:30:05 UTC` */
export function utcTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
