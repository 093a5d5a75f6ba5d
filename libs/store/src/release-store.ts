import { ReleaseSchema, type Release, type ReleaseDraft } from '@cite/model';
import type { EtcdStore } from './etcd-store';
import { assertSegment, ids, KEYSPACES, parseReleaseNumber } from './keys';
import type { Read } from './reads';
import type { ListOptions, Page, Repository, Versioned } from './repository';
import type { RepositoryWatch, WatchOptions } from './repository-watch';
import type { SequenceAllocator, SequenceAllocatorOptions } from './sequence-allocator';
import type { WriteBatch } from './write-batch';

export interface ReleaseListOptions extends Omit<ListOptions, 'prefix'> {
  /**
   * Newest first by default.
   * @defaultValue `'desc'`
   */
  order?: 'asc' | 'desc';
}

/**
 * Releases (`releases/<service>/<number>`, numbers zero-padded): allocated gap-free per service in one etcd
 * transaction that also checks that the service exists, then updated only by compare-and-swap.
 */
export class ReleaseStore {
  /** The underlying records, ids `<service>/<number, padded>`. */
  readonly records: Repository<Release>;
  private readonly sequence: SequenceAllocator<Release>;

  constructor(
    store: EtcdStore,
    /** The full key of a service record, which must exist for its releases to be allocated. */
    private readonly serviceKey: (service: string) => string,
    options: SequenceAllocatorOptions = {},
  ) {
    this.records = store.repository<Release>({
      keyspace: KEYSPACES.releases,
      schema: ReleaseSchema,
      kind: 'release',
      identify: (release) => ids.release(release.service, release.number),
    });
    this.sequence = store.sequence(this.records, options);
  }

  /**
   * Stores `draft` as the service's next release (n + 1, n the highest so far). `NotFoundError` when the
   * service does not exist; `InputError` (with field paths) when the release would be invalid. With
   * `serviceModRevision`, only while the service record is still at that revision (the draft was built from
   * it): `ConflictError` when it changed since, and nothing is written.
   */
  async allocate(
    service: string,
    draft: ReleaseDraft,
    options: { serviceModRevision?: number } = {},
  ): Promise<Versioned<Release>> {
    const allocated = await this.sequence.allocate(service, (number) => ({ ...draft, service, number }), {
      requireKey: this.serviceKey(service),
      requireKind: 'service',
      requireModRevision: options.serviceModRevision,
    });
    return { value: allocated.value, modRevision: allocated.modRevision };
  }

  /**
   * Adds `draft` as release `number` of `service` to `batch`: it lands only if `number` is then the service's
   * next number (read `latestRead` with the rest and decide again when the batch is refused). Guard the
   * service's own revision in the same batch. Throws `InputError` when the release would be invalid.
   */
  addTo(batch: WriteBatch, service: string, number: number, draft: ReleaseDraft): Release {
    const release = this.records.codec.encode({ ...draft, service, number }).value;
    this.sequence.addTo(batch, service, number, release);
    return release;
  }

  get(service: string, number: number): Promise<Versioned<Release> | null> {
    return this.records.get(ids.release(service, number));
  }

  /** `get` as a read for a transaction with others. */
  getRead(service: string, number: number): Read<Versioned<Release> | null> {
    return this.records.getRead(ids.release(service, number));
  }

  require(service: string, number: number): Promise<Versioned<Release>> {
    return this.records.require(ids.release(service, number));
  }

  /** Compare-and-swap (status changes); `ConflictError` when someone else changed it since `expectedModRevision`. */
  update(release: Release, expectedModRevision: number): Promise<Versioned<Release>> {
    return this.records.update(ids.release(release.service, release.number), release, expectedModRevision);
  }

  /** Read-modify-write with compare-and-swap, retried on conflict. */
  modify(
    service: string,
    number: number,
    change: (current: Release) => Release,
  ): Promise<Versioned<Release>> {
    return this.records.modify(ids.release(service, number), change);
  }

  /** A page of one service's releases, newest first unless `order: 'asc'`. */
  async list(service: string, options: ReleaseListOptions = {}): Promise<Page<Release>> {
    assertSegment(service, 'service');
    return this.records.list({ ...options, order: options.order ?? 'desc', prefix: `${service}/` });
  }

  /** The service's newest release, or null. */
  async latest(service: string): Promise<Versioned<Release> | null> {
    const page = await this.list(service, { limit: 1 });
    const item = page.items[0];
    if (item) return { value: item.value, modRevision: item.modRevision };
    const corrupt = page.corrupt[0];
    if (corrupt) throw corrupt.error;
    return null;
  }

  /** `latest` as a read for a transaction with others. */
  latestRead(service: string): Read<Versioned<Release> | null> {
    assertSegment(service, 'service');
    return this.records.firstRead({ prefix: `${service}/`, order: 'desc' });
  }

  /** Changes to releases, of one service or all. */
  async watch(options: { service?: string; fromRevision?: number } = {}): Promise<RepositoryWatch<Release>> {
    const watchOptions: WatchOptions = { fromRevision: options.fromRevision };
    if (options.service !== undefined) {
      assertSegment(options.service, 'service');
      watchOptions.prefix = `${options.service}/`;
    }
    return this.records.watch(watchOptions);
  }

  /** Splits a release id (`web/0000000042`) into service and number; null when it is not one. */
  static parseId(id: string): { service: string; number: number } | null {
    const slash = id.lastIndexOf('/');
    const number = parseReleaseNumber(id.slice(slash + 1));
    return slash > 0 && number !== null ? { service: id.slice(0, slash), number } : null;
  }
}
