/**
 * Writes the records the watcher decided, in batches: one etcd transaction per batch, guarded by the
 * leadership (a deposed leader's batch is refused by etcd) and by each record's `modRevision` as mirrored (a
 * record someone else changed meanwhile — the api claiming a host — is read again and decided again).
 */
import { sameRecord } from '@cite/observe';
import type { Leadership, MetadataStore, Repository } from '@cite/store';
import { RECORD_KINDS, type Mirrors, type RecordKind, type RecordTypes, type Repositories } from './records';

export interface Decision<K extends RecordKind = RecordKind> {
  kind: K;
  id: string;
  /** The record to store; null to delete it. */
  record: RecordTypes[K] | null;
}

export interface Written {
  decision: Decision;
  op: 'put' | 'delete';
}

export class NotLeaderError extends Error {
  constructor() {
    super('this watcher no longer leads');
    this.name = 'NotLeaderError';
  }
}

export class RecordWriter {
  constructor(
    private readonly store: MetadataStore,
    private readonly repositories: Repositories,
    private readonly mirrors: Mirrors,
    private readonly leadership: Pick<Leadership, 'guard' | 'isLeader'>,
  ) {}

  /** The decisions that change something: a record that differs (times aside) from the mirrored one. */
  changes(decisions: readonly Decision[]): Decision[] {
    return decisions.filter((decision) => {
      const held = this.mirrors[decision.kind].get(decision.id);
      if (decision.record === null) return held !== undefined;
      return held === undefined || !sameRecord(held.value, decision.record);
    });
  }

  /**
   * Writes `changes` in one transaction. Answers what was written, or null when a record moved under it (the
   * mirrors then hold etcd's current values: decide those again). Throws `NotLeaderError` when the leadership
   * guard failed.
   */
  async write(changes: readonly Decision[]): Promise<Written[] | null> {
    if (changes.length === 0) return [];
    if (!this.leadership.isLeader()) throw new NotLeaderError();
    const batch = this.store.etcd.batch().guard(this.leadership.guard());
    const written: Written[] = [];
    const expected: (number | null)[] = [];
    for (const decision of changes) {
      const repository = this.repositories[decision.kind] as Repository<unknown>;
      const held = this.mirrors[decision.kind].get(decision.id);
      expected.push(held?.modRevision ?? null);
      batch.expect(repository, decision.id, held?.modRevision ?? null);
      if (decision.record === null) {
        batch.delete(repository, decision.id);
        written.push({ decision, op: 'delete' });
      } else {
        batch.put(repository, decision.id, decision.record);
        written.push({ decision, op: 'put' });
      }
    }
    const committed = await batch.commit(`watcher writes ${changes.length} records`);
    if (committed) {
      for (const { decision } of written)
        (this.mirrors[decision.kind].wrote as (id: string, value: unknown, revision: number) => void)(
          decision.id,
          decision.record ?? undefined,
          committed.revision,
        );
      return written;
    }
    // Refused: a record moved (the api claimed a host, the deployer wrote a status), or the leadership guard
    // failed. Read each record again; "moved" is judged against the revisions this batch was guarded by (the
    // mirror may already hold the newer one from its watch).
    let moved = false;
    await Promise.all(
      changes.map(async (decision, index) => {
        const current = await this.repositories[decision.kind].get(decision.id);
        if ((current?.modRevision ?? null) !== expected[index]) moved = true;
        (this.mirrors[decision.kind].refresh as (id: string, record: unknown) => void)(decision.id, current);
      }),
    );
    if (moved) return null;
    if (!this.leadership.isLeader()) throw new NotLeaderError();
    // Nothing moved, yet refused: the guard no longer holds. The leadership learns it from its lease shortly;
    // until then the batch waits and is tried again (etcd refuses it anyway).
    throw new GuardRefusedError();
  }
}

/** A batch refused by the leadership guard while this process still believes it leads. */
export class GuardRefusedError extends Error {
  constructor() {
    super('the leadership guard refused the batch');
    this.name = 'GuardRefusedError';
  }
}

export { RECORD_KINDS };
