/**
 * Writes that land together or not at all: one etcd transaction whose guards say "each record is still as it
 * was read". A change to a service, the release it makes, the domains it claims, its audit entry and the job
 * it leaves in the outbox are one batch, so a crash or a refused guard never leaves half of them behind.
 */
import type { ICompare, IOperation } from 'etcd3';
import type { EtcdConnection } from './etcd-connection';
import type { Repository } from './repository';

/** What a committed batch reports. */
export interface Committed {
  /** The etcd revision the batch was written at: the `modRevision` of every record it put. */
  revision: number;
}

export class WriteBatch {
  private readonly compares: ICompare[] = [];
  private readonly ops: IOperation[] = [];
  private readonly written = new Set<string>();

  constructor(private readonly conn: EtcdConnection) {}

  /** Whether the batch writes nothing. */
  get isEmpty(): boolean {
    return this.ops.length === 0;
  }

  /** Only while the record is at `modRevision`; with null, only while there is no record. */
  expect<T>(repository: Repository<T>, id: string, modRevision: number | null): this {
    const key = Buffer.from(repository.keyOf(id));
    this.compares.push(
      modRevision === null
        ? { key, target: 'Create', result: 'Equal', create_revision: 0 }
        : { key, target: 'Mod', result: 'Equal', mod_revision: modRevision },
    );
    return this;
  }

  /** A raw guard (range compares for sequences); keys are full keys. */
  guard(compare: ICompare): this {
    this.compares.push(compare);
    return this;
  }

  /** Writes `value` (validated by the repository's schema) under `id`. */
  put<T>(repository: Repository<T>, id: string, value: T): this {
    const key = repository.keyOf(id);
    const encoded = repository.encode(id, value);
    this.claim(key);
    this.ops.push(this.conn.client.put(key).value(encoded.json));
    return this;
  }

  /** A new record: only while there is none under `id`. */
  create<T>(repository: Repository<T>, id: string, value: T): this {
    return this.expect(repository, id, null).put(repository, id, value);
  }

  /** A compare-and-swap write: only while the record is at `modRevision`. */
  update<T>(repository: Repository<T>, id: string, value: T, modRevision: number): this {
    return this.expect(repository, id, modRevision).put(repository, id, value);
  }

  /** Deletes the record; with `modRevision`, only while it is at that revision. */
  delete<T>(repository: Repository<T>, id: string, modRevision?: number): this {
    const key = repository.keyOf(id);
    if (modRevision !== undefined) this.expect(repository, id, modRevision);
    this.claim(key);
    this.ops.push(this.conn.client.delete().key(key));
    return this;
  }

  /** Deletes every key under `prefix` (a full key, from `EtcdStore.key`). */
  deletePrefix(prefix: string): this {
    this.claim(prefix);
    this.ops.push(this.conn.client.delete().prefix(prefix));
    return this;
  }

  /** Deletes one key (a full key), whatever is there. */
  deleteKey(key: string): this {
    this.claim(key);
    this.ops.push(this.conn.client.delete().key(key));
    return this;
  }

  /**
   * Writes everything, or nothing when a guard no longer holds (null: read again and decide again).
   * `UnavailableError` when etcd cannot be reached; then the batch may or may not have landed.
   */
  async commit(action: string): Promise<Committed | null> {
    const result = await this.conn.txn(action, this.compares, this.ops, []);
    return result.succeeded ? { revision: Number(result.header.revision) } : null;
  }

  /** etcd refuses a transaction that writes one key twice; say so where the mistake is made. */
  private claim(key: string): void {
    if (this.written.has(key)) throw new Error(`write batch writes ${key} twice`);
    this.written.add(key);
  }
}
