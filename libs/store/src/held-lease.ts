import type { Lease } from 'etcd3';
import type { EtcdConnection } from './etcd-connection';

/** Why a lease ended: released by its holder, or lost (expired, revoked by someone else, unreachable etcd). */
export interface LeaseEnd {
  reason: 'released' | 'lost';
  error?: Error;
}

/**
 * An etcd lease kept alive (every TTL/3) until released. It is declared lost — conservatively, on the holder's
 * side — as soon as it may have expired on the server: no keepalive answered within TTL of the moment it was
 * sent, etcd answering that the lease is gone, or etcd3 giving up. A lost lease is revoked best-effort, so a
 * holder that thinks it lost never keeps a key alive.
 */
export class HeldLease {
  private state: 'alive' | 'ended' = 'alive';
  private settle: (end: LeaseEnd) => void = () => undefined;
  /** Resolves once, when the lease ends. Never rejects. */
  readonly ended: Promise<LeaseEnd>;
  private expiryTimer: NodeJS.Timeout | undefined;
  private readonly sentAt: number[] = [];
  /** Told once when the lease ends; each removes itself when it no longer cares (see `onEnd`). */
  private readonly listeners = new Set<(end: LeaseEnd) => void>();

  private constructor(
    private readonly conn: EtcdConnection,
    private readonly lease: Lease,
    readonly id: string,
    readonly ttlSeconds: number,
    grantedAt: number,
  ) {
    this.ended = new Promise((resolve) => {
      this.settle = resolve;
    });
    this.armExpiry(grantedAt);
    lease.on('keepaliveEstablished', () => {
      this.sentAt.length = 0;
    });
    lease.on('keepaliveFired', () => {
      this.sentAt.push(Date.now());
    });
    lease.on('keepaliveSucceeded', (response) => {
      const sent = this.sentAt.shift();
      if (sent !== undefined && Number(response.TTL) > 0) this.armExpiry(sent, Number(response.TTL));
    });
    lease.on('lost', (error) => this.lose(error));
  }

  /** Grants a lease with `ttlSeconds` (etcd may round a very short TTL up) and starts keeping it alive. */
  static async grant(conn: EtcdConnection, ttlSeconds: number): Promise<HeldLease> {
    const grantedAt = Date.now();
    const lease = conn.client.lease(ttlSeconds);
    lease.on('lost', () => undefined); // etcd3 emits 'lost' when the grant itself fails; handled below.
    const id = await conn
      .run('grant lease', () => lease.grant())
      .catch((error: unknown) => {
        lease.release();
        throw error;
      });
    return new HeldLease(conn, lease, id, ttlSeconds, grantedAt);
  }

  isAlive(): boolean {
    return this.state === 'alive';
  }

  /**
   * Calls `listener` when the lease ends (at once if it has). Returns the way to stop listening: a long-lived
   * session lease serves thousands of short locks, and a reaction on `ended` would keep every one of them alive.
   */
  onEnd(listener: (end: LeaseEnd) => void): () => void {
    if (this.state === 'ended') {
      void this.ended.then(listener);
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Revokes the lease (deleting the keys attached to it) and stops keeping it alive. Idempotent. */
  async release(): Promise<void> {
    if (this.state === 'ended') return;
    this.end({ reason: 'released' });
    await this.conn.run('revoke lease', () => this.lease.revoke());
  }

  /** Declares the lease lost from outside (the key it guards was deleted) and revokes it best-effort. */
  abandon(error: Error): void {
    this.lose(error);
  }

  private armExpiry(from: number, ttlSeconds = this.ttlSeconds): void {
    clearTimeout(this.expiryTimer);
    const remaining = from + ttlSeconds * 1_000 - Date.now();
    this.expiryTimer = setTimeout(
      () =>
        this.lose(
          new Error(`lease ${this.id}: no keepalive answered within ${ttlSeconds} s; it may have expired`),
        ),
      Math.max(0, remaining),
    );
  }

  private lose(error: Error): void {
    if (this.state === 'ended') return;
    this.end({ reason: 'lost', error });
    void this.lease.revoke().catch(() => undefined);
  }

  private end(end: LeaseEnd): void {
    this.state = 'ended';
    clearTimeout(this.expiryTimer);
    this.settle(end);
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener(end);
  }

  /** How many listeners wait for the end (for tests: it must not grow with the locks taken). */
  get listenerCount(): number {
    return this.listeners.size;
  }
}
