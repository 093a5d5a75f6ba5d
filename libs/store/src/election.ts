import { InputError, UnavailableError } from '@cite/errors';
import type { ICompare } from 'etcd3';
import { z } from 'zod';
import type { EtcdConnection } from './etcd-connection';
import { HeldLease } from './held-lease';
import { assertId, keys } from './keys';
import { waitForDelete } from './wait-for-delete';

export interface CampaignOptions {
  /**
   * Lease TTL: when the leader dies, the next candidate takes over within this long.
   * @defaultValue 10
   */
  ttlSeconds?: number;
}

export type LeadershipState = 'campaigning' | 'leader' | 'ended';

/** How a campaign ended: its candidate resigned, or lost (lease expired, etcd unreachable, key deleted). */
export interface CampaignEnd {
  reason: 'resigned' | 'lost';
  /** Whether the candidate was leader when it ended. */
  wasLeader: boolean;
  error?: Error;
}

/** The current leader of an election, as candidates announce themselves. */
export interface LeaderInfo {
  candidateId: string;
  since: string;
}

const CandidateSchema = z.object({ candidateId: z.string(), since: z.string() });

export const DEFAULT_ELECTION_TTL_SECONDS = 10;

/**
 * One candidate in an election. Candidates queue by the revision at which they joined, each watching only the
 * one ahead of it; the first is the leader. Every candidate's key lives on its own lease, so a dead leader's key
 * goes when its lease expires and the next takes over within the TTL. A leader learns it lost as soon as its
 * lease may have expired (see `HeldLease`), before anyone else can be elected.
 */
export class Leadership {
  private state: LeadershipState = 'campaigning';
  private readonly listeners = new Set<(state: LeadershipState) => void>();
  private readonly stop = new AbortController();
  private settleElected: () => void = () => undefined;
  private failElected: (error: Error) => void = () => undefined;
  private readonly elected: Promise<void>;
  private settleEnded: (end: CampaignEnd) => void = () => undefined;
  private readonly ended: Promise<CampaignEnd>;
  private untrack: () => void = () => undefined;

  private constructor(
    private readonly conn: EtcdConnection,
    readonly name: string,
    readonly candidateId: string,
    /** The full etcd key of this candidate. */
    readonly key: string,
    private readonly createRevision: number,
    private readonly lease: HeldLease,
  ) {
    this.elected = new Promise((resolve, reject) => {
      this.settleElected = resolve;
      this.failElected = reject;
    });
    this.elected.catch(() => undefined);
    this.ended = new Promise((resolve) => {
      this.settleEnded = resolve;
    });
  }

  /** Joins the election `name` as `candidateId`; resolves once the candidacy is registered (not yet elected). */
  static async campaign(
    conn: EtcdConnection,
    name: string,
    candidateId: string,
    options: CampaignOptions = {},
  ): Promise<Leadership> {
    assertId(name, 'election name');
    if (candidateId.length === 0) throw new InputError('candidateId must not be empty');
    const lease = await HeldLease.grant(conn, options.ttlSeconds ?? DEFAULT_ELECTION_TTL_SECONDS);
    try {
      const key = conn.key(keys.election(name) + lease.id);
      const value = JSON.stringify({ candidateId, since: new Date().toISOString() });
      const result = await conn.txn(
        `campaign ${key}`,
        [{ key: Buffer.from(key), target: 'Create', result: 'Equal', create_revision: 0 }],
        [conn.client.put(key).value(value).lease(lease.id)],
        [],
      );
      if (!result.succeeded) throw new Error(`candidate key ${key} already exists`);
      const leadership = new Leadership(conn, name, candidateId, key, Number(result.header.revision), lease);
      leadership.untrack = conn.track({ close: () => leadership.resign().catch(() => undefined) });
      // Both run for the leadership's life and never reject (`run` ends the leadership on any failure).
      void lease.ended.then((end) => {
        if (end.reason === 'lost') leadership.finish('lost', end.error);
      });
      void leadership.run();
      return leadership;
    } catch (error) {
      await lease.release().catch(() => undefined);
      throw error;
    }
  }

  /** The current leader of `name`, or null when nobody campaigns. */
  static async leader(conn: EtcdConnection, name: string): Promise<LeaderInfo | null> {
    assertId(name, 'election name');
    const prefix = conn.key(keys.election(name));
    const response = await conn.run(`leader ${prefix}`, () =>
      conn.client.getAll().prefix(prefix).sort('Create', 'Ascend').limit(1).exec(),
    );
    const kv = response.kvs[0];
    if (!kv) return null;
    let json: unknown;
    try {
      json = JSON.parse(kv.value.toString());
    } catch {
      json = undefined;
    }
    return CandidateSchema.safeParse(json).data ?? { candidateId: 'unknown', since: '' };
  }

  get currentState(): LeadershipState {
    return this.state;
  }

  isLeader(): boolean {
    return this.state === 'leader';
  }

  /**
   * A transaction guard that holds only while this candidate's key is the one it created: put it on every
   * write a leader makes (`WriteBatch.guard`), and a deposed leader's late writes are refused by etcd itself
   * instead of overwriting its successor's.
   */
  guard(): ICompare {
    return {
      key: Buffer.from(this.key),
      target: 'Create',
      result: 'Equal',
      create_revision: this.createRevision,
    };
  }

  /** Resolves when elected; rejects with the reason when the campaign ends first. */
  whenElected(): Promise<void> {
    return this.elected;
  }

  /** Resolves when the campaign ends (resigned or lost), whether or not it led. */
  whenEnded(): Promise<CampaignEnd> {
    return this.ended;
  }

  /** Calls `listener` on every state change (`leader`, then `ended`). Returns the unsubscribe function. */
  onChange(listener: (state: LeadershipState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Steps down (or leaves the queue): revokes the lease so the next candidate takes over at once. */
  async resign(): Promise<void> {
    if (this.state === 'ended') return;
    this.finish('resigned');
    await this.lease.release();
  }

  /**
   * Waits, one predecessor at a time, until this candidate is first in line; then, while leading, watches its
   * own key (an admin deleting it ends the leadership). etcd being briefly unreachable is ridden out: only the
   * lease decides that the campaign is lost.
   */
  private async run(): Promise<void> {
    while (!this.isOver()) {
      try {
        if (this.state === 'campaigning') await this.waitInLine();
        else await this.guardKey();
      } catch (error) {
        if (this.isOver()) return;
        if (error instanceof UnavailableError) {
          await pause(Math.min(1_000, this.lease.ttlSeconds * 100), this.stop.signal);
          continue;
        }
        this.finish('lost', error instanceof Error ? error : new Error(String(error)));
        await this.lease.release().catch(() => undefined);
      }
    }
  }

  private async waitInLine(): Promise<void> {
    const prefix = this.conn.key(keys.election(this.name));
    // Still in line (our key exists, created when we joined)? Then who is just ahead of us?
    const result = await this.conn.txn(
      `elect ${this.key}`,
      [
        {
          key: Buffer.from(this.key),
          target: 'Create',
          result: 'Equal',
          create_revision: this.createRevision,
        },
      ],
      [
        this.conn.client
          .getAll()
          .prefix(prefix)
          .maxCreateRevision(this.createRevision - 1)
          .sort('Create', 'Descend')
          .limit(1),
      ],
      [],
    );
    if (this.state !== 'campaigning') return;
    if (!result.succeeded) throw new Error(`candidate key ${this.key} was deleted`);
    const ahead = result.responses[0]?.response_range?.kvs[0];
    if (!ahead) {
      this.become('leader');
      this.settleElected();
      return;
    }
    await waitForDelete(
      this.conn,
      ahead.key.toString(),
      Number(result.header.revision) + 1,
      this.lease.ttlSeconds * 1_000,
      this.stop.signal,
    );
  }

  private async guardKey(): Promise<void> {
    const response = await this.conn.run(`get ${this.key}`, () => this.conn.client.get(this.key).exec());
    if (this.state !== 'leader') return;
    if (response.kvs.length === 0) throw new Error(`leader key ${this.key} was deleted`);
    const outcome = await waitForDelete(
      this.conn,
      this.key,
      Number(response.header.revision) + 1,
      60_000,
      this.stop.signal,
    );
    if (outcome === 'deleted' && this.state === 'leader')
      throw new Error(`leader key ${this.key} was deleted`);
  }

  private isOver(): boolean {
    return this.state === 'ended';
  }

  private become(state: LeadershipState): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }

  private finish(reason: CampaignEnd['reason'], error?: Error): void {
    if (this.state === 'ended') return;
    const wasLeader = this.state === 'leader';
    this.become('ended');
    this.stop.abort();
    this.untrack();
    this.failElected(error ?? new Error(`campaign ${this.name} ended: ${reason}`));
    this.settleEnded({ reason, wasLeader, ...(error ? { error } : {}) });
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
