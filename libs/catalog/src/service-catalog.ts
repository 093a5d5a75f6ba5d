/**
 * The service lifecycle as the API offers it: create, list, read, change, delete services; deploy, roll back
 * and scale them. Each call authorizes the caller, applies the pure rules of this library, records intent in
 * etcd and enqueues the job that carries it to the cluster. The api's routes only translate HTTP to these.
 *
 * A change and the release it makes are written in two steps (service, then release), and the release is
 * allocated only while the service is still at the revision it was built from; when someone changed the
 * service in between, the change is decided again on the new state. So the newest release always carries
 * the newest spec, whatever the interleaving of concurrent calls (in one api or many).
 */
import { authorize, visibleTeams, type Principal } from '@cite/auth';
import { ConflictError, ForbiddenError, isCiteError, UnavailableError } from '@cite/errors';
import {
  applyServicePatch,
  isDns1035Label,
  parseOrThrow,
  ServiceCreateSchema,
  ServicePatchSchema,
  teamNamespace,
  type Release,
  type Service,
} from '@cite/model';
import type { JobQueue } from '@cite/queue';
import type { MetadataStore, Page, ReleaseDraft, Versioned } from '@cite/store';
import { encodeCursor } from '@cite/store';
import { isDeepStrictEqual } from 'node:util';
import { resolveDeployImage } from './deploy-image';
import { conflictAt, notFoundAt } from './field-errors';
import type { ObservedStatusStore } from './observed-status';
import type { ServiceStatusView } from './status-view';
import type { StreamEvent } from './release-events';
import type { ReleaseLog } from './release-log';
import { followRelease, followReleaseLog, readReleaseLog, type FollowOptions } from './streams';
import {
  baseRelease,
  changeDraft,
  deployDraft,
  releaseConfigChanged,
  rolledBackService,
  rollbackDraft,
  scaleService,
  type ReleaseContext,
} from './release-planning';
import { DeployRequestSchema, RollbackRequestSchema, ScaleRequestSchema } from './requests';
import {
  checkRollbackTarget,
  isDefaultRollbackTarget,
  noDefaultTarget,
  type RollbackContext,
} from './rollback';
import {
  assertChangeable,
  deletingService,
  matchesFilter,
  planCreate,
  type LabelSelector,
} from './service-rules';

/** Who calls, for authorization, release actors and log correlation. */
export interface CallContext {
  principal: Principal;
  requestId?: string;
}

export interface ServiceCatalogOptions {
  store: MetadataStore;
  queue: JobQueue;
  observed: ObservedStatusStore;
  logs: ReleaseLog;
  /** @defaultValue `() => new Date()` */
  now?: () => Date;
  /**
   * Times a change is decided again when the service changed under it before giving up with 409.
   * @defaultValue 10
   */
  maxAttempts?: number;
}

export interface ServiceListQuery {
  team?: string;
  labels?: LabelSelector[];
  states?: readonly Service['state'][];
  limit?: number;
  cursor?: string;
}

/** A change's outcome: the service as stored and the release it made, if any. */
export interface ChangeResult {
  service: Versioned<Service>;
  release: Release | null;
}

interface Decision {
  /** The spec wanted (unchanged when the call changes no spec). */
  service: Service;
  /** Builds the release from the spec as stored; null when the change makes none. */
  draft: ((stored: Service) => ReleaseDraft) | null;
}

const DEFAULT_PAGE = 100;

export class ServiceCatalog {
  private readonly store: MetadataStore;
  private readonly queue: JobQueue;
  private readonly observed: ObservedStatusStore;
  private readonly logs: ReleaseLog;
  private readonly now: () => Date;
  private readonly maxAttempts: number;

  constructor(options: ServiceCatalogOptions) {
    this.store = options.store;
    this.queue = options.queue;
    this.observed = options.observed;
    this.logs = options.logs;
    this.now = options.now ?? (() => new Date());
    this.maxAttempts = options.maxAttempts ?? 10;
  }

  // ------------------------------------------------------------------ services

  async create(ctx: CallContext, body: unknown): Promise<Versioned<Service>> {
    const create = parseOrThrow(ServiceCreateSchema, body, 'service');
    this.require(ctx, { kind: 'team', team: create.team }, 'team');
    const existing = await this.store.services.get(create.name);
    const plan = planCreate(existing?.value ?? null, create, this.now());
    if (plan.kind === 'create') return this.store.services.create(create.name, plan.service);
    try {
      return await this.store.services.update(create.name, plan.service, existing!.modRevision);
    } catch (error) {
      if (error instanceof ConflictError) throw conflictAt('name', `service ${create.name} already exists`);
      throw error;
    }
  }

  async list(ctx: CallContext, query: ServiceListQuery): Promise<{ items: Service[]; nextCursor?: string }> {
    this.require(ctx, { kind: 'list-services', team: query.team }, 'team');
    const limit = query.limit ?? DEFAULT_PAGE;
    const filter = { ...query, visible: visibleTeams(ctx.principal) };
    const items: Service[] = [];
    let cursor = query.cursor;
    for (;;) {
      const page = await this.store.services.list({ limit: Math.max(limit, DEFAULT_PAGE), cursor });
      for (const [index, item] of page.items.entries()) {
        if (!matchesFilter(item.value, filter)) continue;
        items.push(item.value);
        if (items.length === limit) {
          const more = index < page.items.length - 1 || page.nextCursor !== undefined;
          return more ? { items, nextCursor: encodeCursor(item.id) } : { items };
        }
      }
      if (page.nextCursor === undefined) return { items };
      cursor = page.nextCursor;
    }
  }

  /** The service, if the caller may see it (404 before 403, so a member learns nothing of other teams' names). */
  async get(ctx: CallContext, name: string): Promise<Versioned<Service>> {
    if (!isDns1035Label(name)) throw notFoundAt('name', `service ${name} not found`);
    const service = await this.store.services.get(name);
    if (!service) throw notFoundAt('name', `service ${name} not found`);
    this.require(ctx, { kind: 'team', team: service.value.team }, 'name');
    return service;
  }

  /** PATCH: env, resources, replicas, port, health check, domains, … → a release of cause `config`. */
  async patch(ctx: CallContext, name: string, body: unknown, ifMatch?: number): Promise<ChangeResult> {
    return this.change(
      ctx,
      name,
      async (service) => {
        const patch = parseOrThrow(ServicePatchSchema, body, 'patch');
        const next = applyServicePatch(service, patch);
        return { service: next, draft: await this.changeDraftFor(service, next, 'config', ctx) };
      },
      ifMatch,
    );
  }

  /** `{ replicas?, cpu?, memory? }` → a release of cause `scale`. */
  async scale(ctx: CallContext, name: string, body: unknown): Promise<ChangeResult> {
    return this.change(ctx, name, async (service) => {
      const next = scaleService(service, parseOrThrow(ScaleRequestSchema, body, 'scale'));
      return { service: next, draft: await this.changeDraftFor(service, next, 'scale', ctx) };
    });
  }

  /** Marks the service `deleting` and enqueues the removal of its cluster objects; history stays. */
  async remove(ctx: CallContext, name: string): Promise<Versioned<Service>> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(ctx, name);
      if (current.value.state === 'deleted') throw notFoundAt('name', `service ${name} was deleted`);
      let service = current;
      if (current.value.state !== 'deleting') {
        try {
          service = await this.store.services.update(
            name,
            deletingService(current.value, this.now()),
            current.modRevision,
          );
        } catch (error) {
          if (error instanceof ConflictError && attempt < this.maxAttempts) continue;
          throw error;
        }
      }
      // Asked again while deleting: the same job id, so enqueueing again is harmless and repairs a lost job.
      await this.enqueue(() =>
        this.queue.enqueueDeletion(
          { service: name, namespace: teamNamespace(service.value.team), requestId: ctx.requestId },
          service.value.updatedAt,
        ),
      );
      return service;
    }
  }

  // ------------------------------------------------------------------ releases

  /** `{ image, gitSha? }` → a release of cause `deploy`, enqueued. */
  async deploy(ctx: CallContext, name: string, body: unknown): Promise<Release> {
    const result = await this.change(ctx, name, async (service) => {
      const request = parseOrThrow(DeployRequestSchema, body, 'deploy');
      const image = resolveDeployImage(service.image, request.image);
      return { service, draft: (stored) => deployDraft(stored, image, request.gitSha, this.context(ctx)) };
    });
    return result.release!;
  }

  /** `{ to? }` → a release of cause `rollback` copying the target's image and config. */
  async rollback(ctx: CallContext, name: string, body: unknown): Promise<Release> {
    const result = await this.change(ctx, name, async (service) => {
      const request = parseOrThrow(RollbackRequestSchema, body, 'rollback');
      const target = await this.rollbackTarget(service, request.to);
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
    const now = this.now().getTime();
    return {
      service: name,
      state: service.state,
      desired: {
        replicas: service.replicas,
        resources: service.resources,
        release: latest
          ? {
              number: latest.value.number,
              status: latest.value.status,
              image: latest.value.image,
              cause: latest.value.cause,
            }
          : null,
        running: service.currentRelease ?? null,
      },
      observed: observed
        ? {
            ...observed.value,
            pods: observed.value.pods.map((pod) =>
              pod.createdAt === undefined
                ? pod
                : { ...pod, ageSeconds: Math.max(0, Math.floor((now - Date.parse(pod.createdAt)) / 1000)) },
            ),
          }
        : null,
      ...(observed
        ? {}
        : {
            reason:
              latest === null
                ? 'the service has no release yet'
                : 'not reported yet: the deployer or watcher has not observed the service in the cluster',
          }),
    };
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

  /**
   * Reads the service, decides the change, writes the spec (compare-and-swap) and allocates the release
   * guarded by the spec's revision; decides again when the service changed in between. `ifMatch` (a
   * revision from `ETag`) makes the first read a precondition: 409 when the service moved on.
   */
  private async change(
    ctx: CallContext,
    name: string,
    decide: (service: Service) => Promise<Decision>,
    ifMatch?: number,
  ): Promise<ChangeResult> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const current = await this.get(ctx, name);
      assertChangeable(current.value);
      if (attempt === 1 && ifMatch !== undefined && ifMatch !== current.modRevision) {
        throw conflictAt(
          'headers.if-match',
          `service ${name} changed: it is at revision ${current.modRevision}, not ${ifMatch}; read it again`,
        );
      }
      const decision = await decide(current.value);
      let stored = current;
      if (!isDeepStrictEqual(decision.service, current.value)) {
        const next = { ...decision.service, updatedAt: this.now().toISOString() };
        try {
          stored = await this.store.services.update(name, next, current.modRevision);
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
          if (attempt === 1 && ifMatch !== undefined) {
            throw conflictAt(
              'headers.if-match',
              `service ${name} changed while it was being updated; read it again`,
            );
          }
          continue;
        }
      }
      if (decision.draft === null) return { service: stored, release: null };
      await this.enqueue(() => this.queue.ping());
      let release: Versioned<Release>;
      try {
        release = await this.store.releases.allocate(name, decision.draft(stored.value), {
          serviceModRevision: stored.modRevision,
        });
      } catch (error) {
        if (error instanceof ConflictError) continue;
        throw error;
      }
      await this.enqueue(() =>
        this.queue.enqueueRelease({ service: name, release: release.value.number, requestId: ctx.requestId }),
      );
      return { service: stored, release: release.value };
    }
    throw conflictAt('name', `service ${name} kept changing; try again`);
  }

  /** The draft for a config or scale change, or null when the release config is unchanged or nothing was released yet. */
  private async changeDraftFor(
    before: Service,
    after: Service,
    cause: 'config' | 'scale',
    ctx: CallContext,
  ): Promise<Decision['draft']> {
    if (!releaseConfigChanged(before, after)) return null;
    const [latest, running] = await Promise.all([
      this.store.releases.latest(before.name),
      before.currentRelease === undefined
        ? null
        : this.store.releases.get(before.name, before.currentRelease),
    ]);
    const base = baseRelease(latest?.value ?? null, running?.value ?? null);
    if (base === null) return null;
    return (stored) => changeDraft(stored, base, cause, this.context(ctx));
  }

  private async rollbackTarget(service: Service, to: number | undefined): Promise<Release> {
    const context: RollbackContext = { running: service.currentRelease, since: service.createdAt };
    if (to !== undefined) {
      if (context.running === undefined) context.running = (await this.newestSucceeded(service))?.number;
      const target = await this.store.releases.get(service.name, to);
      return checkRollbackTarget(to, target?.value ?? null, context);
    }
    for await (const item of this.store.releases.records.all({ prefix: `${service.name}/`, order: 'desc' })) {
      const release = item.value;
      if (Date.parse(release.createdAt) < Date.parse(context.since)) break;
      if (context.running === undefined && release.status === 'succeeded') {
        context.running = release.number;
        continue;
      }
      if (isDefaultRollbackTarget(release, context)) return release;
    }
    throw noDefaultTarget(context);
  }

  private async newestSucceeded(service: Service): Promise<Release | null> {
    for await (const item of this.store.releases.records.all({ prefix: `${service.name}/`, order: 'desc' })) {
      if (Date.parse(item.value.createdAt) < Date.parse(service.createdAt)) return null;
      if (item.value.status === 'succeeded') return item.value;
    }
    return null;
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
