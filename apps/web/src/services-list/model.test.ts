import { describe, expect, it } from 'vitest';
import { apiUrl } from '../api';
import {
  buildListQuery,
  effectiveTeam,
  filtersFromParams,
  filtersToParams,
  formatAge,
  isFiltered,
  labelSelectorValid,
  NO_FILTERS,
  PAGE_SIZE,
  parseLabelText,
  podsWording,
  releaseWording,
  runningWording,
  searchProblem,
  teamProblem,
  type ServiceListItem,
  type ServiceStatusSummary,
} from './model';

const NOW = Date.parse('2025-03-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

describe('filters in the URL', () => {
  it('reads q, team, state and repeated labels', () => {
    const filters = filtersFromParams(
      new URLSearchParams('q=pay&team=payments&state=all&label=app%3Dweb&label=tier'),
    );
    expect(filters).toEqual({ q: 'pay', team: 'payments', state: 'all', labels: ['app=web', 'tier'] });
  });

  it('leaves out what the API would refuse', () => {
    const filters = filtersFromParams(
      new URLSearchParams(
        'q=pay%20ments&team=Bad_Team&state=gone&label=app%3Dweb&label=%2Fbad&label=app%3Dweb',
      ),
    );
    expect(filters).toEqual({ q: '', team: '', state: '', labels: ['app=web'] });
  });

  it('writes only what is set, and round-trips', () => {
    expect(filtersToParams(NO_FILTERS).toString()).toBe('');
    const filters = { q: 'api', team: 'web', state: 'deleted' as const, labels: ['a=b', 'c'] };
    const params = filtersToParams(filters);
    expect(params.toString()).toBe('q=api&team=web&state=deleted&label=a%3Db&label=c');
    expect(filtersFromParams(params)).toEqual(filters);
  });

  it('counts a narrowed list as filtered, but not the team alone', () => {
    expect(isFiltered(NO_FILTERS)).toBe(false);
    expect(isFiltered({ ...NO_FILTERS, team: 'web' })).toBe(false);
    expect(isFiltered({ ...NO_FILTERS, q: 'a' })).toBe(true);
    expect(isFiltered({ ...NO_FILTERS, state: 'all' })).toBe(true);
    expect(isFiltered({ ...NO_FILTERS, labels: ['a'] })).toBe(true);
  });
});

describe('search and label checks', () => {
  it('accepts parts of names only', () => {
    expect(searchProblem('')).toBeUndefined();
    expect(searchProblem('Pay-Ments-2')).toBeUndefined();
    expect(searchProblem('pay ments')).toMatch(/letters, digits and hyphens/);
    expect(searchProblem('pay_ments')).toMatch(/letters, digits and hyphens/);
    expect(searchProblem('a'.repeat(64))).toMatch(/63/);
  });

  it('checks team names like the API', () => {
    expect(teamProblem('')).toBeUndefined();
    expect(teamProblem('payments-2')).toBeUndefined();
    expect(teamProblem('Payments')).toBeDefined();
    expect(teamProblem('-pay')).toBeDefined();
    expect(teamProblem('a'.repeat(59))).toBeDefined();
  });

  it('checks label selectors: qualified keys, optional prefix, values', () => {
    expect(labelSelectorValid('app')).toBe(true);
    expect(labelSelectorValid('app=web')).toBe(true);
    expect(labelSelectorValid('app=')).toBe(true);
    expect(labelSelectorValid('example.com/tier=gold_1')).toBe(true);
    expect(labelSelectorValid('=web')).toBe(false);
    expect(labelSelectorValid('/app')).toBe(false);
    expect(labelSelectorValid('a/b/c')).toBe(false);
    expect(labelSelectorValid('Example.com/app')).toBe(false);
    expect(labelSelectorValid('app=-web')).toBe(false);
    expect(labelSelectorValid(`app=${'x'.repeat(64)}`)).toBe(false);
  });

  it('splits label text on commas and spaces, without repeats', () => {
    expect(parseLabelText(' app=web, tier  app=web,,')).toEqual({
      selectors: ['app=web', 'tier'],
      invalid: [],
    });
    expect(parseLabelText('app=web, =x').invalid).toEqual(['=x']);
    expect(parseLabelText('').selectors).toEqual([]);
  });
});

describe('the team in scope', () => {
  const admin = { role: 'admin' as const, teams: [] };
  const member = { role: 'member' as const, teams: ['web', 'pay'] };

  it("uses the page's team when the caller may, else the session's", () => {
    expect(effectiveTeam('ops', undefined, admin)).toBe('ops');
    expect(effectiveTeam('pay', 'web', member)).toBe('pay');
    expect(effectiveTeam('ops', 'web', member)).toBe('web');
    expect(effectiveTeam('', 'web', member)).toBe('web');
    expect(effectiveTeam('', undefined, admin)).toBeUndefined();
  });
});

describe('the list query', () => {
  it('asks for a page with status and nothing else by default', () => {
    expect(buildListQuery(NO_FILTERS, undefined, undefined)).toEqual({ limit: PAGE_SIZE, include: 'status' });
    expect(PAGE_SIZE).toBe(50);
    expect(PAGE_SIZE).toBeLessThanOrEqual(1000);
  });

  it('carries team, state, labels, q and the cursor', () => {
    const query = buildListQuery(
      { q: 'api', team: 'ignored-here', state: 'all', labels: ['app=web', 'tier'] },
      'payments',
      'c2VydmljZQ',
      150,
    );
    expect(query).toEqual({
      team: 'payments',
      state: 'all',
      label: ['app=web', 'tier'],
      q: 'api',
      limit: 150,
      cursor: 'c2VydmljZQ',
      include: 'status',
    });
    expect(apiUrl('/services', query)).toBe(
      '/api/v1/services?team=payments&state=all&label=app%3Dweb&label=tier&q=api&limit=150&cursor=c2VydmljZQ&include=status',
    );
  });
});

describe('ages', () => {
  it('reads like "3 min ago"', () => {
    expect(formatAge(ago(5), NOW)).toBe('just now');
    expect(formatAge(ago(-30), NOW)).toBe('just now');
    expect(formatAge(ago(59), NOW)).toBe('just now');
    expect(formatAge(ago(60), NOW)).toBe('1 min ago');
    expect(formatAge(ago(3 * 60 + 59), NOW)).toBe('3 min ago');
    expect(formatAge(ago(2 * 3600 + 5), NOW)).toBe('2 h ago');
    expect(formatAge(ago(86_400), NOW)).toBe('1 day ago');
    expect(formatAge(ago(5 * 86_400), NOW)).toBe('5 days ago');
    expect(formatAge(ago(90 * 86_400), NOW)).toBe('3 months ago');
    expect(formatAge(ago(800 * 86_400), NOW)).toBe('2 years ago');
  });

  it('is empty for a missing or broken time', () => {
    expect(formatAge(undefined, NOW)).toBe('');
    expect(formatAge('yesterday', NOW)).toBe('');
  });
});

describe('release wording', () => {
  const release = (over: Partial<NonNullable<ServiceStatusSummary['release']>>) => ({
    number: 7,
    status: 'succeeded' as const,
    image: 'reg/app:1',
    cause: 'deploy',
    createdAt: ago(600),
    ...over,
  });

  it('says when there is no release', () => {
    expect(releaseWording(null, NOW)).toEqual({ text: 'No release yet', tone: 'muted', age: '' });
  });

  it('counts a finished release from when it finished', () => {
    const wording = releaseWording(release({ finishedAt: ago(180) }), NOW);
    expect(wording).toEqual({ text: 'Succeeded', tone: 'ok', age: '3 min ago', at: ago(180) });
  });

  it('counts a running release from when it was made', () => {
    expect(releaseWording(release({ status: 'in_progress' }), NOW)).toMatchObject({
      text: 'In progress',
      tone: 'warn',
      age: '10 min ago',
    });
    expect(releaseWording(release({ status: 'pending' }), NOW)).toMatchObject({
      text: 'Pending',
      tone: 'warn',
    });
  });

  it('gives the reason of a failure', () => {
    expect(
      releaseWording(
        release({ status: 'failed', failureReason: 'ImagePullBackOff', finishedAt: ago(60) }),
        NOW,
      ),
    ).toMatchObject({ text: 'Failed: ImagePullBackOff', tone: 'bad', age: '1 min ago' });
    expect(releaseWording(release({ status: 'failed' }), NOW)).toMatchObject({ text: 'Failed', tone: 'bad' });
  });

  it('shows a superseded release as quiet', () => {
    expect(releaseWording(release({ status: 'superseded' }), NOW)).toMatchObject({
      text: 'Superseded',
      tone: 'muted',
    });
  });
});

describe('pods and the running release', () => {
  const status = (pods: { desired: number; ready: number }, observedAt: string | null = ago(5)) => ({
    release: null,
    running: 3,
    pods,
    observedAt,
  });

  it('compares ready pods with desired ones', () => {
    expect(podsWording(status({ desired: 3, ready: 3 }))).toEqual({ text: '3/3 ready', tone: 'ok' });
    expect(podsWording(status({ desired: 3, ready: 1 }))).toEqual({ text: '1/3 ready', tone: 'warn' });
    expect(podsWording(status({ desired: 2, ready: 0 }))).toEqual({ text: '0/2 ready', tone: 'bad' });
    expect(podsWording(status({ desired: 0, ready: 0 }))).toEqual({ text: 'scaled to 0', tone: 'muted' });
    expect(podsWording(status({ desired: 2, ready: 0 }, null))).toEqual({
      text: '0/2 (not reported yet)',
      tone: 'muted',
    });
    expect(podsWording(undefined)).toEqual({ text: '—', tone: 'muted' });
  });

  it('names the release serving', () => {
    const item = { name: 'web', currentRelease: 2 } as ServiceListItem;
    expect(runningWording({ ...item, status: status({ desired: 1, ready: 1 }) })).toBe('#3');
    expect(runningWording({ ...item, status: { ...status({ desired: 1, ready: 1 }), running: null } })).toBe(
      'none',
    );
    expect(runningWording(item)).toBe('#2');
    expect(runningWording({ name: 'x' } as ServiceListItem)).toBe('none');
  });
});
