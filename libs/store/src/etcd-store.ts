import { UnavailableError } from '@cite/errors';
import { Leadership, type CampaignOptions, type LeaderInfo } from './election';
import { EtcdConnection, type EtcdStoreOptions } from './etcd-connection';
import {
  LockManager,
  type AcquireLockOptions,
  type LockAttempt,
  type LockInfo,
  type LockWithReads,
} from './locks';
import { decodeReads, type Read, type ReadResults } from './reads';
import { Repository, type RepositoryOptions } from './repository';
import { SequenceAllocator, type SequenceAllocatorOptions } from './sequence-allocator';
import { WriteBatch } from './write-batch';

/**
 * cite's handle on etcd: owns the client, hands out repositories over the key layout, locks and elections,
 * and closes them all on `close()` (held locks and campaigns are released so others take over at once).
 */
export class EtcdStore {
  readonly locks: LockManager;

  private constructor(private readonly conn: EtcdConnection) {
    this.locks = new LockManager(conn);
  }

  /**
   * Connects to etcd. With `verify` (the default) it fails with `UnavailableError` unless etcd answers within
   * `timeoutMs`; without, the first call does.
   */
  static async create(options: EtcdStoreOptions): Promise<EtcdStore> {
    const store = new EtcdStore(EtcdConnection.open(options));
    if (options.verify ?? true) {
      try {
        await store.ping();
      } catch (error) {
        await store.close();
        throw error;
      }
    }
    return store;
  }

  /** The key prefix, ending in `/`. */
  get prefix(): string {
    return this.conn.prefix;
  }

  get timeoutMs(): number {
    return this.conn.timeoutMs;
  }

  /** Readiness: resolves when etcd answers within `timeoutMs`, `UnavailableError` otherwise. */
  async ping(): Promise<void> {
    if (this.conn.isClosed) throw new UnavailableError('etcd', 'store is closed');
    await this.conn.run('ping', () => this.conn.client.maintenance.status());
  }

  /** Records of one kind under `options.keyspace`, validated by `options.schema`. */
  repository<T>(options: RepositoryOptions<T>): Repository<T> {
    return new Repository(this.conn, options);
  }

  /** Gap-free numbering of `<group>/<n>` records in `repository` (releases). Share one per repository. */
  sequence<T>(repository: Repository<T>, options?: SequenceAllocatorOptions): SequenceAllocator<T> {
    return new SequenceAllocator(this.conn, repository, options);
  }

  /** The full etcd key for a key relative to the prefix. */
  key(relative: string): string {
    return this.conn.key(relative);
  }

  acquireLock<const R extends readonly Read<unknown>[] = []>(
    name: string,
    options?: AcquireLockOptions<R>,
  ): Promise<LockWithReads<R>> {
    return this.locks.acquire(name, options);
  }

  /** One attempt at a lock, without waiting: the lock, or who holds it; `options.reads` either way. */
  tryAcquireLock<const R extends readonly Read<unknown>[] = []>(
    name: string,
    options?: AcquireLockOptions<R>,
  ): Promise<LockAttempt<R>> {
    return this.locks.tryAcquire(name, options);
  }

  /** Several reads in one round trip (one transaction), all at the same revision. */
  async read<const R extends readonly Read<unknown>[]>(reads: R): Promise<ReadResults<R>> {
    const result = await this.conn.txn(
      'read',
      [],
      reads.map((read) => read.op),
      [],
    );
    return decodeReads(reads, result.responses);
  }

  /** Writes that land together or not at all (see `WriteBatch`). */
  batch(): WriteBatch {
    return new WriteBatch(this.conn);
  }

  listLocks(): Promise<LockInfo[]> {
    return this.locks.list();
  }

  breakLock(name: string): Promise<boolean> {
    return this.locks.break(name);
  }

  /** Joins election `name`; see `Leadership`. */
  campaign(name: string, candidateId: string, options?: CampaignOptions): Promise<Leadership> {
    return Leadership.campaign(this.conn, name, candidateId, options);
  }

  /** Who leads election `name` now, or null. */
  leader(name: string): Promise<LeaderInfo | null> {
    return Leadership.leader(this.conn, name);
  }

  /** Releases held locks and campaigns, stops watches, closes the client. Idempotent. */
  close(): Promise<void> {
    return this.conn.close();
  }
}
