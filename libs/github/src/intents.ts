/**
 * What cite does about a GitHub event, decided from the event and what the store holds, with no I/O: the
 * integrator reads the services and releases, asks these functions, and carries out the intent (and asks again
 * inside its transaction, so that two racing deliveries still agree). Every `ignore` carries a short sentence:
 * it goes back to GitHub as the delivery's answer, where whoever set up the hook reads it.
 */
import { previewName, renderTag, type Service } from '@cite/model';
import type { DeploymentEvent, PingEvent, PullRequestEvent, PushEvent } from './events';

/** A service that claims (repo, branch): what the decisions need of it. */
export interface ClaimingService {
  name: string;
  /** The branch it deploys (for a preview: the parent's). */
  branch: string;
  autoDeploy: boolean;
  previews: boolean;
  /** Image repository without tag; the intent adds the tag. */
  image: string;
  tagTemplate: string;
  state: 'active' | 'deleting' | 'deleted';
}

/** What a service runs or last released from git, for ordering. */
export interface GitHead {
  gitSha?: string;
  /** RFC 3339; compared as instants, not as strings. */
  gitCommittedAt?: string;
}

export type PushIntent =
  | { kind: 'deploy'; service: string; sha: string; image: string; branch: string; committedAt?: string }
  | { kind: 'ignore'; reason: string };

export type PreviewIntent =
  | {
      kind: 'preview';
      parent: string;
      name: string;
      number: number;
      sha: string;
      image: string;
      branch: string;
    }
  | { kind: 'remove-preview'; parent: string; name: string; number: number }
  | { kind: 'ignore'; reason: string };

export type DeploymentIntent =
  | { kind: 'deploy'; service: string; sha: string; image: string; environment: string; deploymentId: number }
  | { kind: 'ignore'; reason: string };

/** What the pull-request decision needs to know of the preview and its siblings. */
export interface PreviewCounts {
  /** The pull request's preview exists (and is not being deleted). */
  existing: boolean;
  /** Previews the parent has now. */
  count: number;
  /** Previews one service may have at once. */
  limit: number;
}

export interface DeploymentOptions {
  /**
   * Logins whose deployments cite ignores: cite's own (its GitHub App's `<slug>[bot]` or its token's user), so
   * that a deployment cite creates to report a release does not come back as a request to deploy it again.
   */
  ignoreCreators?: readonly string[];
}

const BRANCH_REF = 'refs/heads/';
const PULL_REQUEST_ACTIONS_THAT_DEPLOY = new Set(['opened', 'reopened', 'synchronize']);
const PREVIEW_ENVIRONMENT = /^pr-([1-9][0-9]*)$/;

const ignore = (reason: string) => ({ kind: 'ignore' as const, reason });

/** The first seven digits of a sha, as GitHub shows commits. */
export const sha7 = (sha: string): string => sha.slice(0, 7);

/** The branch `refs/heads/<branch>` names; null for tags and other refs. */
export function branchOfRef(ref: string): string | null {
  return ref.startsWith(BRANCH_REF) && ref.length > BRANCH_REF.length ? ref.slice(BRANCH_REF.length) : null;
}

/** The decision-relevant part of a stored service. */
export function claimingServiceOf(service: Service): ClaimingService {
  return {
    name: service.name,
    branch: service.deployPolicy.branch,
    autoDeploy: service.deployPolicy.autoDeploy,
    previews: service.deployPolicy.previews,
    image: service.image,
    tagTemplate: service.deployPolicy.tagTemplate,
    state: service.state,
  };
}

/** `image:tag` for `sha` on `branch` by the service's template, or why there is none. */
function imageFor(
  service: ClaimingService,
  sha: string,
  branch: string,
): { image: string } | { reason: string } {
  const tag = renderTag(service.tagTemplate, { sha, branch });
  if (tag === null)
    return { reason: `tag template ${service.tagTemplate} makes no valid image tag for branch ${branch}` };
  return { image: `${service.image}:${tag}` };
}

/** Milliseconds since the epoch, or null for a missing or unreadable time (which then orders nothing). */
function instant(timestamp: string | undefined): number | null {
  if (timestamp === undefined) return null;
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Why a push of `event.after` must not replace `latest`, or null when it may. The same commit is never released
 * twice, and a commit older than the latest release's never replaces it: that is what keeps a delayed or
 * redelivered push, or a forced push back to an older commit, from rolling the service back. (Rolling back is
 * the rollback endpoint's job.)
 */
function staleReason(event: PushEvent, latest: GitHead | null): string | null {
  if (!latest) return null;
  if (latest.gitSha === event.after) return `${sha7(event.after)} is already released`;
  const latestAt = instant(latest.gitCommittedAt);
  if (latestAt === null) return null;
  const pushedAt = instant(event.headCommit?.timestamp);
  if (pushedAt === null)
    return `cannot tell whether ${sha7(event.after)} is newer than the latest release (the push names no head commit)`;
  if (pushedAt < latestAt) {
    const running = latest.gitSha ? `${sha7(latest.gitSha)}, ` : '';
    return `${sha7(event.after)} is older than the running release (${running}committed ${latest.gitCommittedAt})`;
  }
  return null;
}

/**
 * A push to `service`'s deploy branch deploys its head commit when the service auto-deploys and the commit is
 * newer than the `latest` release's. `service` is whoever claims the pushed (repo, branch), null when nobody does.
 */
export function decidePush(
  event: PushEvent,
  service: ClaimingService | null,
  latest: GitHead | null,
): PushIntent {
  const branch = branchOfRef(event.ref);
  if (branch === null) return ignore(`${event.ref} is not a branch`);
  if (!service) return ignore(`no service deploys ${event.repo} branch ${branch}`);
  if (service.branch !== branch)
    return ignore(`${service.name} deploys branch ${service.branch}, not ${branch}`);
  if (event.deleted) return ignore(`branch ${branch} deleted`);
  if (service.state !== 'active') return ignore(`${service.name} is ${service.state}`);
  if (!service.autoDeploy) return ignore(`autoDeploy is off for ${service.name}`);
  const stale = staleReason(event, latest);
  if (stale) return ignore(stale);
  const image = imageFor(service, event.after, branch);
  if ('reason' in image) return ignore(image.reason);
  return {
    kind: 'deploy',
    service: service.name,
    sha: event.after,
    image: image.image,
    branch,
    ...(event.headCommit ? { committedAt: event.headCommit.timestamp } : {}),
  };
}

/**
 * A pull request into `parent`'s deploy branch gets a preview service `<parent>-pr-<n>` running its head commit
 * when the parent has previews on; closing it (merged or not) removes the preview. A preview that exists is
 * removed on close even when previews were turned off since: nothing else would remove it.
 */
export function decidePullRequest(
  event: PullRequestEvent,
  parent: ClaimingService | null,
  previews: PreviewCounts,
): PreviewIntent {
  if (!parent) return ignore(`no service deploys ${event.repo} branch ${event.baseRef}`);
  const name = previewName(parent.name, event.number);
  if (event.action === 'closed') {
    if (!previews.existing) return ignore(`no preview to remove for pull request #${event.number}`);
    return { kind: 'remove-preview', parent: parent.name, name, number: event.number };
  }
  if (!PULL_REQUEST_ACTIONS_THAT_DEPLOY.has(event.action))
    return ignore(`action ${event.action} needs nothing`);
  if (parent.branch !== event.baseRef)
    return ignore(`${parent.name} deploys branch ${parent.branch}, not ${event.baseRef}`);
  if (!parent.previews) return ignore(`previews are off for ${parent.name}`);
  if (parent.state !== 'active') return ignore(`${parent.name} is ${parent.state}`);
  if (!previews.existing && previews.count >= previews.limit)
    return ignore(`preview limit of ${previews.limit} reached for ${parent.name}`);
  const image = imageFor(parent, event.headSha, event.headRef);
  if ('reason' in image) return ignore(image.reason);
  return {
    kind: 'preview',
    parent: parent.name,
    name,
    number: event.number,
    sha: event.headSha,
    image: image.image,
    branch: event.headRef,
  };
}

/** The service a deployment's environment names among `claiming` (the services claiming its repository). */
function deploymentTarget(
  event: DeploymentEvent,
  claiming: readonly ClaimingService[],
  previewOf: (parent: string, number: number) => ClaimingService | null,
): ClaimingService | { reason: string } {
  if (claiming.length === 0) return { reason: `no service deploys ${event.repo}` };
  if (event.environment === 'production') {
    const ref = branchOfRef(event.ref) ?? event.ref;
    const onBranch = claiming.find((service) => service.branch === ref);
    if (onBranch) return onBranch;
    const [only] = claiming;
    if (claiming.length === 1 && only) return only;
    const names = claiming.map((service) => service.name).join(', ');
    return { reason: `ambiguous: ${event.repo} is deployed by ${names}, and none deploys ${ref}` };
  }
  const number = Number(PREVIEW_ENVIRONMENT.exec(event.environment)?.[1] ?? Number.NaN);
  if (Number.isNaN(number))
    return { reason: `environment ${event.environment} is not one cite deploys (production or pr-<n>)` };
  const found = claiming.flatMap((parent) => {
    const preview = previewOf(parent.name, number);
    return preview ? [preview] : [];
  });
  const [preview] = found;
  if (!preview) return { reason: `no preview for pull request #${number}` };
  if (found.length > 1) {
    const names = found.map((service) => service.name).join(', ');
    return { reason: `ambiguous: pull request #${number} has previews ${names}` };
  }
  return preview;
}

/**
 * A GitHub deployment (Deployments API) deploys its sha to the service its environment names: `production` is
 * the claiming service whose branch is the deployment's ref (or the only one), `pr-<n>` that pull request's
 * preview. Unlike a push, it may deploy an older commit: asking for one is the point of a deployment.
 */
export function decideDeployment(
  event: DeploymentEvent,
  claiming: readonly ClaimingService[],
  previewOf: (parent: string, number: number) => ClaimingService | null,
  options: DeploymentOptions = {},
): DeploymentIntent {
  const self = (options.ignoreCreators ?? []).some(
    (login) => login.toLowerCase() === event.creator.toLowerCase(),
  );
  if (self) return ignore(`deployment ${event.deploymentId} was created by cite itself`);
  const target = deploymentTarget(event, claiming, previewOf);
  if ('reason' in target) return ignore(target.reason);
  if (target.state !== 'active') return ignore(`${target.name} is ${target.state}`);
  const image = imageFor(target, event.sha, branchOfRef(event.ref) ?? event.ref);
  if ('reason' in image) return ignore(image.reason);
  return {
    kind: 'deploy',
    service: target.name,
    sha: event.sha,
    image: image.image,
    environment: event.environment,
    deploymentId: event.deploymentId,
  };
}

/** The answer to GitHub's ping: which services the hook's repository drives. */
export function describePing(
  event: PingEvent,
  claiming: readonly string[],
): { services: string[]; message: string } {
  const services = [...new Set(claiming)].sort();
  if (!event.repo)
    return { services, message: 'pong: this hook names no repository; cite acts on repository events only' };
  if (services.length === 0) return { services, message: `pong: no service deploys ${event.repo} yet` };
  return { services, message: `pong: ${event.repo} is deployed by ${services.join(', ')}` };
}
