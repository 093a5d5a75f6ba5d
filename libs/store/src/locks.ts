import { TimeoutError } from '@cite/errors';
import type { LockWaitOutcome } from '@cite/metrics';
import type { IKeyValue, Watcher } from 'etcd3';
import os from 'node:os';
import { z } from 'zod';
import type { EtcdConnection } from './etcd-connection';
import { cancelWatch, openWatch } from './etcd-watch';
import { HeldLease, type LeaseEnd } from './held-lease';
import { assertId, KEYSPACES } from './keys';
import { HeldLock } from './held-lock';
import { decodeReads, type Read, type ReadResults } from './reads';
import { waitForDelete } from './wait-for-delete';

export interface AcquireLockOptions<R extends readonly Read<unknown>[] = []> {
  /**
   * Lease TTL: a holder that dies (or loses etcd) blocks others for at most this long.
   * @defaultValue 15
   */
  ttlSeconds?: number;
  /**
   * How long to wait while someone else holds the lock; 0 tries once. Then `TimeoutError`.
   * @defaultValue 0
   */
  waitMs?: number;
  /** Who holds it, for `listLocks` and error messages. @defaultValue `<hostname>/<pid>` */
  owner?: string;
  /** Stops waiting early (rejects with `TimeoutError`). */
  signal?: AbortSignal;
  /**
   * Reads done in the same etcd transaction as the acquisition (`lock.reads`): they see the state at the moment
   * the lock was taken, with no round trip of their own. `tryAcquireLock` also returns them when the lock is held.
   */
  reads?: R;
}

/** A held lock. Keep it while working; `release()` when done. */
export interface Lock {
  readonly name: string;
  /** The full etcd key. */
  readonly key: string;
  readonly owner: string;
  /** The etcd revision at which it was taken; grows with every acquisition (usable as a fencing token). */
  readonly revision: number;
  /** Resolves when the lock ends: released, or lost (lease expired, broken by an admin, etcd unreachable). */
  readonly ended: Promise<LeaseEnd>;
  isHeld(): boolean;
  /** Lets the next waiter in at once. Idempotent. */
  release(): Promise<void>;
}

/** A lock taken with `reads`: their values as of the acquisition. */
export interface LockWithReads<R extends readonly Read<unknown>[]> extends Lock {
  readonly reads: ReadResults<R>;
}

/** What one attempt found: the lock, or who holds it; the reads either way. */
export type LockAttempt<R extends readonly Read<unknown>[]> =
  { lock: LockWithReads<R> } | { heldBy: string; reads: ReadResults<R>; revision: number };

/** What `listLocks` reports about a held lock. */
export interface LockInfo {
  name: string;
  owner: string;
  acquiredAt: string;
  ttlSeconds: number;
  /** Seconds left on the holder's lease; null when etcd did not say (lease already gone). */
  ttlRemainingSeconds: number | null;
  revision: number;
}

const LockValueSchema = z.object({ owner: z.string(), acquiredAt: z.string(), ttlSeconds: z.number() });

export const DEFAULT_LOCK_TTL_SECONDS = 15;
/** How often a release whose delete failed is tried again (while the session lease lives). */
const RELEASE_RETRY_MS = 500;
/** Reopening the watch on `locks/`: the first delay after a failed attempt, and the cap it doubles up to. */
const GUARD_RETRY_FIRST_MS = 100;
const GUARD_RETRY_MAX_MS = 2_000;

/**
 * How long to wait before attempt `attempt` (0-based) to reopen the process's watch on `locks/`: nothing before
 * the first (a watch etcd cancelled is reopened at once), then 100 ms doubling up to 2 s while etcd stays
 * unreachable, with equal jitter (half fixed, half random). Pure.
 */
export function guardRetryDelayMs(attempt: number, random: () => number = Math.random): number {
  if (attempt <= 0) return 0;
  const base = Math.min(GUARD_RETRY_MAX_MS, GUARD_RETRY_FIRST_MS * 2 ** (attempt - 1));
  return base / 2 + random() * (base / 2);
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    if (ms <= 0) resolve();
    else setTimeout(resolve, ms).unref();
  });

function defaultOwner(): string {
  return `${os.hostname()}/${process.pid}`;
}

function abortable(signal: AbortSignal | undefined, name: string): void {
  if (signal?.aborted) throw new TimeoutError(`gave up waiting for lock ${name}`);
}

/**
 * Named mutual-exclusion locks, one key each under `locks/`. The keys of one process hang on a **session lease**
 * per TTL, granted once and kept alive while the process runs (as etcd's `concurrency.Session`), so taking a
 * lock is one transaction and releasing it one more. A waiter watches the key for its deletion instead of
 * polling; a crashed holder's keys go when its session lease expires, so it never blocks anyone for longer than
 * its TTL. One watch per process on `locks/` tells a holder at once when an admin deletes (breaks) its key; when
 * etcd cancels that watch (compaction) or it cannot be opened, it is reopened at once (then with capped backoff)
 * while locks are held, and the held keys are read again so a break made meanwhile is noticed too.
 */
export class LockManager {
  private readonly sessions = new Map<number, Promise<HeldLease>>();
  private readonly held = new Map<string, HeldLock<readonly Read<unknown>[]>>();
  /** The watch on `locks/`, open or opening; undefined while there is none. */
  private guard: Promise<Watcher | null> | undefined;
  /** The loop reopening the watch, while it runs (acquisitions then leave the watch to it). */
  private restoring: Promise<void> | undefined;
  private untrackGuard: (() => void) | undefined;

  constructor(private readonly conn: EtcdConnection) {}

  /** Takes the lock, waiting up to `options.waitMs` for its holder to let go; the wait is recorded. */
  async acquire<const R extends readonly Read<unknown>[] = []>(
    name: string,
    options: AcquireLockOptions<R> = {},
  ): Promise<LockWithReads<R>> {
    const started = performance.now();
    const waited = (outcome: LockWaitOutcome) =>
      this.conn.metrics.lockWait(outcome, (performance.now() - started) / 1000);
    try {
      const lock = await this.waitFor(name, options);
      waited('acquired');
      return lock;
    } catch (error) {
      waited(error instanceof TimeoutError ? 'timeout' : 'error');
      throw error;
    }
  }

  private async waitFor<const R extends readonly Read<unknown>[]>(
    name: string,
    options: AcquireLockOptions<R>,
  ): Promise<LockWithReads<R>> {
    const waitMs = options.waitMs ?? 0;
    const deadline = Date.now() + waitMs;
    for (;;) {
      const attempt = await this.tryAcquire(name, options);
      if ('lock' in attempt) return attempt.lock;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new TimeoutError(
          `lock ${name} is held by ${attempt.heldBy}${waitMs > 0 ? ` (waited ${waitMs} ms)` : ''}`,
        );
      }
      const outcome = await waitForDelete(
        this.conn,
        this.keyOf(name),
        attempt.revision + 1,
        remaining,
        options.signal,
      );
      abortable(options.signal, name);
      if (outcome === 'timeout') {
        throw new TimeoutError(`lock ${name} is held by ${attempt.heldBy} (waited ${waitMs} ms)`);
      }
    }
  }

  /** One attempt, in one transaction with `options.reads`: the lock, or who holds it (and the reads). */
  async tryAcquire<const R extends readonly Read<unknown>[] = []>(
    name: string,
    options: AcquireLockOptions<R> = {},
    retried = false,
  ): Promise<LockAttempt<R>> {
    const key = this.keyOf(name);
    const ttlSeconds = options.ttlSeconds ?? DEFAULT_LOCK_TTL_SECONDS;
    const owner = options.owner ?? defaultOwner();
    const reads = (options.reads ?? []) as unknown as R;
    abortable(options.signal, name);
    const session = await this.session(ttlSeconds);
    const value = JSON.stringify({ owner, acquiredAt: new Date().toISOString(), ttlSeconds });
    const readOps = reads.map((read) => read.op);
    const result = await this.conn
      .txn(
        `lock ${key}`,
        [{ key: Buffer.from(key), target: 'Create', result: 'Equal', create_revision: 0 }],
        [this.conn.client.put(key).value(value).lease(session.id), ...readOps],
        [this.conn.client.get(key), ...readOps],
      )
      .catch((error: unknown) => {
        // A session that ended meanwhile was revoked, and etcd refuses its id: try once more on a new one.
        if (session.isAlive() || retried) throw error;
        return null;
      });
    if (!result || (result.succeeded && !session.isAlive())) {
      // The session ended during the transaction (the key goes with it): try again on a new one.
      if (retried) throw new TimeoutError(`lock ${name}: the session lease keeps ending; etcd may be unwell`);
      return this.tryAcquire(name, options, true);
    }
    const revision = Number(result.header.revision);
    if (!result.succeeded) {
      const heldBy = ownerOf(result.responses[0]?.response_range?.kvs[0]);
      return { heldBy, reads: decodeReads(reads, result.responses, 1), revision };
    }
    let values: ReadResults<R>;
    try {
      values = decodeReads(reads, result.responses, 1);
    } catch (error) {
      // A read that does not decode (a corrupt record) fails the acquisition; the key must not stay behind.
      await this.deleteKey({ key, revision }, session).catch(() => undefined);
      throw error;
    }
    const lock = new HeldLock<R>(this, name, key, owner, revision, session, values);
    this.held.set(key, lock);
    this.watchForBreaks(revision);
    return { lock };
  }

  /** Runs `work` holding the lock, and releases it afterwards whatever happens. */
  async withLock<R>(name: string, options: AcquireLockOptions, work: (lock: Lock) => Promise<R>): Promise<R> {
    const lock = await this.acquire(name, options);
    try {
      return await work(lock);
    } finally {
      await lock.release().catch(() => undefined);
    }
  }

  /** Locks held now, with owner and lease time left. */
  async list(): Promise<LockInfo[]> {
    const prefix = this.conn.key(KEYSPACES.locks);
    const response = await this.conn.run(`list ${prefix}`, () =>
      this.conn.client.getAll().prefix(prefix).sort('Key', 'Ascend').exec(),
    );
    return Promise.all(
      response.kvs.map(async (kv): Promise<LockInfo> => {
        const parsed = LockValueSchema.safeParse(safeJson(kv.value));
        const ttl = await this.conn
          .run('lease ttl', () => this.conn.client.leaseClient.leaseTimeToLive({ ID: kv.lease }))
          .then((answer) => (Number(answer.TTL) >= 0 ? Number(answer.TTL) : null))
          .catch(() => null);
        return {
          name: kv.key.toString().slice(prefix.length),
          owner: parsed.data?.owner ?? 'unknown',
          acquiredAt: parsed.data?.acquiredAt ?? '',
          ttlSeconds: parsed.data?.ttlSeconds ?? 0,
          ttlRemainingSeconds: ttl,
          revision: Number(kv.create_revision),
        };
      }),
    );
  }

  /**
   * Takes a lock away from its holder (an admin action): deletes its key, which lets the next waiter in and
   * tells the holder at once (its process watches `locks/`). Returns false when the lock was not held.
   */
  async break(name: string): Promise<boolean> {
    const key = this.keyOf(name);
    const response = await this.conn.run(`get ${key}`, () => this.conn.client.get(key).exec());
    const kv = response.kvs[0];
    if (!kv) return false;
    const result = await this.conn.txn(
      `break ${key}`,
      [{ key: Buffer.from(key), target: 'Create', result: 'Equal', create_revision: kv.create_revision }],
      [this.conn.client.delete().key(key)],
      [],
    );
    return result.succeeded;
  }

  /**
   * Deletes a released lock's key if it is still that lock's. A failed delete is tried again in the background
   * while the session lives (after that the key goes with the lease), and reported to the caller.
   */
  async deleteKey(lock: Pick<Lock, 'key' | 'revision'>, session: HeldLease): Promise<void> {
    const attempt = () =>
      this.conn.txn(
        `unlock ${lock.key}`,
        [{ key: Buffer.from(lock.key), target: 'Create', result: 'Equal', create_revision: lock.revision }],
        [this.conn.client.delete().key(lock.key)],
        [],
      );
    try {
      await attempt();
    } catch (error) {
      const retry = () => {
        if (!session.isAlive() || this.conn.isClosed) return;
        attempt().catch(() => setTimeout(retry, RELEASE_RETRY_MS).unref());
      };
      setTimeout(retry, RELEASE_RETRY_MS).unref();
      throw error;
    }
  }

  /** Called by a lock as it ends. */
  forget(lock: Lock): void {
    if (this.held.get(lock.key) === lock) this.held.delete(lock.key);
  }

  private keyOf(name: string): string {
    assertId(name, 'lock name');
    return this.conn.key(KEYSPACES.locks + name);
  }

  /** The process's session lease for `ttlSeconds`: granted on first use, again after one is lost. */
  private async session(ttlSeconds: number): Promise<HeldLease> {
    const current = this.sessions.get(ttlSeconds);
    if (current) {
      const lease = await current.catch(() => null);
      if (lease?.isAlive()) return lease;
      if (this.sessions.get(ttlSeconds) === current) this.sessions.delete(ttlSeconds);
      return this.session(ttlSeconds);
    }
    const granting = HeldLease.grant(this.conn, ttlSeconds);
    this.sessions.set(ttlSeconds, granting);
    const drop = () => {
      if (this.sessions.get(ttlSeconds) === granting) this.sessions.delete(ttlSeconds);
    };
    granting.then((lease) => {
      // Closing the store revokes the session, which deletes its keys: others take over at once.
      const untrack = this.conn.track({ close: () => lease.release().catch(() => undefined) });
      void lease.ended.then(() => {
        untrack();
        drop();
      });
    }, drop);
    return granting;
  }

  /**
   * Opens the process's one watch on `locks/` for deletions (from just after the first lock it takes, so no
   * later deletion is missed), if it is not open or being reopened.
   */
  private watchForBreaks(fromRevision: number): void {
    if (this.guard || this.restoring) return;
    const guard: Promise<Watcher | null> = this.openGuard(fromRevision + 1).catch(() => {
      // etcd unreachable: reopen it with backoff (a break meanwhile is found by the re-read).
      this.lostGuard(guard);
      return null;
    });
    this.guard = guard;
  }

  /** Opens the watch on `locks/` (from `fromRevision`, else from now). A deleted held key ends its lock. */
  private openGuard(fromRevision?: number): Promise<Watcher> {
    this.untrackGuard ??= this.conn.track({
      close: async () => {
        this.untrackGuard?.();
        const watcher = await this.guard?.catch(() => null);
        if (watcher) await cancelWatch(watcher, this.conn.timeoutMs);
      },
    });
    const opening: Promise<Watcher> = openWatch(this.conn, {
      target: { range: this.conn.prefixRange(KEYSPACES.locks) },
      ...(fromRevision !== undefined ? { fromRevision } : {}),
      only: 'delete',
      onEvents: (events) => {
        for (const event of events) {
          const lock = this.held.get(event.kv.key.toString());
          if (lock && Number(event.kv.mod_revision) > lock.revision)
            lock.lose(new Error(`lock ${lock.name} was broken: its key was deleted`));
        }
      },
      // Cancelled by etcd (compaction, or the watch failing): deletions from now on would go unseen.
      onError: () => this.lostGuard(this.guard),
    });
    return opening;
  }

  /** The watch `guard` is gone (cancelled, or it could not be opened): reopen it if it is the current one. */
  private lostGuard(guard: Promise<Watcher | null> | undefined): void {
    if (!guard || this.guard !== guard) return;
    this.guard = undefined;
    this.restore();
  }

  /**
   * Reopens the watch on `locks/` at once, then with capped backoff (`guardRetryDelayMs`) while etcd is
   * unreachable, for as long as locks are held and the store is open; with none held, the next acquisition
   * opens it. Once it is open, the held locks' keys are read again: a break made while no watch was open ends
   * its lock then, and every later one is seen by the watch.
   */
  private restore(): void {
    if (this.restoring || this.conn.isClosed) return;
    const wanted = () => this.held.size > 0 && !this.conn.isClosed;
    this.restoring = (async () => {
      for (let attempt = 0; wanted(); attempt++) {
        await sleep(guardRetryDelayMs(attempt));
        if (!wanted()) return;
        try {
          if (!this.guard) {
            const opened = this.openGuard();
            this.guard = opened;
            await opened.catch((error: unknown) => {
              if (this.guard === opened) this.guard = undefined;
              throw error;
            });
          }
          await this.recheck();
          return;
        } catch {
          // etcd unreachable (or the new watch cancelled at once): try again after the backoff.
        }
      }
    })().finally(() => {
      this.restoring = undefined;
      // A cancel while this ran, or a lock taken just as it gave up: start over.
      if (!this.guard && wanted()) this.restore();
    });
  }

  /** Ends the held locks whose key is gone or belongs to a later holder (breaks no watch saw). */
  private async recheck(): Promise<void> {
    const prefix = this.conn.key(KEYSPACES.locks);
    const response = await this.conn.run(`read ${prefix}`, () =>
      this.conn.client.getAll().prefix(prefix).exec(),
    );
    const readAt = Number(response.header.revision);
    const created = new Map(response.kvs.map((kv) => [kv.key.toString(), Number(kv.create_revision)]));
    for (const lock of [...this.held.values()]) {
      // A lock taken after the read is covered by the watch, which was open before it.
      if (lock.revision > readAt || created.get(lock.key) === lock.revision) continue;
      lock.lose(new Error(`lock ${lock.name} was broken: its key was deleted while its watch was down`));
    }
  }
}

function ownerOf(holder: IKeyValue | undefined): string {
  return holder ? (LockValueSchema.safeParse(safeJson(holder.value)).data?.owner ?? 'unknown') : 'unknown';
}

function safeJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString());
  } catch {
    return undefined;
  }
}
