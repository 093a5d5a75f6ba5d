/**
 * Which release a rollback returns to. Pure: the caller loads releases, these decide.
 *
 * - The running release is `service.currentRelease` (the deployer sets it when a release succeeds), or else
 *   the newest release that succeeded.
 * - Without `to`: the newest release that succeeded before the running one.
 * - With `to`: that release, if it succeeded and is not the one running.
 * - Only releases of the service's present life count: after a delete and re-create, releases from before
 *   (`createdAt` earlier than the service's) are history, not targets.
 */
import { conflictAt, notFoundAt } from '@cite/errors';
import type { Release, Service } from '@cite/model';

export interface RollbackContext {
  /** The number of the running release, if any (see `runningReleaseNumber`). */
  running: number | undefined;
  /** The service's `createdAt`: earlier releases belong to a previous service of the same name. */
  since: string;
}

export function runningReleaseNumber(service: Service, newestSucceeded: Release | null): number | undefined {
  return service.currentRelease ?? newestSucceeded?.number;
}

const ofThisLife = (release: Release, since: string) => Date.parse(release.createdAt) >= Date.parse(since);

/** Whether `release` is what a default rollback returns to, scanning newest first. */
export function isDefaultRollbackTarget(release: Release, context: RollbackContext): boolean {
  return (
    context.running !== undefined &&
    release.number < context.running &&
    release.status === 'succeeded' &&
    ofThisLife(release, context.since)
  );
}

/** Why there is nothing to roll back to by default (`ConflictError` at `to`). */
export function noDefaultTarget(context: RollbackContext) {
  return context.running === undefined
    ? conflictAt('to', 'nothing to roll back: no release of this service has succeeded yet')
    : conflictAt('to', `no release before release ${context.running} succeeded; nothing to roll back to`);
}

/** Throws when `to` names a release that cannot be rolled back to; returns it otherwise. */
export function checkRollbackTarget(to: number, target: Release | null, context: RollbackContext): Release {
  if (target === null) throw notFoundAt('to', `release ${to} not found`);
  if (!ofThisLife(target, context.since)) {
    throw conflictAt('to', `release ${to} belongs to an earlier service of the same name`);
  }
  if (target.status !== 'succeeded') {
    throw conflictAt(
      'to',
      `release ${to} is ${target.status}; only a release that succeeded can be rolled back to`,
    );
  }
  if (target.number === context.running) throw conflictAt('to', `release ${to} is already running`);
  return target;
}
