/**
 * GitHub webhook payloads → the few facts cite acts on. A payload is large and GitHub adds fields freely, so only
 * the fields cite reads are checked (the rest are dropped, never refused); a payload missing one, or carrying it
 * malformed, is an `InputError` whose details name the field by its JSON path (`pull_request.head.sha`).
 *
 * The schemas are written against the @octokit/webhooks payload types: the `Admits` checks below stop compiling
 * when a schema demands more than GitHub promises (a field GitHub may send as null, say).
 */
import type { EmitterWebhookEvent } from '@octokit/webhooks';
import { InputError } from '@cite/errors';
import { githubRepoErrors, parseOrThrow, TimestampSchema } from '@cite/model';
import { z } from 'zod';

type PushPayload = EmitterWebhookEvent<'push'>['payload'];
type PullRequestPayload = EmitterWebhookEvent<'pull_request'>['payload'];
type DeploymentPayload = EmitterWebhookEvent<'deployment'>['payload'];
type PingPayload = EmitterWebhookEvent<'ping'>['payload'];

export interface PingEvent {
  kind: 'ping';
  /** Absent for an organization's or an app's hook. */
  repo?: string;
  zen?: string;
  hookId?: number;
}

export interface PushEvent {
  kind: 'push';
  /** `owner/name`, lowercased. */
  repo: string;
  /** `refs/heads/<branch>` or `refs/tags/<tag>`. */
  ref: string;
  before: string;
  after: string;
  deleted: boolean;
  forced: boolean;
  created: boolean;
  /** The commit `after` names; null when the ref was deleted. `timestamp` is in UTC (`…Z`). */
  headCommit: { id: string; timestamp: string } | null;
  /** Who pushed (a git user name, not always a GitHub login). */
  pusher: string;
}

export interface PullRequestEvent {
  kind: 'pull_request';
  /** `opened`, `synchronize`, `closed`, … (GitHub's list grows: any string). */
  action: string;
  repo: string;
  number: number;
  headRef: string;
  headSha: string;
  /** The branch the pull request would merge into: the one whose service the preview copies. */
  baseRef: string;
  merged: boolean;
  /** The login of whoever caused the event (`unknown` for the few actions GitHub sends without one). */
  sender: string;
}

export interface DeploymentEvent {
  kind: 'deployment';
  repo: string;
  deploymentId: number;
  /** What was asked to be deployed: a branch, a tag or a sha, as given to GitHub. */
  ref: string;
  sha: string;
  environment: string;
  /** GitHub's `task` (`deploy` unless the creator said otherwise; cite's own report deployments say `cite:report`). */
  task: string;
  /** The login that created the deployment (the sender when GitHub names no creator). */
  creator: string;
}

/** Any event cite does not act on; kept so that the answer and the delivery log can say so. */
export interface OtherEvent {
  kind: 'other';
  event: string;
  repo?: string;
}

export type GitHubEvent = PingEvent | PushEvent | PullRequestEvent | DeploymentEvent | OtherEvent;

/** `true` only when every payload of type `P` is one schema `S` accepts by type (checked at compile time). */
type Admits<S extends z.ZodType, P> = [P] extends [z.input<S>] ? true : never;

const FULL_SHA = /^[0-9a-f]{40}$/;

/** A 40-digit commit sha in lowercase hex, as webhooks carry it. */
const ShaSchema = z.string().regex(FULL_SHA, 'must be a 40-digit lowercase hex commit sha');

/** `owner/name`, lowercased: GitHub names are case-insensitive and claims are stored lowercased. */
const RepositorySchema = z.object({
  full_name: z
    .string()
    .superRefine((value, ctx) => {
      for (const message of githubRepoErrors(value)) ctx.addIssue({ code: 'custom', message });
    })
    .transform((value) => value.toLowerCase()),
});

/** Commit times are compared to order deliveries, so they are normalized to UTC (`2019-05-15T22:20:41.000Z`). */
const CommitTimeSchema = TimestampSchema.transform((value) => new Date(value).toISOString());

const LoginSchema = z.object({ login: z.string().min(1) });

const PushSchema = z.object({
  ref: z.string().min(1),
  before: ShaSchema,
  after: ShaSchema,
  created: z.boolean(),
  deleted: z.boolean(),
  forced: z.boolean(),
  head_commit: z.object({ id: ShaSchema, timestamp: CommitTimeSchema }).nullable(),
  pusher: z.object({ name: z.string().min(1) }),
  repository: RepositorySchema,
});

const PullRequestSchema = z.object({
  action: z.string().min(1),
  number: z.number().int().min(1),
  pull_request: z.object({
    head: z.object({ ref: z.string().min(1), sha: ShaSchema }),
    base: z.object({ ref: z.string().min(1) }),
    merged: z.boolean().nullable().optional(),
  }),
  repository: RepositorySchema,
  // GitHub leaves it out of a few actions (demilestoned, milestoned), none of which cite acts on.
  sender: LoginSchema.optional(),
});

const DeploymentSchema = z.object({
  deployment: z.object({
    id: z.number().int().min(1),
    ref: z.string().min(1),
    sha: ShaSchema,
    environment: z.string().min(1),
    task: z.string().optional(),
    creator: LoginSchema.nullable(),
  }),
  repository: RepositorySchema,
  sender: LoginSchema,
});

const PingSchema = z.object({
  zen: z.string().optional(),
  hook_id: z.number().int().optional(),
  repository: RepositorySchema.optional(),
});

// Compile-time only: each schema admits every payload @octokit/webhooks says GitHub sends for its event.
const _pushAdmitted: Admits<typeof PushSchema, PushPayload> = true;
const _pullRequestAdmitted: Admits<typeof PullRequestSchema, PullRequestPayload> = true;
const _deploymentAdmitted: Admits<typeof DeploymentSchema, DeploymentPayload> = true;
const _pingAdmitted: Admits<typeof PingSchema, PingPayload> = true;

/**
 * The event `event` (the `X-GitHub-Event` header) with payload `body`, reduced to what cite uses. Events other
 * than ping, push, pull_request and deployment become `other` whatever their payload. Throws `InputError` (with
 * one detail per bad field, by JSON path) when a payload cite acts on lacks a field or carries it malformed.
 */
export function parseGitHubEvent(event: string, body: unknown): GitHubEvent {
  switch (event) {
    case 'ping':
      return toPing(parseOrThrow(PingSchema, body, 'ping payload'));
    case 'push':
      return toPush(parseOrThrow(PushSchema, body, 'push payload'));
    case 'pull_request':
      return toPullRequest(parseOrThrow(PullRequestSchema, body, 'pull_request payload'));
    case 'deployment':
      return toDeployment(parseOrThrow(DeploymentSchema, body, 'deployment payload'));
    case '':
      throw new InputError('the event name (X-GitHub-Event) is missing', {
        details: [{ path: 'X-GitHub-Event', message: 'must be non-empty' }],
      });
    default:
      return toOther(event, body);
  }
}

function toPing(payload: z.output<typeof PingSchema>): PingEvent {
  return {
    kind: 'ping',
    ...(payload.repository ? { repo: payload.repository.full_name } : {}),
    ...(payload.zen !== undefined ? { zen: payload.zen } : {}),
    ...(payload.hook_id !== undefined ? { hookId: payload.hook_id } : {}),
  };
}

function toPush(payload: z.output<typeof PushSchema>): PushEvent {
  return {
    kind: 'push',
    repo: payload.repository.full_name,
    ref: payload.ref,
    before: payload.before,
    after: payload.after,
    deleted: payload.deleted,
    forced: payload.forced,
    created: payload.created,
    headCommit: payload.head_commit
      ? { id: payload.head_commit.id, timestamp: payload.head_commit.timestamp }
      : null,
    pusher: payload.pusher.name,
  };
}

function toPullRequest(payload: z.output<typeof PullRequestSchema>): PullRequestEvent {
  const { head, base, merged } = payload.pull_request;
  return {
    kind: 'pull_request',
    action: payload.action,
    repo: payload.repository.full_name,
    number: payload.number,
    headRef: head.ref,
    headSha: head.sha,
    baseRef: base.ref,
    merged: merged === true,
    sender: payload.sender?.login ?? 'unknown',
  };
}

function toDeployment(payload: z.output<typeof DeploymentSchema>): DeploymentEvent {
  const { deployment } = payload;
  return {
    kind: 'deployment',
    repo: payload.repository.full_name,
    deploymentId: deployment.id,
    ref: deployment.ref,
    sha: deployment.sha,
    environment: deployment.environment,
    task: deployment.task ?? 'deploy',
    creator: deployment.creator?.login ?? payload.sender.login,
  };
}

/** An event cite ignores: its repository when the payload names a valid one, and nothing is refused. */
function toOther(event: string, body: unknown): OtherEvent {
  const parsed = z.object({ repository: RepositorySchema }).safeParse(body);
  return { kind: 'other', event, ...(parsed.success ? { repo: parsed.data.repository.full_name } : {}) };
}
