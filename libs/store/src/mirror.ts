/**
 * A keyspace held in memory and kept current: every record under a repository's keyspace, listed page by page,
 * then followed by a watch from the list's revision. When etcd has compacted the revision the watch needs, the
 * keyspace is listed again and what vanished is reported as deleted — the etcd twin of a Kubernetes informer.
 * The watcher decides from it and writes with compare-and-swap on the `modRevision`s it holds.
 */
import type { Logger } from '@cite/logging';
import type { Repository, Versioned } from './repository';
import type { RepositoryWatch } from './repository-watch';

export interface MirrorChange<T> {
  id: string;
  /** The record now; undefined when it was deleted. */
  value?: T;
}

export class Mirror<T> {
  private readonly records = new Map<string, Versioned<T>>();
  /** Keys this process deleted, at which revision: the watch's older puts of them are stale. */
  private readonly tombstones = new Map<string, number>();
  private watch: RepositoryWatch<T> | null = null;
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();

  private constructor(
    private readonly repository: Repository<T>,
    private readonly onChange: (change: MirrorChange<T>) => void,
    private readonly logger?: Logger,
    private readonly slim: (value: T) => T = (value) => value,
  ) {}

  /** Lists the keyspace and starts following it; resolves once the first list is held. */
  static async start<T>(
    repository: Repository<T>,
    onChange: (change: MirrorChange<T>) => void,
    logger?: Logger,
    /** Keeps what the caller reads of each record (the rest is dropped before it is held). */
    slim?: (value: T) => T,
  ): Promise<Mirror<T>> {
    const mirror = new Mirror(repository, onChange, logger, slim);
    const revision = await mirror.relist();
    mirror.loop = mirror.follow(revision);
    return mirror;
  }

  get(id: string): Versioned<T> | undefined {
    return this.records.get(id);
  }

  ids(): IterableIterator<string> {
    return this.records.keys();
  }

  get size(): number {
    return this.records.size;
  }

  /**
   * Records what this process just wrote at `revision` (a put) or deleted, so that its next decision about the
   * key compares against it without waiting for the watch to bring it back. An older revision never replaces a
   * newer one.
   */
  wrote(id: string, value: T | undefined, revision: number): void {
    const held = this.records.get(id);
    if (held && held.modRevision > revision) return;
    if (value === undefined) {
      this.records.delete(id);
      this.tombstones.set(id, revision);
    } else this.records.set(id, { value, modRevision: revision });
  }

  /** Replaces what is held for `id` with what etcd answered (a refused compare-and-swap's read). */
  refresh(id: string, record: Versioned<T> | null): void {
    if (record === null) this.records.delete(id);
    else this.records.set(id, record);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.watch?.close();
    await this.loop;
  }

  /** Reads the whole keyspace; changes against what was held are reported. Answers the read's revision. */
  private async relist(): Promise<number> {
    const seen = new Set<string>();
    let revision = 0;
    let cursor: string | undefined;
    do {
      const page = await this.repository.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
      revision ||= page.revision;
      for (const item of page.items) {
        seen.add(item.id);
        const held = this.records.get(item.id);
        if (held?.modRevision === item.modRevision) continue;
        const value = this.slim(item.value);
        this.records.set(item.id, { value, modRevision: item.modRevision });
        this.onChange({ id: item.id, value });
      }
      cursor = page.nextCursor;
    } while (cursor);
    for (const id of [...this.records.keys()])
      if (!seen.has(id)) {
        this.records.delete(id);
        this.onChange({ id });
      }
    return revision;
  }

  private async follow(revision: number): Promise<void> {
    let from = revision + 1;
    while (!this.stopped) {
      try {
        this.watch = await this.repository.watch({ fromRevision: from });
        if (this.stopped) {
          await this.watch.close();
          return;
        }
        for await (const event of this.watch) {
          from = event.modRevision + 1;
          const held = this.records.get(event.id);
          if (held && held.modRevision >= event.modRevision) continue;
          const deletedAt = this.tombstones.get(event.id);
          if (deletedAt !== undefined) {
            if (event.modRevision >= deletedAt) this.tombstones.delete(event.id);
            if (event.modRevision <= deletedAt) continue;
          }
          if (event.type === 'delete') {
            if (!this.records.delete(event.id)) continue;
            this.onChange({ id: event.id });
          } else if (event.value !== undefined) {
            const value = this.slim(event.value);
            this.records.set(event.id, { value, modRevision: event.modRevision });
            this.onChange({ id: event.id, value });
          }
        }
      } catch (error) {
        if (this.stopped) return;
        // A compacted revision (or a watch that could not be opened): read everything again, then follow on.
        this.logger?.warn('etcd mirror re-listing', { error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, 200));
        try {
          from = (await this.relist()) + 1;
        } catch (relistError) {
          this.logger?.warn('etcd mirror re-list failed', { error: String(relistError) });
        }
      }
    }
  }
}
