/**
 * The leading watcher's work: the cluster's objects (informers) and cite's records (etcd mirrors) in memory, a
 * set of records to decide again, and a loop that decides them (`@cite/observe`) and writes what changed.
 * Started once elected; at start every record either side knows of is decided, so records whose Ingress,
 * Service or pod went while no watcher ran are removed (converge from scratch).
 */
import { createHash } from 'node:crypto';
import type { KubeHttp } from '@cite/kube';
import { PATHS } from '@cite/kube';
import type { Logger } from '@cite/logging';
import { NO_METRICS, type WatcherMetrics } from '@cite/metrics';
import { teamNamespace, type Domain, type Service } from '@cite/model';
import {
  decideDomain,
  holderOf,
  ipRecordOf,
  lbRecordFor,
  nodeRecordOf,
  podIpOf,
  refOf,
  statusRecordOf,
} from '@cite/observe';
import {
  Mirror,
  ObservedStatusStore,
  type Leadership,
  type MetadataStore,
  type MirrorChange,
} from '@cite/store';
import type { V1Ingress } from '@kubernetes/client-node';
import { ClusterCaches } from './cluster-caches';
import type { LogShipper } from './log-shipper';
import { Relation } from './indexes';
import {
  dirtyKey,
  parseDirtyKey,
  RECORD_KINDS,
  type Mirrors,
  type RecordKind,
  type Repositories,
} from './records';
import { NotLeaderError, RecordWriter, type Decision } from './writer';

export interface WatcherOptions {
  http: KubeHttp;
  store: MetadataStore;
  leadership: Pick<Leadership, 'guard' | 'isLeader'>;
  /** `CITE_WATCHER_LB_VIPS`. */
  vips: readonly string[];
  logger: Logger;
  metrics?: WatcherMetrics;
  /** Records per etcd transaction. @defaultValue 100 */
  batchSize?: number;
  /** Transactions in flight at once. @defaultValue 4 */
  concurrency?: number;
  /** Ships the containers' logs while this watcher leads (`CITE_LOGS_URL`). */
  shipper?: LogShipper;
  now?: () => Date;
}

export class Watcher {
  private readonly caches: ClusterCaches;
  private readonly repositories: Repositories;
  private mirrors!: Mirrors;
  private services!: Mirror<Service>;
  /** Service name → the hosts its spec claims (live services only). */
  private readonly serviceHosts = new Relation();
  /** Dirty record keys → when they first became dirty (`performance.now()`), in arrival order. */
  private readonly dirty = new Map<string, number>();
  private readonly waiters: (() => void)[] = [];
  /** Keys a batch is writing now. */
  private readonly inFlight = new Set<string>();
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();
  private readonly reported = new Set<string>();
  private readonly metrics: WatcherMetrics;
  private readonly now: () => Date;
  private failure: ((error: Error) => void) | undefined;
  /** Rejects when the loop stops for good (lost leadership); never resolves otherwise. */
  readonly failed: Promise<never>;

  constructor(private readonly options: WatcherOptions) {
    this.metrics = options.metrics ?? NO_METRICS;
    this.now = options.now ?? (() => new Date());
    this.failed = new Promise<never>((_, reject) => (this.failure = reject));
    this.failed.catch(() => undefined);
    const observed = new ObservedStatusStore(options.store.etcd);
    this.repositories = {
      domain: options.store.domains,
      lb: options.store.lbEndpoints,
      ip: options.store.ips,
      node: options.store.nodes,
      status: observed.records,
    };
    this.caches = new ClusterCaches(options.http, {
      onDirty: (keys) => this.markDirty(keys),
      onEvent: (resource) => this.metrics.watcherEvent(resource),
      onError: (resource, error, retryInMs) =>
        options.logger.warn('watch failed; listing again', { resource, error: String(error), retryInMs }),
      onRelist: (resource, count) => options.logger.info('listed again', { resource, count }),
      onPod: (pod, gone) => options.shipper?.podChanged(pod, gone),
    });
  }

  /** Lists both sides, decides every record once, then follows changes. Resolves once converged. */
  async start(): Promise<void> {
    await this.options.shipper?.start();
    const mark = (kind: RecordKind) => (change: MirrorChange<unknown>) =>
      this.markDirty([dirtyKey(kind, change.id)]);
    const [services, ...mirrors] = await Promise.all([
      Mirror.start(
        this.options.store.services,
        (change) => this.serviceChanged(change),
        this.options.logger,
        // Only what the watcher reads of a spec: who claims which hosts, its team, whether it is deleted.
        (service) =>
          ({
            name: service.name,
            team: service.team,
            state: service.state,
            createdAt: service.createdAt,
            domains: service.domains,
          }) as Service,
      ),
      ...RECORD_KINDS.map((kind) =>
        Mirror.start(this.repositories[kind] as Repositories['domain'], mark(kind), this.options.logger),
      ),
    ]);
    this.services = services;
    this.mirrors = Object.fromEntries(
      RECORD_KINDS.map((kind, i) => [kind, mirrors[i]]),
    ) as unknown as Mirrors;
    await this.caches.synced();
    // Converge from scratch: every record either side knows of.
    for (const kind of RECORD_KINDS)
      this.markDirty([...this.mirrors[kind].ids()].map((id) => dirtyKey(kind, id)));
    for (const name of services.ids()) this.markDirty([dirtyKey('status', name)]);
    for (const host of this.caches.ingressHosts.keys()) this.markDirty([dirtyKey('domain', host)]);
    for (const host of this.serviceHosts.keys()) this.markDirty([dirtyKey('domain', host)]);
    for (const node of this.caches.nodes.list())
      this.markDirty([dirtyKey('node', node.metadata?.name ?? '')]);
    const writer = new RecordWriter(
      this.options.store,
      this.repositories,
      this.mirrors,
      this.options.leadership,
    );
    this.loop = this.run(writer);
    await this.converged();
  }

  /** Resolves when nothing is left to decide. */
  async converged(): Promise<void> {
    while ((this.dirty.size > 0 || this.inFlight.size > 0) && !this.stopped)
      await new Promise((resolve) => setTimeout(resolve, 20));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.options.shipper?.stop();
    this.wake();
    await this.loop;
    await this.caches.stop();
    await Promise.all([this.services?.stop(), ...RECORD_KINDS.map((kind) => this.mirrors?.[kind]?.stop())]);
  }

  private markDirty(keys: readonly string[]): void {
    const at = performance.now();
    for (const key of keys) if (!this.dirty.has(key)) this.dirty.set(key, at);
    if (this.dirty.size > 0) this.wake();
  }

  private serviceChanged(change: MirrorChange<Service>): void {
    const live = change.value && change.value.state !== 'deleted' ? change.value : undefined;
    const hosts = this.serviceHosts.set(change.id, live?.domains ?? []);
    this.markDirty([...hosts.map((host) => dirtyKey('domain', host)), dirtyKey('status', change.id)]);
  }

  /** `concurrency` workers, each writing one batch at a time; a key is never in two batches at once. */
  private async run(writer: RecordWriter): Promise<void> {
    const workers = this.options.concurrency ?? 4;
    await Promise.all(Array.from({ length: workers }, () => this.work(writer)));
  }

  private async work(writer: RecordWriter): Promise<void> {
    const batchSize = this.options.batchSize ?? 100;
    while (!this.stopped) {
      const taken = this.take(batchSize);
      if (taken.length === 0) {
        await new Promise<void>((resolve) => this.waiters.push(resolve));
        continue;
      }
      try {
        await this.settle(writer, taken);
      } catch (error) {
        if (error instanceof NotLeaderError) {
          this.stopped = true;
          this.wake();
          this.failure?.(error);
          return;
        }
        // etcd unavailable or a record that fails its schema: try again shortly; nothing is lost.
        this.options.logger.warn('watcher write failed; retrying', { error: String(error) });
        this.requeue(taken);
        await new Promise((resolve) => setTimeout(resolve, 500));
      } finally {
        for (const [key] of taken) this.inFlight.delete(key);
        if (this.dirty.size > 0) this.wake();
      }
    }
  }

  /** Up to `limit` dirty keys that no batch is writing, oldest first; they leave the dirty set. */
  private take(limit: number): [string, number][] {
    const taken: [string, number][] = [];
    for (const entry of this.dirty) {
      if (this.inFlight.has(entry[0])) continue;
      taken.push(entry);
      if (taken.length >= limit) break;
    }
    for (const [key] of taken) {
      this.dirty.delete(key);
      this.inFlight.add(key);
    }
    return taken;
  }

  private requeue(taken: readonly [string, number][]): void {
    for (const [key, at] of taken) if (!this.dirty.has(key)) this.dirty.set(key, at);
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private async settle(writer: RecordWriter, taken: readonly [string, number][]): Promise<void> {
    const decided = new Map<string, { decision: Decision; conflicting: V1Ingress[] }>();
    for (const [key] of taken) decided.set(key, this.decide(key));
    const changes = writer.changes([...decided.values()].map((entry) => entry.decision));
    const written = await writer.write(changes);
    if (written === null) {
      this.requeue(taken);
      return;
    }
    const since = new Map(taken);
    const now = performance.now();
    for (const { decision, op } of written) {
      const key = dirtyKey(decision.kind, decision.id);
      this.metrics.watcherWrite(decision.kind, op, (now - (since.get(key) ?? now)) / 1000);
      const conflicting = decided.get(key)?.conflicting ?? [];
      if (conflicting.length > 0 && decision.kind === 'domain' && decision.record)
        this.reportConflicts(decision.id, conflicting, decision.record as Domain);
    }
  }

  private decide(key: string): { decision: Decision; conflicting: V1Ingress[] } {
    const { kind, id } = parseDirtyKey(key);
    const now = this.now();
    switch (kind) {
      case 'domain': {
        const claims = this.serviceHosts.ownersOf(id).flatMap((name) => {
          const service = this.services.get(name)?.value;
          return service
            ? [{ service: name, namespace: teamNamespace(service.team), createdAt: service.createdAt }]
            : [];
        });
        const { record, conflicting } = decideDomain({
          host: id,
          ingresses: this.caches.ingressesFor(id),
          claims,
          current: this.mirrors.domain.get(id)?.value ?? null,
          vips: this.options.vips,
          now,
        });
        return { decision: { kind, id, record }, conflicting };
      }
      case 'lb': {
        const [namespace = '', name = ''] = id.split('/');
        const service = this.caches.services.get(name, namespace);
        const record = service
          ? lbRecordFor(
              service,
              this.caches.slicesOf(id),
              this.caches.endpoints.get(name, namespace) ?? null,
              now,
            )
          : null;
        return { decision: { kind, id, record }, conflicting: [] };
      }
      case 'ip': {
        const holder = holderOf(this.caches.podsWithIp(id).filter((pod) => podIpOf(pod) === id));
        return { decision: { kind, id, record: holder ? ipRecordOf(holder, now) : null }, conflicting: [] };
      }
      case 'node': {
        const node = this.caches.nodes.get(id);
        const ips = this.caches.podsOn(id).flatMap((pod) => podIpOf(pod) ?? []);
        return {
          decision: { kind, id, record: node ? nodeRecordOf(node, ips, now) : null },
          conflicting: [],
        };
      }
      case 'status': {
        const service = this.services.get(id)?.value;
        if (!service || service.state === 'deleted')
          return { decision: { kind, id, record: null }, conflicting: [] };
        const namespace = teamNamespace(service.team);
        const record = statusRecordOf(
          namespace,
          id,
          this.caches.deployments.get(id, namespace) ?? null,
          this.caches.podsOf(namespace, id),
          this.mirrors.status.get(id)?.value ?? null,
          now,
        );
        return { decision: { kind, id, record }, conflicting: [] };
      }
    }
  }

  /** A Warning event on each Ingress that routes a host it does not get, once per Ingress and host. */
  private reportConflicts(
    host: string,
    ingresses: readonly V1Ingress[],
    record: { service?: string; ingress?: string },
  ) {
    const owner = record.service ?? record.ingress ?? 'another owner';
    for (const ingress of ingresses) {
      const seen = `${ingress.metadata?.uid ?? refOf(ingress)} ${host}`;
      if (this.reported.has(seen)) continue;
      this.reported.add(seen);
      const namespace = ingress.metadata?.namespace ?? 'default';
      const name = ingress.metadata?.name ?? '';
      const suffix = createHash('sha256').update(host).digest('hex').slice(0, 10);
      const time = this.now().toISOString();
      this.options.http
        .json(PATHS.events(namespace), {
          method: 'POST',
          body: {
            apiVersion: 'v1',
            kind: 'Event',
            metadata: { name: `${name}.host-conflict-${suffix}`, namespace },
            involvedObject: {
              apiVersion: 'networking.k8s.io/v1',
              kind: 'Ingress',
              name,
              namespace,
              ...(ingress.metadata?.uid ? { uid: ingress.metadata.uid } : {}),
            },
            type: 'Warning',
            reason: 'HostConflict',
            message: `host ${host} is already owned by ${owner}; this Ingress does not get it (cite-watcher)`,
            source: { component: 'cite-watcher' },
            reportingComponent: 'cite-watcher',
            firstTimestamp: time,
            lastTimestamp: time,
            count: 1,
          },
        })
        .catch((error: unknown) => {
          // 409: reported before (by this or an earlier leader). Anything else: say so; the record holds the conflict.
          if ((error as { code?: number }).code !== 409)
            this.options.logger.warn('could not record a host conflict event', {
              host,
              ingress: `${namespace}/${name}`,
              error: String(error),
            });
        });
    }
  }
}
