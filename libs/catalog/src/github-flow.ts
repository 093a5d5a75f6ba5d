/**
 * GitHub Flow on top of the catalog: a signed, parsed webhook event becomes what cite does about it — a release
 * for a push to a deploy branch, a preview service for a pull request, a deploy for a GitHub deployment —
 * recorded in etcd and enqueued, never deployed inline. The deciding is `@cite/github`'s (pure); this class
 * reads what the decisions need, and decides once more inside the change's own transaction, so two deliveries
 * racing each other still make one release per commit and never roll a branch back.
 */
import {
  branchOfRef,
  claimingServiceOf as claiming,
  decideDeployment,
  decidePullRequest,
  decidePush,
  describePing,
  REPORT_TASK,
  type DeploymentIntent,
  type GitHubEvent,
  type GitHead,
  type PreviewIntent,
  type PushIntent,
} from '@cite/github';
import type { Principal } from '@cite/auth';
import { ConflictError, NotFoundError } from '@cite/errors';
import {
  previewName,
  releaseConfigOf,
  type Release,
  type ReleaseCause,
  type ReleaseDraft,
  type Service,
} from '@cite/model';
import { ids, type MetadataStore } from '@cite/store';
import type { CallContext } from './call-context';
import type { ServiceCatalog } from './service-catalog';

export interface GitHubFlowOptions {
  catalog: ServiceCatalog;
  store: MetadataStore;
  /** Asks GitHub for a branch's head before deploying a push (the payload is only a hint), when configured. */
  branchHead?: (repo: string, branch: string) => Promise<string | null>;
  /** Previews get `<name>.<domain>` when set. */
  previewDomain?: string;
  /** Previews one service may have at once. */
  previewLimit: number;
  /** Told of each release a delivery made (GitHub hears "pending" at once); best effort. */
  onRelease?: (release: { service: string; number: number }) => Promise<void>;
  now?: () => Date;
}

/** What a delivery did, for its answer and its record. */
export interface FlowOutcome {
  outcome: 'accepted' | 'ignored';
  reason: string;
  /** The services the delivery concerned. */
  services: string[];
  releases: { service: string; number: number }[];
}

/** Whom releases and audit entries name for a delivery: `github:<login>`. */
function githubContext(sender: string, delivery: string): CallContext {
  const principal: Principal = {
    actor: `github:${sender}`,
    name: 'GitHub webhook',
    role: 'admin',
    teams: [],
  };
  return { principal, requestId: delivery };
}

function headOf(release: Release | null): GitHead | null {
  if (!release) return null;
  return {
    ...(release.gitSha ? { gitSha: release.gitSha } : {}),
    ...(release.gitCommittedAt ? { gitCommittedAt: release.gitCommittedAt } : {}),
  };
}

function decideIgnored(intent: PushIntent): string {
  return intent.kind === 'ignore' ? intent.reason : 'nothing to deploy';
}

const ignored = (reason: string, services: string[] = []): FlowOutcome => ({
  outcome: 'ignored',
  reason,
  services,
  releases: [],
});

export class GitHubFlow {
  private readonly now: () => Date;

  constructor(private readonly options: GitHubFlowOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** The services claiming `repo` (any branch), with their specs. */
  async claimingServices(repo: string): Promise<Service[]> {
    const { store } = this.options;
    const names = new Set<string>();
    for await (const claim of store.repoClaims.all({ prefix: ids.repoClaims(repo) }))
      names.add(claim.value.service);
    const found = await Promise.all([...names].map((name) => store.services.get(name)));
    return found.flatMap((service) => (service ? [service.value] : []));
  }

  /** Secrets that may sign a delivery for `repo`: those of the services that claim it. */
  async serviceSecrets(repo: string | undefined): Promise<string[]> {
    if (!repo) return [];
    const services = await this.claimingServices(repo);
    return services.flatMap((service) =>
      service.deployPolicy.webhookSecret ? [service.deployPolicy.webhookSecret] : [],
    );
  }

  async handle(event: GitHubEvent, delivery: string): Promise<FlowOutcome> {
    const outcome = await this.decideAndDo(event, delivery);
    const told = this.options.onRelease;
    if (told) await Promise.all(outcome.releases.map((release) => told(release).catch(() => undefined)));
    return outcome;
  }

  /**
   * Previews older than `ttlMs` are removed, open pull request or not (their objects go with the deletion
   * job). Answers the names removed.
   */
  async removeExpiredPreviews(ttlMs: number): Promise<string[]> {
    const cutoff = this.now().getTime() - ttlMs;
    const removed: string[] = [];
    for await (const item of this.options.store.services.all()) {
      const service = item.value;
      if (!service.preview || service.state !== 'active' || Date.parse(service.createdAt) > cutoff) continue;
      await this.options.catalog.remove(githubContext('cite', `preview-ttl-${service.name}`), service.name);
      removed.push(service.name);
    }
    return removed;
  }

  private async decideAndDo(event: GitHubEvent, delivery: string): Promise<FlowOutcome> {
    switch (event.kind) {
      case 'ping': {
        const services = event.repo ? (await this.claimingServices(event.repo)).map((s) => s.name) : [];
        const ping = describePing(event, services);
        return { outcome: 'accepted', reason: ping.message, services: ping.services, releases: [] };
      }
      case 'push':
        return this.push(event, delivery);
      case 'pull_request':
        return this.pullRequest(event, delivery);
      case 'deployment':
        return this.deployment(event, delivery);
      default:
        return ignored(`event ${event.event} needs nothing from cite`);
    }
  }

  private async push(event: Extract<GitHubEvent, { kind: 'push' }>, delivery: string): Promise<FlowOutcome> {
    const { store } = this.options;
    const branch = branchOfRef(event.ref);
    const claim = branch ? await store.repoClaims.get(ids.repoClaim(event.repo, branch)) : null;
    if (!claim) return ignored(decideIgnored(decidePush(event, null, null)));
    const name = claim.value.service;
    if (this.options.branchHead) {
      // Asking GitHub costs a round trip to it: only for a push that would deploy as things stand.
      const service = (await store.services.get(name))?.value ?? null;
      const latest = service ? ((await store.releases.latest(name))?.value ?? null) : null;
      const intent = decidePush(event, service && claiming(service), headOf(latest));
      if (intent.kind === 'ignore') return ignored(intent.reason, [name]);
      const stale = await this.staleHead(event.repo, intent.branch, intent.sha);
      if (stale) return ignored(stale, [name]);
    }
    const ctx = githubContext(event.pusher, delivery);
    let decided: PushIntent = { kind: 'ignore', reason: `${name} is not active` };
    // Decided on what the change's own transaction reads: of two deliveries racing, the older commit loses.
    const release = await this.options.catalog
      .releaseIf(ctx, name, (current, newest) => {
        decided = decidePush(event, claiming(current), headOf(newest));
        return decided.kind === 'deploy' ? this.draft(current, decided, 'deploy', ctx) : null;
      })
      .catch((error: unknown) => {
        // Deleting (409) or gone (404) since the claim was read: nothing to deploy to.
        if (error instanceof ConflictError || error instanceof NotFoundError) return null;
        throw error;
      });
    const intent = decided as PushIntent;
    if (!release || intent.kind !== 'deploy')
      return ignored(intent.kind === 'ignore' ? intent.reason : `${name} changed meanwhile`, [name]);
    return {
      outcome: 'accepted',
      reason: `release ${release.number} of ${name} deploys ${intent.image}`,
      services: [name],
      releases: [{ service: name, number: release.number }],
    };
  }

  /** Why the push should not deploy because the branch moved on (asked of GitHub when configured), or null. */
  private async staleHead(repo: string, branch: string, sha: string): Promise<string | null> {
    if (!this.options.branchHead) return null;
    // GitHub unreachable: the payload is all there is; deploying it beats dropping the push.
    const head = await this.options.branchHead(repo, branch).catch(() => sha);
    if (head === null) return `branch ${branch} no longer exists on GitHub`;
    if (head !== sha)
      return `stale delivery: ${branch} is now at ${head.slice(0, 7)}, not ${sha.slice(0, 7)}`;
    return null;
  }

  private draft(
    service: Service,
    intent: { sha: string; image: string; branch: string; committedAt?: string },
    cause: Extract<ReleaseCause, 'deploy' | 'preview'>,
    ctx: CallContext,
  ): ReleaseDraft {
    return {
      image: intent.image,
      gitSha: intent.sha,
      gitRef: intent.branch,
      ...(intent.committedAt ? { gitCommittedAt: intent.committedAt } : {}),
      config: releaseConfigOf(service),
      cause,
      actor: ctx.principal.actor,
      status: 'pending',
      createdAt: this.now().toISOString(),
    };
  }

  private async pullRequest(
    event: Extract<GitHubEvent, { kind: 'pull_request' }>,
    delivery: string,
  ): Promise<FlowOutcome> {
    const { store } = this.options;
    const claim = await store.repoClaims.get(ids.repoClaim(event.repo, event.baseRef));
    const parent = claim ? ((await store.services.get(claim.value.service))?.value ?? null) : null;
    const name = parent ? previewName(parent.name, event.number) : null;
    const existing = name ? ((await store.services.get(name))?.value ?? null) : null;
    const intent: PreviewIntent = decidePullRequest(event, parent && claiming(parent), {
      existing: existing?.state === 'active',
      count: parent ? await this.previewCount(parent.name) : 0,
      limit: this.options.previewLimit,
    });
    if (intent.kind === 'ignore') return ignored(intent.reason, parent ? [parent.name] : []);
    const ctx = githubContext(event.sender, delivery);
    if (intent.kind === 'remove-preview') {
      await this.options.catalog.remove(ctx, intent.name);
      return {
        outcome: 'accepted',
        reason: `preview ${intent.name} is being removed`,
        services: [intent.parent, intent.name],
        releases: [],
      };
    }
    const release = existing
      ? await this.options.catalog.releaseIf(ctx, intent.name, (current, newest) =>
          newest?.gitSha === intent.sha ? null : this.draft(current, intent, 'preview', ctx),
        )
      : await this.createPreview(parent!, intent, ctx);
    if (!release)
      return ignored(`${intent.sha.slice(0, 7)} is already released`, [intent.parent, intent.name]);
    return {
      outcome: 'accepted',
      reason: `release ${release.number} of preview ${intent.name} deploys ${intent.image}`,
      services: [intent.parent, intent.name],
      releases: [{ service: intent.name, number: release.number }],
    };
  }

  private async createPreview(
    parent: Service,
    intent: Extract<PreviewIntent, { kind: 'preview' }>,
    ctx: CallContext,
  ): Promise<Release | null> {
    const now = this.now().toISOString();
    const { webhookSecret: _secret, ...policy } = parent.deployPolicy;
    const preview: Service = {
      ...parent,
      name: intent.name,
      replicas: 1,
      domains: this.options.previewDomain ? [`${intent.name}.${this.options.previewDomain}`] : [],
      deployPolicy: { ...policy, autoDeploy: false, previews: false },
      preview: { parent: parent.name, pullRequest: intent.number, branch: intent.branch },
      state: 'active',
      createdAt: now,
      updatedAt: now,
    };
    delete preview.currentRelease;
    delete preview.deletedAt;
    const made = await this.options.catalog.createWithRelease(
      ctx,
      preview,
      this.draft(preview, intent, 'preview', ctx),
    );
    return made?.release ?? null;
  }

  /**
   * The previews of `parent` that are not gone, by pull request: the services named `<parent>-pr-<n>` (the
   * parent's name cut to fit, so the first 50 characters are always there) whose record names it.
   */
  async previewsOf(parent: string): Promise<Service[]> {
    const previews: Service[] = [];
    for await (const item of this.options.store.services.all({ prefix: parent.slice(0, 50) }))
      if (item.value.preview?.parent === parent && item.value.state !== 'deleted') previews.push(item.value);
    return previews.sort((a, b) => a.preview!.pullRequest - b.preview!.pullRequest);
  }

  private async previewCount(parent: string): Promise<number> {
    return (await this.previewsOf(parent)).length;
  }

  private async deployment(
    event: Extract<GitHubEvent, { kind: 'deployment' }>,
    delivery: string,
  ): Promise<FlowOutcome> {
    if (event.task === REPORT_TASK)
      return ignored('the deployment cite made to report a release; nothing to deploy');
    const services = await this.claimingServices(event.repo);
    const previews = new Map<string, Service>();
    for (const parent of services) {
      const match = /^pr-(\d+)$/.exec(event.environment);
      if (!match) continue;
      const found = await this.options.store.services.get(previewName(parent.name, Number(match[1])));
      if (found && found.value.state === 'active') previews.set(parent.name, found.value);
    }
    const intent: DeploymentIntent = decideDeployment(event, services.map(claiming), (parent, number) => {
      const preview = previews.get(parent);
      return preview && preview.preview?.pullRequest === number ? claiming(preview) : null;
    });
    if (intent.kind === 'ignore')
      return ignored(
        intent.reason,
        services.map((s) => s.name),
      );
    const ctx = githubContext(event.creator, delivery);
    const release = await this.options.catalog.releaseIf(ctx, intent.service, (current, newest) =>
      newest?.gitSha === intent.sha && newest.image === intent.image
        ? null
        : this.draft(
            current,
            { sha: intent.sha, image: intent.image, branch: event.ref },
            current.preview ? 'preview' : 'deploy',
            ctx,
          ),
    );
    if (release) await this.rememberDeployment(intent.service, release.number, intent.deploymentId);
    return {
      outcome: 'accepted',
      reason: `release ${release?.number} of ${intent.service} deploys ${intent.image} for deployment ${intent.deploymentId}`,
      services: [intent.service],
      releases: release ? [{ service: intent.service, number: release.number }] : [],
    };
  }

  /** The GitHub deployment a release reports to, when GitHub made it (so cite does not make another). */
  private async rememberDeployment(service: string, number: number, deploymentId: number): Promise<void> {
    await this.options.store.githubReports.put(ids.release(service, number), { stages: [], deploymentId });
  }
}
