/**
 * What the Service page decides about releases: which one runs, which may be rolled back to, which to follow
 * with a progress bar, whether the deployer rolled back by itself, and the bodies, keys and field errors of
 * its requests. Pure.
 */
import type { Release, Service } from '@cite/model';
import type { FieldIssue } from '../api';

const TERMINAL = new Set(['succeeded', 'failed', 'superseded']);

/** The release running now: the service's current release, else what the status endpoint says. */
export function runningRelease(
  service: Pick<Service, 'currentRelease'>,
  statusRunning?: number | null,
): number | undefined {
  return service.currentRelease ?? statusRunning ?? undefined;
}

export type RollbackChoice = { ok: true } | { ok: false; why: string };

/**
 * Whether "Roll back to this" is offered for `release`, by the api's rule (`checkRollbackTarget`): it succeeded,
 * it is not the one running, and it belongs to this service's present life (not a deleted namesake's).
 */
export function rollbackChoice(
  release: Pick<Release, 'number' | 'status' | 'createdAt'>,
  context: { running: number | undefined; serviceCreatedAt: string; state?: Service['state'] },
): RollbackChoice {
  if (context.state !== undefined && context.state !== 'active')
    return { ok: false, why: `the service is ${context.state}` };
  if (release.status !== 'succeeded')
    return { ok: false, why: `release ${release.number} ${release.status}` };
  if (release.number === context.running) return { ok: false, why: 'it is running' };
  if (Date.parse(release.createdAt) < Date.parse(context.serviceCreatedAt))
    return { ok: false, why: 'it belongs to an earlier service of the same name' };
  return { ok: true };
}

/**
 * The automatic rollback the deployer started after release `failed` failed, found in a list of releases: a
 * newer release of cause `rollback` made by the deployer (`system:…`) or saying so in its message.
 */
export function autoRollbackAfter(
  failed: number,
  releases: readonly Pick<Release, 'number' | 'cause' | 'actor' | 'message' | 'rollbackOf'>[],
): { number: number; to?: number } | undefined {
  const mark = new RegExp(`\\brelease ${failed} failed\\b`);
  const found = releases
    .filter(
      (release) =>
        release.number > failed &&
        release.cause === 'rollback' &&
        (release.actor.startsWith('system:') || mark.test(release.message ?? '')),
    )
    .sort((a, b) => a.number - b.number)[0];
  if (!found) return undefined;
  return found.rollbackOf === undefined
    ? { number: found.number }
    : { number: found.number, to: found.rollbackOf };
}

type FollowInfo = Pick<Release, 'number' | 'status' | 'cause' | 'actor' | 'message' | 'rollbackOf'>;

/**
 * The releases to show progress bars for, oldest first: the newest of those followed already, those still
 * pending or in progress in `releases` and `started` (a release the page just made); older ones only while they
 * run, or when the newest is the automatic rollback of their failure. A release not in `releases` counts as
 * running. Answers `followed` itself when nothing changed.
 */
export function releasesToFollow(
  followed: readonly number[],
  releases: readonly FollowInfo[],
  options: { started?: number; dismissed?: readonly number[] } = {},
): number[] {
  const dismissed = new Set(options.dismissed ?? []);
  const byNumber = new Map(releases.map((release) => [release.number, release]));
  const all = new Set(followed);
  for (const release of releases) if (!TERMINAL.has(release.status)) all.add(release.number);
  if (options.started !== undefined) all.add(options.started);
  const list = [...all].filter((number) => !dismissed.has(number)).sort((a, b) => a - b);
  const newest = list[list.length - 1];
  const running = (number: number) => {
    const status = byNumber.get(number)?.status;
    return status === undefined || !TERMINAL.has(status);
  };
  const rolledBackBy = (number: number) =>
    newest !== undefined &&
    byNumber.get(number)?.status === 'failed' &&
    autoRollbackAfter(number, releases)?.number === newest;
  const next = list.filter((number) => number === newest || running(number) || rolledBackBy(number));
  return next.length === followed.length && next.every((number, i) => number === followed[i])
    ? (followed as number[])
    : next;
}

export interface DeployForm {
  image: string;
  gitSha: string;
}

/** `POST /services/:name/deploys`: `{ image, gitSha? }`, trimmed; a commit is lower-cased as the api wants it. */
export function deployBody(form: DeployForm): { image: string; gitSha?: string } {
  const image = form.image.trim();
  const gitSha = form.gitSha.trim().toLowerCase();
  return gitSha ? { image, gitSha } : { image };
}

/**
 * An API error's field issues split into those of the form's `fields` (for `Form`'s `validationErrors`, each
 * with all its messages) and the rest (said above the form, with their paths).
 */
export function splitFieldErrors(
  details: readonly FieldIssue[],
  fields: readonly string[],
): { byField: Record<string, string>; other: FieldIssue[] } {
  const byField: Record<string, string> = {};
  const other: FieldIssue[] = [];
  for (const issue of details) {
    const field = fields.find(
      (name) => issue.path === name || issue.path.startsWith(`${name}.`) || issue.path.startsWith(`${name}[`),
    );
    if (field === undefined) other.push(issue);
    else byField[field] = byField[field] ? `${byField[field]}; ${issue.message}` : issue.message;
  }
  return { byField, other };
}

/** A new `Idempotency-Key`: 32 hex digits (works outside secure contexts, where `randomUUID` is missing). */
export function newIdempotencyKey(
  random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b),
): string {
  return Array.from(random(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The key for sending `body`: the same as the last attempt's when the body is the same (a retry after a lost
 * answer must not deploy twice), a new one when it changed (the api refuses a key reused for another body).
 */
export function keyFor(
  last: { body: string; key: string } | undefined,
  body: unknown,
  make: () => string = newIdempotencyKey,
): { body: string; key: string } {
  const text = JSON.stringify(body);
  return last && last.body === text ? last : { body: text, key: make() };
}
