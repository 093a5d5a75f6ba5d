/**
 * The service lifecycle as the API offers it: create, list, read, change, delete services; deploy, roll back
 * and scale them. Each call authorizes the caller, applies the pure rules of this library, and lands the
 * change as one etcd transaction (`ChangeWriter`): the spec, the release it makes, the domains it claims, its
 * audit entry and its job, guarded by the revisions it was decided on. When someone changed the service or
 * released it in between, the change is decided again on the new state; so the newest release always carries
 * the newest spec, whatever the interleaving of concurrent calls (in one api or many). The job goes to the
 * queue after the transaction; one the queue could not take waits in the outbox for the deployer's relay.
 */
import { isDeepStrictEqual } from 'node:util';
import { authorize, visibleTeams } from '@cite/auth';
import { conflictAt, ForbiddenError, isCiteError, notFoundAt, UnavailableError } from '@cite/errors';
import {
  applyServicePatch,
  isDns1035Label,
  parseOrThrow,
  ServiceCreateSchema,
  ServicePatchSchema,
  rollbackDraft,
  rolledBackService,
  type Release,
  type ReleaseContext,
  type ReleaseDraft,
  type Service,
} from '@cite/model';
import type { JobQueue } from '@cite/queue';
import {
  ChangeWriter,
  enqueueOn,
  KeyedMutex,
  type CommittedChange,
  type MetadataStore,
  type ObservedStatusStore,
  type Page,
  type ReleaseLog,
  type ServiceChange,
  type Versioned,
} from '@cite/store';
import { auditEntryOf, deletionJobOf, releaseChange, type CallContext } from './call-context';
import { resolveDeployImage } from './deploy-image';
import { ANY_REGISTRY, assertRegistryAllowed, type RegistryPolicy } from './registry-policy';
import { claimsFor } from './claims';
import { listServices } from './service-listing';
import { serviceSummary, statusView, type ServiceStatusView, type ServiceSummary } from './status-view';
import type { StreamEvent } from './release-events';
import { followRelease, followReleaseLog, readReleaseLog, type FollowOptions } from './streams';
import {
  baseRelease,
  changeDraft,
  deployDraft,
  releaseConfigChanged,
  scaleService,
} from './release-planning';
import { DeployRequestSchema, RollbackRequestSchema, ScaleRequestSchema } from './requests';
import { findRollbackTarget } from './rollback-targets';
import {
  assertChangeable,
  assertSpecSize,
  deletingService,
  planCreate,
  type LabelSelector,
} from './service-rules';

export interface ServiceCatalogOptions {
  store: MetadataStore;
  queue: JobQueue;
  observed: ObservedStatusStore;
  logs: ReleaseLog;
  /** Registries members' images may come from. @defaultValue any */
  registries?: RegistryPolicy;
  /** @defaultValue `() => new Date()` */
  now?: () => Date;
  /**
   * Times a change is decided again when the service or its releases changed under it, before giving up
   * with 409.
   * @defaultValue 30
   */
  maxAttempts?: number;
}

export interface ServiceListQuery {
  team?: string;
  labels?: LabelSelector[];
  states?: readonly Service['state'][];
  q?: string;
  limit?: number;
  cursor?: string;
}

/** A change's outcome: the service as stored and the release it made, if any. */
export type ChangeResult = CommittedChange;

interface Decision {
  /** The spec wanted (unchanged when the call changes no spec). */
  service: Service;
  /** Builds the release from the spec as stored; null when the change makes none. */
  draft: ((stored: Service) => ReleaseDraft) | null;
}

/** A jittered pause before deciding a change again: 0–2, 0–4, … 0–50 ms. */
const retryPause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));

export class ServiceCatalog {
  private readonly store: MetadataStore;
  private readonly queue: JobQueue;
  private readonly observed: ObservedStatusStore;
  private readonly logs: ReleaseLog;
  private readonly registries: RegistryPolicy;
  private readonly now: () => Date;
  private readonly maxAttempts: number;
  private readonly writer: ChangeWriter;
  /** Changes to one service from this process are decided one at a time, so they do not fight each other. */
  private readonly serial = new KeyedMutex();

  constructor(options: ServiceCatalogOptions) {
    this.store = options.store;
    this.queue = options.queue;
    this.observed = options.observed;
    this.logs = options.logs;
    this.registries = options.registries ?? ANY_REGISTRY;
    this.now = options.now ?? (() => new Date());
    this.maxAttempts = options.maxAttempts ?? 30;
    this.writer = new ChangeWriter(options.store, enqueueOn(options.queue));
  }

  // ------------------------------------------------------------------ services

  async create(ctx: CallContext, body: unknown): Promise<Versioned<Service>> {
    const create = parseOrThrow(ServiceCreateSchema, body, 'service');
    this.require(ctx, { kind: 'team', team: create.team }, 'team');
    assertRegistryAllowed(this.registries, ctx.principal, create.team, create.image, 'image');
    return this.untilLanded(create.name, async () => {
      const existing = await this.store.services.get(create.name);
      const plan = planCreate(existing?.value ?? null, create, this.now());
      assertSpecSize(plan.service);
      const committed = await this.writer.commit({
        name: create.name,
        current: existing,
        next: plan.service,
        ...(await claimsFor(this.writer, null, plan.service, this.now())),
        audit: auditEntryOf(ctx, this.now(), 201),
      });
      return committed && this.landed(ctx, committed).service;
    });
  }

  async list(ctx: CallContext, query: ServiceListQuery): Promise<{ items: Service[]; nextCursor?: string }> {
    this.require(ctx, { kind: 'list-services', team: query.team }, 'team');
    return listServices(this.store.services, { ...query, visible: visibleTeams(ctx.principal) });
  }

  /** Each service's summary (newest release, ready / desired pods), read for all of them at once. */
  async summaries(services: readonly Service[]): Promise<ServiceSummary[]> {
    return Promise.all(
      services.map(async (service) => {
        const [latest, observed] = await Promise.all([
          this.store.releases.latest(service.name),
          this.observed.get(service.name),
        ]);
        return serviceSummary(service, latest?.value ?? null, observed?.value ?? null);
      }),
    );
  }

  /** The service, if the caller may see it (404 before 403, so a member learns nothing of other teams' names). */
  async get(ctx: CallContext, name: string): Promise<Versioned<Service>> {
    if (!isDns1035Label(name)) throw notFoundAt('name', `service ${name} not found`);
    return this.visible(ctx, name, await this.store.services.get(name));
  }

  /** PATCH: env, resources, replicas, port, health check, domains, … → a release of cause `config`. */
  async patch(ctx: CallContext, name: string, body: unknown, ifMatch?: number): Promise<ChangeResult> {
    return this.change(
      ctx,
      name,
      async (service, latest) => {
        const patch = parseOrThrow(ServicePatchSchema, body, 'patch');
        const next = applyServicePatch(service, patch);
        return { service: next, draft: await this.changeDraftFor(service, next, latest, 'config', ctx) };
      },
      ifMatch,
    );
  }

  /** `{ replicas?, cpu?, memory? }` → a release of cause `scale`. */
  async scale(ctx: CallContext, name: string, body: unknown): Promise<ChangeResult> {
    return this.change(ctx, name, async (service, latest) => {
      const next = scaleService(service, parseOrThrow(ScaleRequestSchema, body, 'scale'));
      return { service: next, draft: await this.changeDraftFor(service, next, latest, 'scale', ctx) };
    });
  }

  /**
   * Marks the service `deleting` and leaves the removal of its cluster objects to the deployer; history stays.
   * Asked again while deleting, the job is enqueued again (the same job id), which repairs a lost one.
   */
  async remove(ctx: CallContext, name: string): Promise<Versioned<Service>> {
    return this.untilLanded(name, async () => {
      const current = await this.get(ctx, name);
      if (current.value.state === 'deleted') throw notFoundAt('name', `service ${name} was deleted`);
      if (current.value.state === 'deleting') {
        await this.enqueue(() => enqueueOn(this.queue)(deletionJobOf(ctx, current.value, this.now())));
        return current;
      }
      await this.enqueue(() => this.queue.ping());
      const next = deletingService(current.value, this.now());
      const job = deletionJobOf(ctx, next, this.now());
      const committed = await this.writer.commit({
        name,
        current,
        next,
        job,
        audit: auditEntryOf(ctx, this.now(), 202),
      });
      if (!committed) return null;
      this.landed(ctx, committed);
      await this.writer.deliver(job);
      return committed.service;
    });
  }

  // ------------------------------------------------------------------ releases

  /** `{ image, gitSha? }` → a release of cause `deploy`, enqueued. */
  async deploy(ctx: CallContext, name: string, body: unknown): Promise<Release> {
    const result = await this.change(ctx, name, async (service) => {
      const request = parseOrThrow(DeployRequestSchema, body, 'deploy');
      const image = resolveDeployImage(service.image, request.image);
      assertRegistryAllowed(this.registries, ctx.principal, service.team, image.image, 'image');
      return { service, draft: (stored) => deployDraft(stored, image, request.gitSha, this.context(ctx)) };
    });
    return result.release!;
  }

  /**
   * A release decided by the caller from the service and its newest release as read in the change's own
   * transaction (GitHub's pushes: a commit deploys only if it is still the newest). `null` from `decide`
   * leaves everything as it is.
   */
  async releaseIf(
    ctx: CallContext,
    name: string,
    decide: (service: Service, latest: Release | null) => ReleaseDraft | null,
  ): Promise<Release | null> {
    const result = await this.change(ctx, name, async (service, latest) => {
      const draft = decide(service, latest);
      return { service, draft: draft && (() => draft) };
    });
    return result.release;
  }

  /**
   * A service made by cite itself (a pull request's preview) with its first release, in one transaction; null
   * when a record of that name exists.
   */
  async createWithRelease(
    ctx: CallContext,
    service: Service,
    draft: ReleaseDraft,
  ): Promise<ChangeResult | null> {
    this.require(ctx, { kind: 'team', team: service.team }, 'team');
    await this.enqueue(() => this.queue.ping());
    const landed = await this.untilLanded(service.name, async () => {
      const existing = await this.store.services.get(service.name);
      // A preview leaves no record behind when it goes, so any record here is another service's name.
      if (existing) return { made: null };
      assertSpecSize(service);
      const change: ServiceChange = {
        name: service.name,
        current: existing,
        next: service,
        ...(await claimsFor(this.writer, null, service, this.now())),
        ...releaseChange(ctx, service.name, { number: 1, draft }, this.now()),
      };
      const committed = await this.writer.commit(change);
      if (!committed) return null;
      this.landed(ctx, committed);
      if (change.job) await this.writer.deliver(change.job);
      return { made: committed };
    });
    return landed.made;
  }

  /** `{ to? }` → a release of cause `rollback`: the target's image, env, port and health check (see `rolledBackService`). */
  async rollback(ctx: CallContext, name: string, body: unknown): Promise<Release> {
    const result = await this.change(ctx, name, async (service) => {
      const request = parseOrThrow(RollbackRequestSchema, body, 'rollback');
      const target = await findRollbackTarget(this.store, service, request.to);
      const next = rolledBackService(service, target);
      return { service: next, draft: (stored) => rollbackDraft(stored, target, this.context(ctx)) };
    });
    return result.release!;
  }

  async releases(
    ctx: CallContext,
    name: string,
    options: { limit?: number; cursor?: string },
  ): Promise<{ items: Release[]; nextCursor?: string }> {
    await this.get(ctx, name);
    const page: Page<Release> = await this.store.releases.list(name, options);
    return {
      items: page.items.map((item) => item.value),
      ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
    };
  }

  async release(ctx: CallContext, name: string, number: number): Promise<Versioned<Release>> {
    await this.get(ctx, name);
    const release = await this.store.releases.get(name, number);
    if (!release) throw notFoundAt('number', `release ${number} of service ${name} not found`);
    return release;
  }

  /** The release's progress events (see `followRelease`), after checking the caller may see it. */
  async releaseEvents(
    ctx: CallContext,
    name: string,
    number: number,
    options: FollowOptions,
  ): Promise<AsyncGenerator<StreamEvent>> {
    await this.release(ctx, name, number);
    return followRelease({ releases: this.store.releases, observed: this.observed }, name, number, options);
  }

  /** The release's deploy log as events (see `followReleaseLog`). */
  async releaseLogEvents(
    ctx: CallContext,
    name: string,
    number: number,
    options: FollowOptions,
  ): Promise<AsyncGenerator<StreamEvent>> {
    await this.release(ctx, name, number);
    return followReleaseLog({ releases: this.store.releases, logs: this.logs }, name, number, options);
  }

  /** The release's deploy log as text. */
  async releaseLogText(ctx: CallContext, name: string, number: number): Promise<string> {
    await this.release(ctx, name, number);
    return readReleaseLog(this.logs, name, number);
  }

  async status(ctx: CallContext, name: string): Promise<ServiceStatusView> {
    const { value: service } = await this.get(ctx, name);
    const [latest, observed] = await Promise.all([this.store.releases.latest(name), this.observed.get(name)]);
    return statusView(service, latest?.value ?? null, observed?.value ?? null, this.now());
  }

  // ------------------------------------------------------------------ internals

  private context(ctx: CallContext): ReleaseContext {
    return { actor: ctx.principal.actor, now: this.now() };
  }

  private require(ctx: CallContext, request: Parameters<typeof authorize>[1], path: string): void {
    const decision = authorize(ctx.principal, request);
    if (!decision.allowed) {
      throw new ForbiddenError(decision.reason, { details: [{ path, message: decision.reason }] });
    }
  }

  /** The service read, if it exists and the caller may see it (404, then 403). */
  private visible(ctx: CallContext, name: string, service: Versioned<Service> | null): Versioned<Service> {
    if (!service) throw notFoundAt('name', `service ${name} not found`);
    this.require(ctx, { kind: 'team', team: service.value.team }, 'name');
    return service;
  }

  /**
   * Reads the service and its newest release at one revision, decides the change, and lands it with its
   * release, domain claims, audit entry and job in one transaction guarded by what was read; decides again when
   * something moved in between. `ifMatch` (a revision from `ETag`) is a precondition on the service: 409 when
   * it moved on.
   */
  private async change(
    ctx: CallContext,
    name: string,
    decide: (service: Service, latest: Release | null) => Promise<Decision>,
    ifMatch?: number,
  ): Promise<ChangeResult> {
    if (!isDns1035Label(name)) throw notFoundAt('name', `service ${name} not found`);
    return this.untilLanded(name, async () => {
      const [found, latest] = await this.store.etcd.read([
        this.store.services.getRead(name),
        this.store.releases.latestRead(name),
      ] as const);
      const current = this.visible(ctx, name, found);
      assertChangeable(current.value);
      if (ifMatch !== undefined && ifMatch !== current.modRevision) {
        throw conflictAt(
          'headers.if-match',
          `service ${name} changed: it is at revision ${current.modRevision}, not ${ifMatch}; read it again`,
        );
      }
      const decision = await decide(current.value, latest?.value ?? null);
      const changed = !isDeepStrictEqual(decision.service, current.value);
      if (!changed && decision.draft === null) return { service: current, release: null };
      const next = changed ? { ...decision.service, updatedAt: this.now().toISOString() } : undefined;
      const stored = next ?? current.value;
      assertSpecSize(stored);
      // Refused whole while the queue is down: nothing is written.
      if (decision.draft) await this.enqueue(() => this.queue.ping());
      const release = decision.draft
        ? { number: (latest?.value.number ?? 0) + 1, draft: decision.draft(stored) }
        : undefined;
      const change: ServiceChange = {
        name,
        current,
        ...(next ? { next, ...(await claimsFor(this.writer, current.value, next, this.now())) } : {}),
        ...releaseChange(ctx, name, release, this.now()),
      };
      const committed = await this.writer.commit(change);
      if (!committed) return null;
      this.landed(ctx, committed);
      if (change.job) await this.writer.deliver(change.job);
      return committed;
    });
  }

  /**
   * Runs `attempt` (under this process's lock on the service) until it lands, that is returns non-null; pauses
   * briefly between tries, and gives up with 409 after `maxAttempts`.
   */
  private async untilLanded<R>(name: string, attempt: () => Promise<R | null>): Promise<R> {
    return this.serial.run(name, async () => {
      for (let tries = 1; tries <= this.maxAttempts; tries++) {
        const landed = await attempt();
        if (landed !== null) return landed;
        await retryPause(tries);
      }
      throw conflictAt('name', `service ${name} kept changing; try again`);
    });
  }

  /** The draft for a config or scale change, or null when the release config is unchanged or nothing was released yet. */
  private async changeDraftFor(
    before: Service,
    after: Service,
    latest: Release | null,
    cause: 'config' | 'scale',
    ctx: CallContext,
  ): Promise<Decision['draft']> {
    if (!releaseConfigChanged(before, after) || latest === null) return null;
    const running =
      latest.status === 'failed' && before.currentRelease !== undefined
        ? await this.store.releases.get(before.name, before.currentRelease)
        : null;
    const base = baseRelease(latest, running?.value ?? null);
    if (base === null) return null;
    return (stored) => changeDraft(stored, base, cause, this.context(ctx));
  }

  /** After a change landed: its audit entry is written. */
  private landed(ctx: CallContext, committed: CommittedChange): CommittedChange {
    if (ctx.audit) ctx.audit.recorded = true;
    return committed;
  }

  /** Runs a queue call; a failure that is not already typed means Redis cannot be reached (503). */
  private async enqueue(call: () => Promise<void>): Promise<void> {
    try {
      await call();
    } catch (error) {
      if (isCiteError(error)) throw error;
      throw new UnavailableError('redis', `job queue unavailable: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}
