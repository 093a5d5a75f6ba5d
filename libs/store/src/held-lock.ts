import type { HeldLease, LeaseEnd } from './held-lease';
import type { LockWithReads } from './locks';
import type { Read, ReadResults } from './reads';

/** What a held lock asks of the manager that made it. */
export interface LockKeeper {
  deleteKey(
    lock: Pick<LockWithReads<readonly Read<unknown>[]>, 'key' | 'revision'>,
    session: HeldLease,
  ): Promise<void>;
  forget(lock: LockWithReads<readonly Read<unknown>[]>): void;
}

/** One held lock: its key lives on the process's session lease until released, broken or the session ends. */
export class HeldLock<R extends readonly Read<unknown>[]> implements LockWithReads<R> {
  private state: 'held' | 'ended' = 'held';
  private settle: (end: LeaseEnd) => void = () => undefined;
  private readonly stopListening: () => void;
  readonly ended: Promise<LeaseEnd>;

  constructor(
    private readonly manager: LockKeeper,
    readonly name: string,
    readonly key: string,
    readonly owner: string,
    readonly revision: number,
    private readonly session: HeldLease,
    readonly reads: ReadResults<R>,
  ) {
    this.ended = new Promise((resolve) => {
      this.settle = resolve;
    });
    this.stopListening = session.onEnd((end) => this.end(end));
  }

  isHeld(): boolean {
    return this.state === 'held' && this.session.isAlive();
  }

  async release(): Promise<void> {
    if (this.state === 'ended') return;
    this.end({ reason: 'released' });
    if (this.session.isAlive()) await this.manager.deleteKey(this, this.session);
  }

  /** Someone deleted the key (an admin broke the lock). */
  lose(error: Error): void {
    this.end({ reason: 'lost', error });
  }

  private end(end: LeaseEnd): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.stopListening();
    this.manager.forget(this);
    this.settle(end);
  }
}
