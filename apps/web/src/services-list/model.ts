/**
 * The services list's deciding logic, pure: the filters as they live in the URL (`q`, `team`, `state`, repeated
 * `label`), the `GET /api/v1/services` query they make, how a release's status and age read, and how ready pods
 * compare with desired ones. The list answer's shape (`include=status`) is typed here too.
 */
import type { Service } from '@cite/model';

/** How many services one page asks for (the API allows up to 1,000): a screenful or two, drawn in well under 100 ms of main-thread time. */
export const PAGE_SIZE = 50;

export type ReleaseStatus = 'pending' | 'in_progress' | 'succeeded' | 'failed' | 'superseded';

/** `status` of one list item when asked with `include=status`. */
export interface ServiceStatusSummary {
  /** The newest release and how far it got; null before the first. */
  release: {
    number: number;
    status: ReleaseStatus;
    image: string;
    cause: string;
    createdAt: string;
    finishedAt?: string;
    failureReason?: string;
  } | null;
  /** The release that last succeeded: what should be running. */
  running: number | null;
  pods: { desired: number; ready: number };
  /** When the deployer or watcher last reported the service; null before they have. */
  observedAt: string | null;
}

export type ServiceListItem = Pick<
  Service,
  'name' | 'team' | 'state' | 'image' | 'replicas' | 'domains' | 'labels' | 'currentRelease' | 'preview'
> & { status?: ServiceStatusSummary };

export interface ServicePage {
  items: ServiceListItem[];
  nextCursor?: string;
}

// ------------------------------------------------------------------ filters

/** `''`: the API's default (active and deleting). */
export type StateFilter = '' | 'all' | 'active' | 'deleting' | 'deleted';

export const STATE_CHOICES: readonly { value: StateFilter; label: string }[] = [
  { value: '', label: 'Active and deleting' },
  { value: 'active', label: 'Active' },
  { value: 'deleting', label: 'Deleting' },
  { value: 'deleted', label: 'Deleted' },
  { value: 'all', label: 'All, deleted too' },
];

export interface Filters {
  /** Part of the name (letters, digits and hyphens); '' for none. */
  q: string;
  /** A team chosen on the page; '' for none (the session's team applies). */
  team: string;
  state: StateFilter;
  /** Label selectors, each `key` or `key=value`. */
  labels: string[];
}

export const NO_FILTERS: Filters = { q: '', team: '', state: '', labels: [] };

const Q_PATTERN = /^[a-zA-Z0-9-]*$/;
const TEAM_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why a search text cannot go to the API (its rule for `q`), or undefined when it can. */
export function searchProblem(text: string): string | undefined {
  const q = text.trim();
  if (q.length > 63) return 'Search at most 63 characters of a name.';
  if (!Q_PATTERN.test(q)) return 'Names have only letters, digits and hyphens.';
  return undefined;
}

/** Why a team name typed by an admin is not a team name, or undefined when it could be one. */
export function teamProblem(text: string): string | undefined {
  const team = text.trim();
  if (team === '') return undefined;
  if (team.length > 58 || !TEAM_PATTERN.test(team))
    return 'A team name has lowercase letters, digits and hyphens (at most 58), starting and ending with a letter or digit.';
  return undefined;
}

function labelKeyValid(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  const prefix = parts.length === 2 ? parts[0]! : undefined;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !SUBDOMAIN.test(prefix)))
    return false;
  return name.length <= 63 && QUALIFIED_NAME.test(name);
}

function labelValueValid(value: string): boolean {
  return value === '' || (value.length <= 63 && QUALIFIED_NAME.test(value));
}

/** One selector `key` or `key=value` as the API checks it (a valid label key, and value when given). */
export function labelSelectorValid(selector: string): boolean {
  const equals = selector.indexOf('=');
  const key = equals < 0 ? selector : selector.slice(0, equals);
  const value = equals < 0 ? '' : selector.slice(equals + 1);
  return labelKeyValid(key) && labelValueValid(value);
}

/** `"app=web, tier"` → `['app=web', 'tier']`, and the selectors the API would refuse. */
export function parseLabelText(text: string): { selectors: string[]; invalid: string[] } {
  const selectors = text
    .split(/[,\s]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
  return {
    selectors: [...new Set(selectors)],
    invalid: selectors.filter((selector) => !labelSelectorValid(selector)),
  };
}

export const labelText = (labels: readonly string[]): string => labels.join(', ');

/** The filters in a URL's search params; what the API would refuse is left out. */
export function filtersFromParams(params: URLSearchParams): Filters {
  const q = (params.get('q') ?? '').trim();
  const team = (params.get('team') ?? '').trim();
  const state = params.get('state') ?? '';
  return {
    q: searchProblem(q) === undefined ? q : '',
    team: teamProblem(team) === undefined ? team : '',
    state: STATE_CHOICES.some((choice) => choice.value === state) ? (state as StateFilter) : '',
    labels: [...new Set(params.getAll('label').filter(labelSelectorValid))],
  };
}

/** The filters as search params (empty ones left out), for `setSearchParams`. Never holds the token. */
export function filtersToParams(filters: Filters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.q) params.set('q', filters.q);
  if (filters.team) params.set('team', filters.team);
  if (filters.state) params.set('state', filters.state);
  for (const label of filters.labels) params.append('label', label);
  return params;
}

/** Whether anything narrows the list beyond the team in scope. */
export const isFiltered = (filters: Filters): boolean =>
  filters.q !== '' || filters.state !== '' || filters.labels.length > 0;

/**
 * The team the list shows: the page's choice when the caller may use it (an admin any team; a member one of
 * theirs), else the session's.
 */
export function effectiveTeam(
  chosen: string,
  sessionTeam: string | undefined,
  me: { role: 'admin' | 'member'; teams: readonly string[] },
): string | undefined {
  if (chosen && (me.role === 'admin' || me.teams.includes(chosen))) return chosen;
  return sessionTeam;
}

export type ListQuery = Record<string, string | number | readonly string[] | undefined>;

/** The query of `GET /api/v1/services` for the filters, the team in scope and the page's cursor. */
export function buildListQuery(
  filters: Filters,
  team: string | undefined,
  cursor: string | undefined,
  limit = PAGE_SIZE,
): ListQuery {
  return {
    ...(team ? { team } : {}),
    ...(filters.state ? { state: filters.state } : {}),
    ...(filters.labels.length > 0 ? { label: filters.labels } : {}),
    ...(filters.q ? { q: filters.q } : {}),
    limit,
    ...(cursor ? { cursor } : {}),
    include: 'status',
  };
}

// ------------------------------------------------------------------ how things read

/** `3 min ago` from an RFC 3339 time; `just now` under a minute (or a little in the future). */
export function formatAge(iso: string | undefined, now: number): string {
  if (!iso) return '';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const seconds = Math.floor((now - at) / 1000);
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  if (days < 60) return `${days} ${days === 1 ? 'day' : 'days'} ago`;
  const months = Math.floor(days / 30);
  if (months < 24) return `${months} months ago`;
  return `${Math.floor(days / 365)} years ago`;
}

export type Tone = 'ok' | 'warn' | 'bad' | 'muted';

export interface ReleaseWording {
  /** `Succeeded`, `In progress`, `Failed: ImagePullBackOff`, … */
  text: string;
  tone: Tone;
  /** `3 min ago`: when it finished, or when it was made while it runs. */
  age: string;
  /** The exact time the age counts from, for a tooltip. */
  at?: string;
}

const STATUS_TEXT: Record<ReleaseStatus, { text: string; tone: Tone }> = {
  pending: { text: 'Pending', tone: 'warn' },
  in_progress: { text: 'In progress', tone: 'warn' },
  succeeded: { text: 'Succeeded', tone: 'ok' },
  failed: { text: 'Failed', tone: 'bad' },
  superseded: { text: 'Superseded', tone: 'muted' },
};

/** How the newest release reads in a row. */
export function releaseWording(release: ServiceStatusSummary['release'], now: number): ReleaseWording {
  if (!release) return { text: 'No release yet', tone: 'muted', age: '' };
  const known = STATUS_TEXT[release.status] ?? { text: release.status, tone: 'muted' as Tone };
  const at = release.finishedAt ?? release.createdAt;
  return {
    text:
      release.status === 'failed' && release.failureReason ? `Failed: ${release.failureReason}` : known.text,
    tone: known.tone,
    age: formatAge(at, now),
    at,
  };
}

/** `2/3 ready` and how healthy that is; `not reported` before the watcher has seen the service. */
export function podsWording(status: ServiceStatusSummary | undefined): { text: string; tone: Tone } {
  if (!status) return { text: '—', tone: 'muted' };
  const { desired, ready } = status.pods;
  if (desired === 0) return { text: 'scaled to 0', tone: 'muted' };
  if (status.observedAt === null) return { text: `0/${desired} (not reported yet)`, tone: 'muted' };
  const text = `${ready}/${desired} ready`;
  if (ready >= desired) return { text, tone: 'ok' };
  return { text, tone: ready === 0 ? 'bad' : 'warn' };
}

/** `#12` for the release serving, `none` before one succeeded. */
export const runningWording = (item: ServiceListItem): string => {
  const running = item.status ? item.status.running : (item.currentRelease ?? null);
  return running === null || running === undefined ? 'none' : `#${running}`;
};
