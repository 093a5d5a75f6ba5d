/**
 * The deciding parts of running a release, as pure functions of what etcd says: whether to deploy, skip or
 * supersede a release, what a failed attempt means for it, and whether and where to roll back after a failure;
 * and what a finished deletion lets go.
 */
import { InputError, isCiteError } from '@cite/errors';
import {
  isTerminalReleaseStatus,
  rollbackDraft,
  rolledBackService,
  type Domain,
  type Release,
  type ReleaseDraft,
  type Service,
} from '@cite/model';
import { classifyJobError } from '@cite/queue';
import type { DomainClaims, Versioned } from '@cite/store';

/** Who cite's own releases (automatic rollbacks) are by. */
export const DEPLOYER_ACTOR = 'system:deployer';

export type ReleaseDecision =
  /** Already finished (a job run twice): nothing to apply. */
  | { action: 'skip'; message: string }
  /** A newer release, or the service's deletion, replaces it: mark it superseded, apply nothing. */
  | { action: 'supersede'; message: string }
  /** Apply it and follow the rollout (a release found in_progress was interrupted and is resumed). */
  | { action: 'deploy'; resume: boolean };

export interface ReleaseFacts {
  release: Release;
  /** The service record, null when it is gone. */
  service: Service | null;
  /** The service's newest release (may be `release` itself). */
  newest: Release | null;
}

/**
 * - A finished release is skipped (running a job twice changes nothing).
 * - A release of a service that is being deleted, or whose record is gone, is superseded.
 * - A release with a newer release behind it is superseded, whatever the newer one's state: the newest release
 *   is the service's latest intent and has its own job. (Automatic rollbacks are only created when no newer
 *   release exists, so they never jump ahead of a user's deploy.)
 * - Otherwise it is deployed; one found in_progress is resumed (its worker died or handed it back).
 */
export function decideRelease({ release, service, newest }: ReleaseFacts): ReleaseDecision {
  if (isTerminalReleaseStatus(release.status)) {
    return { action: 'skip', message: `release ${release.number} already ${release.status}` };
  }
  if (!service || service.state !== 'active') {
    return {
      action: 'supersede',
      message: `service ${release.service} is ${service ? service.state : 'gone'}; release ${release.number} not applied`,
    };
  }
  if (newest && newest.number > release.number) {
    return { action: 'supersede', message: `superseded by release ${newest.number}` };
  }
  return { action: 'deploy', resume: release.status === 'in_progress' };
}

/** Whether a still-queued release can be superseded without taking the service lock (no cluster effect). */
export function supersedableWithoutLock(facts: ReleaseFacts): boolean {
  return facts.release.status === 'pending' && decideRelease(facts).action === 'supersede';
}

export type RollbackPlan = { action: 'rollback'; target: Release } | { action: 'none'; message: string };

/**
 * After `failed` failed: roll back to the newest earlier release that succeeded — when the service wants it
 * (`autoRollback`), the failed release was not itself a rollback (no loops), and no newer release is queued
 * (that one will replace the failed version anyway). `history` is any list of the service's releases.
 */
export function planAutoRollback(input: {
  failed: Release;
  service: Service | null;
  newest: Release | null;
  history: readonly Release[];
}): RollbackPlan {
  const { failed, service, newest, history } = input;
  if (!service || service.state !== 'active') return { action: 'none', message: 'service is not active' };
  if (!service.autoRollback) return { action: 'none', message: 'automatic rollback is off for this service' };
  if (failed.cause === 'rollback') {
    return { action: 'none', message: 'a failed rollback is not rolled back again' };
  }
  if (newest && newest.number > failed.number) {
    return {
      action: 'none',
      message: `release ${newest.number} is newer; it replaces release ${failed.number}`,
    };
  }
  const target = rollbackTarget(failed.number, history);
  if (!target) return { action: 'none', message: 'no earlier release succeeded; nothing to roll back to' };
  return { action: 'rollback', target };
}

/** The newest release before `before` that succeeded, or null. */
export function rollbackTarget(before: number, history: readonly Release[]): Release | null {
  let best: Release | null = null;
  for (const release of history) {
    if (
      release.number < before &&
      release.status === 'succeeded' &&
      (!best || release.number > best.number)
    ) {
      best = release;
    }
  }
  return best;
}

/**
 * The automatic rollback to `target` after `failed` failed, by the one rollback rule the manual rollback uses
 * too (`rolledBackService`): the service gets the target's env, port and health check (replicas, resources and
 * domains stay), and the new release runs the target's image with that config.
 */
export function autoRollback(
  service: Service,
  target: Release,
  failed: Release,
  now: Date,
): { service: Service; draft: ReleaseDraft } {
  const next = rolledBackService(service, target);
  const why = `automatic rollback to release ${target.number}: release ${failed.number} failed${
    failed.failureReason ? ` (${failed.failureReason})` : ''
  }`;
  return { service: next, draft: rollbackDraft(next, target, { actor: DEPLOYER_ACTOR, now }, why) };
}

/** The verdict a failed attempt writes on its release. */
export interface AttemptFailure {
  failureReason: 'InvalidSpec' | 'RetriesExhausted' | 'DeployError';
  message: string;
}

/**
 * What an attempt's error means for the release: a 422 from the cluster fails it (`InvalidSpec`), as does any
 * other permanent typed error (`DeployError`) and a transient one on the job's last attempt
 * (`RetriesExhausted`); null means the job is retried.
 */
export function failureOfAttempt(
  error: unknown,
  attempt: { number: number; isFinal: boolean },
): AttemptFailure | null {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof InputError)
    return { failureReason: 'InvalidSpec', message: `the cluster refused the objects: ${message}` };
  const kind = classifyJobError(error);
  if (kind === 'transient' && attempt.isFinal)
    return {
      failureReason: 'RetriesExhausted',
      message: `gave up after ${attempt.number} attempts: ${message}`,
    };
  if (kind === 'permanent' && isCiteError(error)) return { failureReason: 'DeployError', message };
  return null;
}

/** The domain records a finished deletion lets go: those among `records` that `service` owns. */
export function releasedByDeletion(
  service: string,
  records: ReadonlyMap<string, Versioned<Domain> | null>,
): DomainClaims {
  const release = [...records]
    .filter(([, record]) => record !== null && record.value.service === service)
    .map(([host, record]) => ({ host, modRevision: record!.modRevision }));
  return { claim: [], release };
}
