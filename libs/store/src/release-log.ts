/**
 * A release's deploy log (`releaselogs/<service>/<release>/<seq>`, both numbers zero-padded to 10 digits):
 * one key per line, numbered from 1 in the order written. The deployer appends while it works on the
 * release; the api lists and follows. Appending is safe from several processes (each line is a create on
 * an unused key; a writer that loses a race reads the new highest and goes on), so a deployer that takes
 * over a job simply keeps appending.
 */
import { ConflictError } from '@cite/errors';
import { MAX_LOG_MESSAGE_LENGTH, ReleaseLogLineSchema, type ReleaseLogLine } from '@cite/model';
import type { EtcdStore } from './etcd-store';
import { encodeCursor, ids, KEYSPACES, padReleaseNumber, parseReleaseNumber } from './keys';
import type { Repository } from './repository';
import type { RepositoryWatch } from './repository-watch';

/** What a writer gives; `time` defaults to now, `level` to `info`; long messages are cut. */
export interface LogEntry {
  message: string;
  level?: ReleaseLogLine['level'];
  source?: string;
  time?: string;
}

export interface LogPage {
  lines: ReleaseLogLine[];
  /** The etcd revision read at; follow from `revision + 1`. */
  revision: number;
  /** Set when there may be more lines after the last one returned. */
  more: boolean;
}

/** Releases whose last log seq a process keeps in memory. */
const RELEASES_REMEMBERED = 1_000;

export class ReleaseLog {
  readonly records: Repository<ReleaseLogLine>;
  /**
   * The last seq this process wrote per release (`<service>/<release>/`), so the next line needs no read. Bounded:
   * the releases written longest ago are forgotten (a forgotten one is read again when it gets another line).
   */
  private readonly lastSeq = new Map<string, number>();

  constructor(
    private readonly store: EtcdStore,
    private readonly now: () => Date = () => new Date(),
    /** Told of every line once it is stored (the deployer copies them to the search engine). */
    private readonly onAppended?: (service: string, release: number, lines: ReleaseLogLine[]) => void,
  ) {
    this.records = store.repository<ReleaseLogLine>({
      keyspace: KEYSPACES.releaseLogs,
      schema: ReleaseLogLineSchema,
      kind: 'release log line',
    });
  }

  /** The id of one line (relative to `releaselogs/`). */
  static lineId(service: string, release: number, seq: number): string {
    return ids.releaseLogLine(service, release, seq);
  }

  /** The id prefix of a release's lines: `<service>/<release, padded>/`. */
  static prefix(service: string, release: number): string {
    return ids.releaseLog(service, release);
  }

  /** Appends lines in order and returns them as stored. */
  async append(service: string, release: number, entries: LogEntry[]): Promise<ReleaseLogLine[]> {
    const written: ReleaseLogLine[] = [];
    for (const entry of entries) written.push(await this.appendOne(service, release, entry));
    if (written.length > 0) this.onAppended?.(service, release, written);
    return written;
  }

  private rememberSeq(group: string, seq: number): void {
    this.lastSeq.delete(group);
    this.lastSeq.set(group, seq);
    if (this.lastSeq.size > RELEASES_REMEMBERED) this.lastSeq.delete(this.lastSeq.keys().next().value!);
  }

  /** Lines after `after` (a seq; 0 for the start), oldest first. */
  async list(
    service: string,
    release: number,
    options: { after?: number; limit?: number } = {},
  ): Promise<LogPage> {
    const after = options.after ?? 0;
    const page = await this.records.list({
      prefix: ReleaseLog.prefix(service, release),
      limit: options.limit ?? 1000,
      ...(after > 0 ? { cursor: encodeCursor(ReleaseLog.lineId(service, release, after)) } : {}),
    });
    return {
      lines: page.items.map((item) => item.value),
      revision: page.revision,
      more: page.nextCursor !== undefined,
    };
  }

  /**
   * The numbers of `service`'s releases that have log lines, oldest first. Skips from release to release (one
   * single-key read each), so a service with long logs costs no more than one with short ones.
   */
  async *releasesWithLogs(service: string): AsyncGenerator<number> {
    let cursor: string | undefined;
    for (;;) {
      const page = await this.records.list({
        prefix: `${service}/`,
        limit: 1,
        ...(cursor ? { cursor } : {}),
      });
      const id = page.items[0]?.id ?? page.corrupt[0]?.id;
      const number = id === undefined ? null : parseReleaseNumber(id.split('/')[1] ?? '');
      if (number === null) return;
      yield number;
      // `~` sorts after every digit: the next key is the first line of a later release.
      cursor = encodeCursor(`${service}/${padReleaseNumber(number)}/~`);
    }
  }

  /** Deletes every line of one release's log (one transaction). */
  async removeRelease(service: string, release: number): Promise<void> {
    await this.store
      .batch()
      .deletePrefix(this.store.key(KEYSPACES.releaseLogs + ReleaseLog.prefix(service, release)))
      .commit(`remove the log of ${service} release ${release}`);
  }

  /** Lines appended from `fromRevision` on. */
  watch(service: string, release: number, fromRevision?: number): Promise<RepositoryWatch<ReleaseLogLine>> {
    return this.records.watch({ prefix: ReleaseLog.prefix(service, release), fromRevision });
  }

  /** Creates the line at the next free number, reading the highest again after losing a race (20 tries). */
  private async appendOne(service: string, release: number, entry: LogEntry): Promise<ReleaseLogLine> {
    const group = ReleaseLog.prefix(service, release);
    for (let attempt = 1; ; attempt++) {
      const seq = (this.lastSeq.get(group) ?? (await this.highestSeq(service, release))) + 1;
      const line: ReleaseLogLine = {
        seq,
        time: entry.time ?? this.now().toISOString(),
        level: entry.level ?? 'info',
        message: entry.message.slice(0, MAX_LOG_MESSAGE_LENGTH),
        ...(entry.source === undefined ? {} : { source: entry.source }),
      };
      try {
        const stored = await this.records.create(ReleaseLog.lineId(service, release, seq), line);
        this.rememberSeq(group, seq);
        return stored.value;
      } catch (error) {
        this.lastSeq.delete(group);
        if (!(error instanceof ConflictError) || attempt >= 20) throw error;
      }
    }
  }

  private async highestSeq(service: string, release: number): Promise<number> {
    const page = await this.records.list({
      prefix: ReleaseLog.prefix(service, release),
      limit: 1,
      order: 'desc',
    });
    const id = page.items[0]?.id ?? page.corrupt[0]?.id;
    return id === undefined ? 0 : Number(id.slice(id.lastIndexOf('/') + 1));
  }
}
