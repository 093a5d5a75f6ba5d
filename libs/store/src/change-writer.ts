/**
 * Lands a change to a service as one etcd transaction — the spec, the release it makes, the domains it claims
 * or lets go, its audit entry and the job it needs (in the outbox) — guarded by the revisions it was decided
 * on, then puts the job on the queue. A change is wholly accepted (and its job is never lost: what a crash or a
 * Redis outage leaves in the outbox, the deployer's `OutboxRelay` enqueues) or wholly refused.
 */
import {
  outboxEntryId,
  type AuditEntry,
  type Domain,
  type OutboxEntry,
  type Release,
  type RepoClaim,
  type ReleaseDraft,
  type Service,
} from '@cite/model';
import { ids } from './keys';
import type { MetadataStore } from './metadata-store';
import type { Versioned } from './repository';

/** The domain records a change writes: hosts it claims and records it lets go. */
export interface DomainClaims {
  /** Hosts with no record yet: the service claims them (guarded: only while still unclaimed). */
  claim: Domain[];
  /** Hosts the service owns and no longer wants: their records go (guarded by revision). */
  release: { host: string; modRevision: number }[];
}

/** The repository claims a change writes: the branch it now deploys, and the claim it lets go. */
export interface RepoClaims {
  /** Guarded: only while nobody claims the branch. */
  claim: RepoClaim[];
  /** Claims the service owns and no longer wants (guarded by revision); ids from `ids.repoClaim`. */
  release: { id: string; modRevision: number }[];
}

export interface ServiceChange {
  name: string;
  /**
   * The service as the change was decided on; the transaction lands only while it is still at this revision
   * (null: only while there is no record, as for a create).
   */
  current: Versioned<Service> | null;
  /** The spec to store; absent when the change leaves it as it is (required when `current` is null). */
  next?: Service;
  /** The release the change makes: the service's next number (read with the service) and its draft. */
  release?: { number: number; draft: ReleaseDraft };
  claims?: DomainClaims;
  repoClaims?: RepoClaims;
  audit?: AuditEntry;
  /** The job the change needs. */
  job?: OutboxEntry;
}

export interface CommittedChange {
  service: Versioned<Service>;
  release: Release | null;
}

/** Puts an outbox entry's job on the queue (idempotent: the same entry is the same job id). */
export type EnqueueJob = (entry: OutboxEntry) => Promise<void>;

/**
 * The producer calls an outbox entry becomes: `JobQueue` of `@cite/queue` has them. Stated here as a port, so
 * that the store does not depend on the queue.
 */
export interface OutboxJobSink {
  enqueueRelease(job: { service: string; release: number; requestId?: string }): Promise<void>;
  enqueueDeletion(
    job: { service: string; namespace: string; requestId?: string },
    deletingSince: string,
  ): Promise<void>;
}

/** `EnqueueJob` over the job queue. */
export function enqueueOn(queue: OutboxJobSink): EnqueueJob {
  return (entry) => {
    const requestId = entry.requestId === undefined ? {} : { requestId: entry.requestId };
    return entry.kind === 'release'
      ? queue.enqueueRelease({ service: entry.service, release: entry.release, ...requestId })
      : queue.enqueueDeletion(
          { service: entry.service, namespace: entry.namespace, ...requestId },
          entry.deletingSince,
        );
  };
}

export class ChangeWriter {
  constructor(
    private readonly store: MetadataStore,
    private readonly enqueue: EnqueueJob,
  ) {}

  /**
   * Writes the change in one transaction; null (nothing written) when the service, its newest release or a
   * claimed domain moved since it was read: read again and decide again. `InputError` when a record would be
   * invalid; `UnavailableError` when etcd cannot be reached.
   */
  async commit(change: ServiceChange): Promise<CommittedChange | null> {
    const { store } = this;
    const { name, current, next } = change;
    const service = next ?? current?.value;
    if (service === undefined) throw new Error(`a change to unstored service ${name} must give its spec`);
    const batch = store.etcd.batch();
    batch.expect(store.services, name, current?.modRevision ?? null);
    if (next) batch.put(store.services, name, next);
    const release = change.release
      ? store.releases.addTo(batch, name, change.release.number, change.release.draft)
      : null;
    for (const domain of change.claims?.claim ?? []) batch.create(store.domains, domain.host, domain);
    for (const { host, modRevision } of change.claims?.release ?? [])
      batch.delete(store.domains, host, modRevision);
    for (const claim of change.repoClaims?.claim ?? [])
      batch.create(store.repoClaims, ids.repoClaim(claim.repo, claim.branch), claim);
    for (const { id, modRevision } of change.repoClaims?.release ?? [])
      batch.delete(store.repoClaims, id, modRevision);
    if (change.audit) store.audit.appendTo(batch, change.audit);
    if (change.job) batch.put(store.outbox, outboxEntryId(change.job), change.job);
    const committed = await batch.commit(`change service ${name}`);
    if (!committed) return null;
    return {
      service: { value: service, modRevision: next || !current ? committed.revision : current.modRevision },
      release,
    };
  }

  /**
   * Puts the entry's job on the queue and removes the entry. False when the queue could not take it: the entry
   * stays, and the relay delivers it once the queue is back.
   */
  async deliver(entry: OutboxEntry): Promise<boolean> {
    try {
      await this.enqueue(entry);
    } catch {
      return false;
    }
    // Not awaited: the job is on the queue; an entry left behind is only enqueued again (the same job id).
    void this.store.outbox.delete(outboxEntryId(entry)).catch(() => undefined);
    return true;
  }

  /** The claim on `repo`'s `branch`, if any. */
  repoClaim(repo: string, branch: string): Promise<Versioned<RepoClaim> | null> {
    return this.store.repoClaims.get(ids.repoClaim(repo, branch));
  }

  /** Reads the domain records of `hosts` in one round trip. */
  async domainRecords(hosts: readonly string[]): Promise<Map<string, Versioned<Domain> | null>> {
    if (hosts.length === 0) return new Map();
    const found = await this.store.etcd.read(hosts.map((host) => this.store.domains.getRead(host)));
    return new Map(hosts.map((host, index) => [host, found[index] ?? null]));
  }
}
