import { ConflictError, InputError, NotFoundError } from '@cite/errors';
import type { ICompare, ITxnResponse } from 'etcd3';
import type { EtcdConnection } from './etcd-connection';
import { KeyedMutex } from './keyed-mutex';
import { assertSegment, padReleaseNumber, parseReleaseNumber } from './keys';
import type { Repository, Versioned } from './repository';
import type { WriteBatch } from './write-batch';

export interface SequenceAllocatorOptions {
  /**
   * Transactions tried before giving up with `ConflictError` (only reachable under pathological contention).
   * @defaultValue 200
   */
  maxAttempts?: number;
  /** Injected for tests. @defaultValue Math.random */
  random?: () => number;
  /** Injected for tests. @defaultValue setTimeout-based */
  sleep?: (ms: number) => Promise<void>;
}

export interface AllocateOptions {
  /** A full key that must exist for the allocation to happen (the service); `NotFoundError` otherwise. */
  requireKey?: string;
  /** What `requireKey` is, for the error message. */
  requireKind?: string;
  /**
   * Allocate only while `requireKey` is still at this mod revision: the record was built from what was read
   * at that revision, and a change since would make it stale. `ConflictError` (nothing written) otherwise.
   */
  requireModRevision?: number;
}

export interface Allocated<T> extends Versioned<T> {
  id: string;
  number: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Jittered exponential backoff in ms: full jitter over 1, 2, 4 … 50 ms. Pure. */
export function allocationBackoff(attempt: number, random: () => number): number {
  return random() * Math.min(50, 2 ** Math.min(attempt, 6));
}

/**
 * Allocates gap-free numbers per group (releases per service): the record `<group>/<number>` with number
 * n + 1, n being the highest existing, written in one etcd transaction whose compares say "nothing at or above
 * n + 1 exists, and n exists". Correct across processes (a losing transaction returns the new highest and is
 * retried after a jittered pause); within one process, allocations for one group run one at a time so that
 * they do not fight each other, and the last number allocated is remembered so a quiet group needs one
 * round trip per allocation.
 */
export class SequenceAllocator<T> {
  private readonly mutex = new KeyedMutex();
  private readonly lastKnown = new Map<string, number>();
  private readonly maxAttempts: number;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly conn: EtcdConnection,
    private readonly repository: Repository<T>,
    options: SequenceAllocatorOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 200;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Stores `build(n)` as `<group>/<n>` with the next free number n. `build` may run more than once. */
  async allocate(
    group: string,
    build: (number: number) => T,
    options: AllocateOptions = {},
  ): Promise<Allocated<T>> {
    assertSegment(group, `${this.repository.kind} group`);
    return this.mutex.run(group, () => this.allocateInOrder(group, build, options));
  }

  /**
   * Adds `value` as `<group>/<number>` to `batch`, guarded so the batch lands only while `number` is the next
   * free one (nothing at or above it, and `number - 1` exists). The caller read the highest number in the
   * same read as the rest of what it decided on, and decides again when the batch is refused.
   */
  addTo(batch: WriteBatch, group: string, number: number, value: T): void {
    assertSegment(group, `${this.repository.kind} group`);
    const base = this.conn.key(`${this.repository.keyspace}${group}/`);
    const key = Buffer.from(`${base}${padReleaseNumber(number)}`);
    batch.guard({
      key,
      range_end: Buffer.from(`${base}:`),
      target: 'Create',
      result: 'Equal',
      create_revision: 0,
    });
    if (number > 1) {
      const previous = Buffer.from(`${base}${padReleaseNumber(number - 1)}`);
      batch.guard({ key: previous, target: 'Create', result: 'Greater', create_revision: 0 });
    }
    batch.put(this.repository, `${group}/${padReleaseNumber(number)}`, value);
  }

  private async allocateInOrder(group: string, build: (number: number) => T, options: AllocateOptions) {
    const base = this.conn.key(`${this.repository.keyspace}${group}/`);
    // Keys whose last segment starts with a digit: '0' … '9' sort before ':'.
    const digitsEnd = Buffer.from(`${base}:`);
    let next = (this.lastKnown.get(group) ?? 0) + 1;
    // Whether `next` was learned from etcd in this call (then a failure means another writer won the race).
    let informed = false;
    for (let attempt = 1; ; attempt++) {
      const id = `${group}/${padReleaseNumber(next)}`;
      const key = `${base}${padReleaseNumber(next)}`;
      let encoded: { value: T; json: string };
      try {
        encoded = this.repository.encode(id, build(next));
      } catch (error) {
        // A record may be valid only at its real number (a rollback must name an earlier release): when `next`
        // is a guess from an empty cache, learn the highest number from etcd and build again.
        if (!(error instanceof InputError) || informed) throw error;
        next = (await this.highest(base, digitsEnd)) + 1;
        informed = true;
        continue;
      }
      const result = await this.conn.txn(
        `allocate ${key}`,
        this.compares(base, digitsEnd, next, options),
        [this.conn.client.put(key).value(encoded.json)],
        this.readsOnLoss(base, digitsEnd, options),
      );
      if (result.succeeded) {
        this.lastKnown.set(group, next);
        return { id, number: next, value: encoded.value, modRevision: Number(result.header.revision) };
      }
      const highestNumber = this.highestAfterLoss(result, group, base, options);
      next = highestNumber + 1;
      this.lastKnown.set(group, highestNumber);
      if (attempt >= this.maxAttempts) {
        throw new ConflictError(
          `could not allocate a ${this.repository.kind} number for ${group} after ${attempt} attempts`,
        );
      }
      // Only another writer winning the race is worth a pause; a stale cache is fixed by the retry itself.
      if (informed) await this.sleep(allocationBackoff(attempt, this.random));
      informed = true;
    }
  }

  /**
   * What the allocation of `next` under `base` compares: nothing at or above `next` exists, `next - 1` does (so
   * it is the highest), and the required record exists (at the required revision).
   */
  private compares(base: string, digitsEnd: Buffer, next: number, options: AllocateOptions): ICompare[] {
    const compare: ICompare[] = [
      {
        key: Buffer.from(`${base}${padReleaseNumber(next)}`),
        range_end: digitsEnd,
        target: 'Create',
        result: 'Equal',
        create_revision: 0,
      },
    ];
    if (next > 1) {
      const previous = Buffer.from(`${base}${padReleaseNumber(next - 1)}`);
      compare.push({ key: previous, target: 'Create', result: 'Greater', create_revision: 0 });
    }
    if (options.requireKey) {
      const required = Buffer.from(options.requireKey);
      compare.push({ key: required, target: 'Create', result: 'Greater', create_revision: 0 });
      if (options.requireModRevision !== undefined) {
        compare.push({
          key: required,
          target: 'Mod',
          result: 'Equal',
          mod_revision: options.requireModRevision,
        });
      }
    }
    return compare;
  }

  /** What a losing transaction reads instead of writing: the highest key, and the required record. */
  private readsOnLoss(base: string, digitsEnd: Buffer, options: AllocateOptions) {
    return [
      this.conn.client.getAll().inRange({ start: base, end: digitsEnd }).sort('Key', 'Descend').limit(1),
      ...(options.requireKey ? [this.conn.client.get(options.requireKey)] : []),
    ];
  }

  /**
   * The highest number a losing transaction read (`readsOnLoss`); `NotFoundError` when the required record is
   * gone, `ConflictError` when it moved past the required revision or the highest key is not a number.
   */
  private highestAfterLoss(
    result: ITxnResponse,
    group: string,
    base: string,
    options: AllocateOptions,
  ): number {
    if (options.requireKey && result.responses[1]?.response_range?.kvs.length === 0) {
      this.lastKnown.delete(group);
      throw new NotFoundError(
        `${options.requireKind ?? 'record'} for ${group} not found (${options.requireKey})`,
      );
    }
    const required = result.responses[1]?.response_range?.kvs[0];
    if (
      options.requireModRevision !== undefined &&
      required &&
      Number(required.mod_revision) !== options.requireModRevision
    ) {
      throw new ConflictError(
        `${options.requireKind ?? 'record'} ${group} changed: ${options.requireKey} is at revision ${required.mod_revision}, expected ${options.requireModRevision}`,
      );
    }
    const highest = result.responses[0]?.response_range?.kvs[0];
    const highestNumber = highest ? parseReleaseNumber(highest.key.toString().slice(base.length)) : 0;
    if (highestNumber === null) {
      throw new ConflictError(
        `cannot allocate under ${base}: highest key ${highest?.key.toString()} is not a number`,
      );
    }
    return highestNumber;
  }

  /** The highest number stored under `base` (0 when none). */
  private async highest(base: string, digitsEnd: Buffer): Promise<number> {
    const keys = await this.conn.run(`read highest ${base}`, () =>
      this.conn.client
        .getAll()
        .inRange({ start: base, end: digitsEnd })
        .sort('Key', 'Descend')
        .limit(1)
        .keys(),
    );
    const last = keys[0];
    return last === undefined ? 0 : (parseReleaseNumber(last.slice(base.length)) ?? 0);
  }
}
