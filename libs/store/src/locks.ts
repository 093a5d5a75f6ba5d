import { TimeoutError, UnavailableError } from '@cite/errors';
import os from 'node:os';
import { z } from 'zod';
import type { EtcdConnection } from './etcd-connection';
import { cancelWatch, openWatch } from './etcd-watch';
import { HeldLease, type LeaseEnd } from './held-lease';
import { assertId, KEYSPACES } from './keys';
import { waitForDelete } from './wait-for-delete';

export interface AcquireLockOptions {
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

function defaultOwner(): string {
  return `${os.hostname()}/${process.pid}`;
}

function abortable(signal: AbortSignal | undefined, name: string): void {
  if (signal?.aborted) throw new TimeoutError(`gave up waiting for lock ${name}`);
}

/**
 * Named mutual-exclusion locks, one key each under `locks/`, attached to a lease that is kept alive while held.
 * A waiter watches the key for its deletion instead of polling; a crashed holder's key goes when its lease
 * expires, so it never blocks anyone for longer than its TTL.
 */
export class LockManager {
  constructor(private readonly conn: EtcdConnection) {}

  async acquire(name: string, options: AcquireLockOptions = {}): Promise<Lock> {
    assertId(name, 'lock name');
    const key = this.conn.key(KEYSPACES.locks + name);
    const ttlSeconds = options.ttlSeconds ?? DEFAULT_LOCK_TTL_SECONDS;
    const owner = options.owner ?? defaultOwner();
    const waitMs = options.waitMs ?? 0;
    const deadline = Date.now() + waitMs;
    abortable(options.signal, name);
    const lease = await HeldLease.grant(this.conn, ttlSeconds);
    try {
      for (;;) {
        const value = JSON.stringify({ owner, acquiredAt: new Date().toISOString(), ttlSeconds });
        const result = await this.conn.txn(
          `lock ${key}`,
          [{ key: Buffer.from(key), target: 'Create', result: 'Equal', create_revision: 0 }],
          [this.conn.client.put(key).value(value).lease(lease.id)],
          [this.conn.client.get(key)],
        );
        if (result.succeeded) return this.held(name, key, owner, Number(result.header.revision), lease);
        const holder = result.responses[0]?.response_range?.kvs[0];
        const heldBy = holder
          ? (LockValueSchema.safeParse(safeJson(holder.value)).data?.owner ?? 'unknown')
          : 'unknown';
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          throw new TimeoutError(
            `lock ${name} is held by ${heldBy}${waitMs > 0 ? ` (waited ${waitMs} ms)` : ''}`,
          );
        }
        if (!lease.isAlive())
          throw new UnavailableError('etcd', `lost the lease while waiting for lock ${name}`);
        const outcome = await waitForDelete(
          this.conn,
          key,
          Number(result.header.revision) + 1,
          remaining,
          options.signal,
        );
        abortable(options.signal, name);
        if (outcome === 'timeout') {
          throw new TimeoutError(`lock ${name} is held by ${heldBy} (waited ${waitMs} ms)`);
        }
      }
    } catch (error) {
      await lease.release().catch(() => undefined);
      throw error;
    }
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
   * Takes a lock away from its holder (an admin action): revokes the holder's lease, which deletes the key and
   * tells the holder at its next keepalive. Returns false when the lock was not held.
   */
  async break(name: string): Promise<boolean> {
    assertId(name, 'lock name');
    const key = this.conn.key(KEYSPACES.locks + name);
    const response = await this.conn.run(`get ${key}`, () => this.conn.client.get(key).exec());
    const kv = response.kvs[0];
    if (!kv) return false;
    if (kv.lease !== '0') {
      await this.conn
        .run('revoke lease', () => this.conn.client.leaseClient.leaseRevoke({ ID: kv.lease }))
        .catch((error: unknown) => {
          if (error instanceof UnavailableError) throw error;
        });
    }
    await this.conn.txn(
      `break ${key}`,
      [{ key: Buffer.from(key), target: 'Create', result: 'Equal', create_revision: kv.create_revision }],
      [this.conn.client.delete().key(key)],
      [],
    );
    return true;
  }

  private held(name: string, key: string, owner: string, revision: number, lease: HeldLease): Lock {
    const untrack = this.conn.track({ close: () => lease.release().catch(() => undefined) });
    // Someone deleting the key (breakLock, an operator) ends the lock at once, not at the next keepalive.
    const guard = openWatch(this.conn, {
      target: { key },
      fromRevision: revision + 1,
      only: 'delete',
      onEvents: () => lease.abandon(new Error(`lock ${name} was broken: its key was deleted`)),
      onError: () => undefined,
    }).catch(() => null);
    void lease.ended.then(async () => {
      untrack();
      const watcher = await guard;
      if (watcher) await cancelWatch(watcher, this.conn.timeoutMs);
    });
    return {
      name,
      key,
      owner,
      revision,
      ended: lease.ended,
      isHeld: () => lease.isAlive(),
      release: () => lease.release(),
    };
  }
}

function safeJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString());
  } catch {
    return undefined;
  }
}
