import { ConflictError, InputError, NotFoundError, type CorruptValueError } from '@cite/errors';
import type { IKeyValue, IResponseOp, MultiRangeBuilder } from 'etcd3';
import type { z } from 'zod';
import type { EtcdConnection } from './etcd-connection';
import { assertId, decodeCursor, encodeCursor } from './keys';
import type { Read } from './reads';
import { RepositoryWatch, type WatchOptions } from './repository-watch';
import { ValueCodec } from './value-codec';

/** A value with the etcd revision it was last written at: the token for compare-and-swap. */
export interface Versioned<T> {
  value: T;
  modRevision: number;
}

export interface ListItem<T> extends Versioned<T> {
  id: string;
}

/** A stored value that could not be read; lists report it and keep going. */
export interface CorruptEntry {
  key: string;
  id: string;
  error: CorruptValueError;
}

export interface ListOptions {
  /** Only ids starting with this. */
  prefix?: string;
  /**
   * Page size, 1..1000.
   * @defaultValue 100
   */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /**
   * Id order.
   * @defaultValue `'asc'`
   */
  order?: 'asc' | 'desc';
}

export interface Page<T> {
  items: ListItem<T>[];
  /** Set when there may be more; pass it back as `cursor`. */
  nextCursor?: string;
  corrupt: CorruptEntry[];
  /** The etcd revision the page was read at; watch from `revision + 1` to follow on. */
  revision: number;
}

export interface RepositoryOptions<T> {
  /** Folder under the store prefix, ending in `/` (`services/`). */
  keyspace: string;
  schema: z.ZodType<T>;
  /** What a record is, for messages (`service`). */
  kind: string;
  /** Extra id rules (e.g. one path segment only); throw `InputError`. */
  validateId?: (id: string) => void;
  /** The id a value must be stored under (a service under its name); writes under another id are refused. */
  identify?: (value: T) => string;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1_000;

function putRevision(response: { header: { revision: string } }): number {
  return Number(response.header.revision);
}

function firstKv(op: IResponseOp | undefined): IKeyValue | undefined {
  return op?.response_range?.kvs[0];
}

/**
 * Records of one kind under one keyspace, as JSON validated by a zod schema when written and when read.
 * Writes that must not lose a concurrent change are compare-and-swap on the record's `modRevision`.
 */
export class Repository<T> {
  readonly keyspace: string;
  readonly kind: string;
  readonly codec: ValueCodec<T>;
  private readonly validateId: (id: string) => void;
  private readonly identify: ((value: T) => string) | undefined;

  constructor(
    private readonly conn: EtcdConnection,
    options: RepositoryOptions<T>,
  ) {
    if (!options.keyspace.endsWith('/'))
      throw new InputError(`keyspace must end with "/": ${options.keyspace}`);
    this.keyspace = options.keyspace;
    this.kind = options.kind;
    this.codec = new ValueCodec(options.schema, options.kind);
    this.validateId = options.validateId ?? (() => undefined);
    this.identify = options.identify;
  }

  /** Validates a value for writing under `id`: the schema, then that `id` is the value's own. */
  encode(id: string, value: T): { value: T; json: string } {
    const encoded = this.codec.encode(value);
    const own = this.identify?.(encoded.value);
    if (own !== undefined && own !== id) {
      throw new InputError(`${this.kind} ${own} cannot be stored as ${id}`, {
        details: [{ path: '', message: `must be stored under its own id ${own}` }],
      });
    }
    return encoded;
  }

  /** The full etcd key of a record. */
  keyOf(id: string): string {
    assertId(id, `${this.kind} id`);
    this.validateId(id);
    return this.conn.key(this.keyspace + id);
  }

  /** The record id of a full etcd key in this keyspace. */
  idOf(key: string): string {
    return key.slice(this.conn.key(this.keyspace).length);
  }

  /** Writes a new record; `ConflictError` when the id is taken. */
  async create(id: string, value: T): Promise<Versioned<T>> {
    const key = this.keyOf(id);
    const encoded = this.encode(id, value);
    const result = await this.conn.txn(
      `create ${key}`,
      [{ key: Buffer.from(key), target: 'Create', result: 'Equal', create_revision: 0 }],
      [this.conn.client.put(key).value(encoded.json)],
      [],
    );
    if (!result.succeeded) throw new ConflictError(`${this.kind} ${id} already exists (${key})`);
    return { value: encoded.value, modRevision: putRevision(result) };
  }

  /**
   * Writes a new record that etcd removes by itself about `ttlSeconds` later: it is attached to a lease of its
   * own that nobody keeps alive (idempotency records, webhook deliveries). `ConflictError` when the id is taken.
   * `update(…, { keepLease: true })` changes it without detaching it from its lease.
   */
  async createExpiring(id: string, value: T, ttlSeconds: number): Promise<Versioned<T>> {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
      throw new InputError(`ttlSeconds must be a positive integer, got ${ttlSeconds}`);
    }
    const key = this.keyOf(id);
    const encoded = this.encode(id, value);
    const lease = await this.conn.run(`grant lease for ${key}`, () =>
      this.conn.client.leaseClient.leaseGrant({ TTL: ttlSeconds }),
    );
    const revoke = () =>
      this.conn
        .run('revoke lease', () => this.conn.client.leaseClient.leaseRevoke({ ID: lease.ID }))
        .catch(() => undefined);
    let result;
    try {
      result = await this.conn.txn(
        `create ${key}`,
        [{ key: Buffer.from(key), target: 'Create', result: 'Equal', create_revision: 0 }],
        [this.conn.client.put(key).value(encoded.json).lease(lease.ID)],
        [],
      );
    } catch (error) {
      await revoke();
      throw error;
    }
    if (!result.succeeded) {
      await revoke();
      throw new ConflictError(`${this.kind} ${id} already exists (${key})`);
    }
    return { value: encoded.value, modRevision: putRevision(result) };
  }

  /**
   * Like `createExpiring`, for records made often (webhook deliveries): the records made within one window
   * (a tenth of the TTL, at most an hour) share one lease, granted with the TTL plus that window, so a record
   * lives between `ttlSeconds` and `ttlSeconds` + window, and a create costs one round trip, not a lease grant
   * as well. `ConflictError` when the id is taken.
   */
  async createSharedExpiring(id: string, value: T, ttlSeconds: number): Promise<Versioned<T>> {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
      throw new InputError(`ttlSeconds must be a positive integer, got ${ttlSeconds}`);
    }
    const key = this.keyOf(id);
    const encoded = this.encode(id, value);
    for (let attempt = 1; ; attempt++) {
      const lease = await this.sharedLease(ttlSeconds);
      try {
        const result = await this.conn.txn(
          `create ${key}`,
          [{ key: Buffer.from(key), target: 'Create', result: 'Equal', create_revision: 0 }],
          [this.conn.client.put(key).value(encoded.json).lease(lease)],
          [],
        );
        if (!result.succeeded) throw new ConflictError(`${this.kind} ${id} already exists (${key})`);
        return { value: encoded.value, modRevision: putRevision(result) };
      } catch (error) {
        // The lease is gone (etcd lost it, or it expired early): grant another once.
        if (attempt > 1 || !/lease not found/i.test(String(error))) throw error;
        this.leases.delete(ttlSeconds);
      }
    }
  }

  private readonly leases = new Map<number, { id: string; until: number }>();

  private async sharedLease(ttlSeconds: number): Promise<string> {
    const window = Math.max(1, Math.min(3600, Math.floor(ttlSeconds / 10)));
    const now = Date.now();
    const current = this.leases.get(ttlSeconds);
    if (current && current.until > now) return current.id;
    const lease = await this.conn.run(`grant a shared lease for ${this.keyspace}`, () =>
      this.conn.client.leaseClient.leaseGrant({ TTL: ttlSeconds + window }),
    );
    this.leases.set(ttlSeconds, { id: String(lease.ID), until: now + window * 1000 });
    return String(lease.ID);
  }

  /** Writes a record whatever is there (for records with one writer, like the watcher's endpoints). */
  async put(id: string, value: T): Promise<Versioned<T>> {
    const key = this.keyOf(id);
    const encoded = this.encode(id, value);
    const response = await this.conn.run(`put ${key}`, () =>
      this.conn.client.put(key).value(encoded.json).exec(),
    );
    return { value: encoded.value, modRevision: putRevision(response) };
  }

  /** The record, or null. A stored value that does not parse throws `CorruptValueError`. */
  async get(id: string): Promise<Versioned<T> | null> {
    const key = this.keyOf(id);
    const response = await this.conn.run(`get ${key}`, () => this.conn.client.get(key).exec());
    return this.decodeOne(key, response.kvs[0]);
  }

  /** `get` as a read for a transaction with others (`EtcdStore.read`, a lock's acquisition). */
  getRead(id: string): Read<Versioned<T> | null> {
    const key = this.keyOf(id);
    return { op: this.conn.client.get(key), decode: (kvs) => this.decodeOne(key, kvs[0]) };
  }

  /**
   * The first record in id order (the last with `order: 'desc'`) under `prefix`, as a read for a transaction;
   * a stored value that does not parse throws `CorruptValueError`.
   */
  firstRead(options: { prefix?: string; order?: 'asc' | 'desc' } = {}): Read<Versioned<T> | null> {
    return {
      op: this.pageRange({ ...options, limit: 1 }),
      decode: (kvs) => {
        const kv = kvs[0];
        return kv ? this.decodeOne(kv.key.toString(), kv) : null;
      },
    };
  }

  private decodeOne(key: string, kv: IKeyValue | undefined): Versioned<T> | null {
    return kv
      ? { value: this.codec.decode(key, kv.value, kv.mod_revision), modRevision: Number(kv.mod_revision) }
      : null;
  }

  /** The record; `NotFoundError` when there is none. */
  async require(id: string): Promise<Versioned<T>> {
    const found = await this.get(id);
    if (!found) throw new NotFoundError(`${this.kind} ${id} not found`);
    return found;
  }

  /**
   * Replaces a record if it is still at `expectedModRevision`; `ConflictError` naming the key when someone
   * wrote it since, `NotFoundError` when it is gone. `keepLease` keeps a record made by `createExpiring` on
   * its lease (a plain put would detach it and make it permanent).
   */
  async update(
    id: string,
    value: T,
    expectedModRevision: number,
    options: { keepLease?: boolean } = {},
  ): Promise<Versioned<T>> {
    const key = this.keyOf(id);
    assertRevision(expectedModRevision);
    const encoded = this.encode(id, value);
    const put = this.conn.client.put(key).value(encoded.json);
    const result = await this.conn.txn(
      `update ${key}`,
      [{ key: Buffer.from(key), target: 'Mod', result: 'Equal', mod_revision: expectedModRevision }],
      [options.keepLease ? put.ignoreLease() : put],
      [this.conn.client.get(key)],
    );
    if (!result.succeeded)
      throw this.staleOrMissing(id, key, firstKv(result.responses[0]), expectedModRevision);
    return { value: encoded.value, modRevision: putRevision(result) };
  }

  /**
   * Read-modify-write with compare-and-swap, retried when a concurrent write wins (up to `attempts` times).
   * `change` gets the current value and returns the new one; it may run more than once.
   */
  async modify(id: string, change: (current: T) => T, attempts = 5): Promise<Versioned<T>> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.require(id);
      try {
        return await this.update(id, change(current.value), current.modRevision);
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= attempts) throw error;
      }
    }
  }

  /**
   * Deletes a record; with `expectedModRevision`, only if it is still at that revision (`ConflictError`
   * otherwise). `NotFoundError` when there is nothing to delete.
   */
  async delete(id: string, expectedModRevision?: number): Promise<void> {
    const key = this.keyOf(id);
    if (expectedModRevision === undefined) {
      const response = await this.conn.run(`delete ${key}`, () => this.conn.client.delete().key(key).exec());
      if (Number(response.deleted) === 0) throw new NotFoundError(`${this.kind} ${id} not found`);
      return;
    }
    assertRevision(expectedModRevision);
    const result = await this.conn.txn(
      `delete ${key}`,
      [{ key: Buffer.from(key), target: 'Mod', result: 'Equal', mod_revision: expectedModRevision }],
      [this.conn.client.delete().key(key)],
      [this.conn.client.get(key)],
    );
    if (!result.succeeded)
      throw this.staleOrMissing(id, key, firstKv(result.responses[0]), expectedModRevision);
  }

  /**
   * One page of records in id order. Values that do not parse are reported in `corrupt` (never thrown) and
   * the page goes on; the cursor moves past them too.
   */
  async list(options: ListOptions = {}): Promise<Page<T>> {
    const prefix = options.prefix ?? '';
    const response = await this.conn.run(`list ${this.conn.key(this.keyspace + prefix)}`, () =>
      this.pageRange(options).exec(),
    );
    const items: ListItem<T>[] = [];
    const corrupt: CorruptEntry[] = [];
    for (const kv of response.kvs) {
      const key = kv.key.toString();
      const id = this.idOf(key);
      const decoded = this.codec.tryDecode(key, kv.value, kv.mod_revision);
      if ('value' in decoded) items.push({ id, value: decoded.value, modRevision: Number(kv.mod_revision) });
      else corrupt.push({ key, id, error: decoded.error });
    }
    const last = response.kvs.at(-1);
    return {
      items,
      corrupt,
      revision: Number(response.header.revision),
      ...(response.more && last ? { nextCursor: encodeCursor(this.idOf(last.key.toString())) } : {}),
    };
  }

  /** The range request of one page. */
  private pageRange(options: ListOptions): MultiRangeBuilder {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new InputError(`limit must be an integer in 1..${MAX_PAGE_SIZE}`, {
        details: [{ path: 'limit', message: `must be an integer in 1..${MAX_PAGE_SIZE}` }],
      });
    }
    const prefix = options.prefix ?? '';
    const descending = options.order === 'desc';
    const whole = this.conn.prefixRange(this.keyspace + prefix);
    let start: Buffer = whole.start;
    let end: Buffer = whole.end;
    if (options.cursor !== undefined) {
      const after = decodeCursor(options.cursor);
      if (!after.startsWith(prefix)) {
        throw new InputError('cursor does not belong to this listing', {
          details: [{ path: 'cursor', message: 'does not match prefix' }],
        });
      }
      const afterKey = Buffer.from(this.conn.key(this.keyspace + after));
      if (descending) end = afterKey;
      else start = Buffer.concat([afterKey, Buffer.from([0])]);
    }
    return this.conn.client
      .getAll()
      .inRange({ start, end })
      .sort('Key', descending ? 'Descend' : 'Ascend')
      .limit(limit);
  }

  /** Every record under `prefix`, page by page (for batch work; the API pages). */
  async *all(options: Omit<ListOptions, 'cursor'> = {}): AsyncGenerator<ListItem<T>, CorruptEntry[]> {
    const corrupt: CorruptEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...options, cursor });
      corrupt.push(...page.corrupt);
      yield* page.items;
      cursor = page.nextCursor;
    } while (cursor);
    return corrupt;
  }

  /** Follows changes under `prefix`; see `RepositoryWatch`. Resolves once etcd confirmed the watch. */
  async watch(options: WatchOptions = {}): Promise<RepositoryWatch<T>> {
    if (options.fromRevision !== undefined) assertRevision(options.fromRevision);
    return RepositoryWatch.open(this.conn, this.keyspace, this.codec, options);
  }

  private staleOrMissing(id: string, key: string, current: IKeyValue | undefined, expected: number): Error {
    if (!current) return new NotFoundError(`${this.kind} ${id} not found`);
    return new ConflictError(
      `${this.kind} ${id} changed: ${key} is at revision ${current.mod_revision}, expected ${expected}`,
    );
  }
}

function assertRevision(revision: number): void {
  if (!Number.isSafeInteger(revision) || revision < 1) {
    throw new InputError(`revision must be a positive integer, got ${revision}`);
  }
}
