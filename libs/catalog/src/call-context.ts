/** Who calls, and what a change records about the call: its audit entry and its job's request id. Pure. */
import { randomUUID } from 'node:crypto';
import type { Principal } from '@cite/auth';
import {
  teamNamespace,
  type AuditEntry,
  type OutboxEntry,
  type ReleaseDraft,
  type Service,
} from '@cite/model';
import type { ServiceChange } from '@cite/store';

/**
 * The audit entry a call makes when it changes something: written in the change's own transaction, then
 * marked `recorded` so nothing writes it again. A refused call is recorded by the api after its response.
 */
export interface AuditIntent {
  /** `<resource>.<verb>`: `service.create`, `release.rollback`. */
  action: string;
  /** `service/web`. */
  target: string;
  /** The client's address. */
  sourceIp: string;
  details?: Record<string, unknown>;
  recorded?: boolean;
}

/** Who calls, for authorization, release actors, the audit trail and log correlation. */
export interface CallContext {
  principal: Principal;
  requestId?: string;
  audit?: AuditIntent;
}

export function requestIdOf(ctx: CallContext): { requestId?: string } {
  return ctx.requestId === undefined ? {} : { requestId: ctx.requestId };
}

/** The audit entry of a change that lands with `status`, if the call is audited. */
export function auditEntryOf(
  ctx: CallContext,
  now: Date,
  status: number,
  extra: Record<string, unknown> = {},
): AuditEntry | undefined {
  const intent = ctx.audit;
  if (!intent) return undefined;
  return {
    id: randomUUID(),
    time: now.toISOString(),
    actor: ctx.principal.actor,
    action: intent.action,
    target: intent.target,
    sourceIp: intent.sourceIp,
    outcome: 'ok',
    details: { ...intent.details, status, ...extra },
  };
}

/** The job that removes a `deleting` service's objects (its id is the delete's `updatedAt`). */
export function deletionJobOf(ctx: CallContext, deleting: Service, now: Date): OutboxEntry {
  return {
    kind: 'deletion',
    service: deleting.name,
    namespace: teamNamespace(deleting.team),
    deletingSince: deleting.updatedAt,
    ...requestIdOf(ctx),
    createdAt: now.toISOString(),
  };
}

/**
 * What a change to `service` lands with besides its spec: the release it makes (if any), that release's job,
 * and its audit entry (202 when a job follows, else 200).
 */
export function releaseChange(
  ctx: CallContext,
  service: string,
  release: { number: number; draft: ReleaseDraft } | undefined,
  now: Date,
): Pick<ServiceChange, 'release' | 'job' | 'audit'> {
  if (!release) return { audit: auditEntryOf(ctx, now, 200) };
  const job: OutboxEntry = {
    kind: 'release',
    service,
    release: release.number,
    ...requestIdOf(ctx),
    createdAt: release.draft.createdAt,
  };
  const audit = auditEntryOf(ctx, now, 202, { release: release.number, cause: release.draft.cause });
  return { release, job, audit };
}
