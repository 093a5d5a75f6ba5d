/**
 * A release's deploy log (`releaselogs/<service>/<release>/<seq>`, both numbers zero-padded to 10 digits):
 * one key per line, numbered from 1 in the order written. The deployer appends while it works on the
 * release; the api lists and follows. Appending is safe from several processes (each line is a create on
 * an unused key; a writer that loses a race reads the new highest and goes on), so a deployer that takes
 * over a job simply keeps appending.
 */
import { ConflictError } from '@cite/errors';
import { TimestampSchema } from '@cite/model';
import {
  encodeCursor,
  padReleaseNumber,
  type EtcdStore,
  type Repository,
  type RepositoryWatch,
} from '@cite/store';
import { z } from 'zod';
import { CATALOG_KEYSPACES, LOG_SEQ_WIDTH } from './keyspaces';

export const LOG_LEVELS = ['info', 'warn', 'error'] as const;
export const MAX_LOG_MESSAGE_LENGTH = 8192;

export const ReleaseLogLineSchema = z.object({
  /** 1, 2, 3, … in the order written. */
  seq: z.number().int().min(1),
  time: TimestampSchema,
  level: z.enum(LOG_LEVELS),
  message: z.string().max(MAX_LOG_MESSAGE_LENGTH),
  /** Who wrote it: `deployer`, `registry`, `kubernetes`, … */
  source: z.string().max(64).optional(),
});
export type ReleaseLogLine = z.infer<typeof ReleaseLogLineSchema>;

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

const padSeq = (seq: number) => String(seq).padStart(LOG_SEQ_WIDTH, '0');

export class ReleaseLog {
  readonly records: Repository<ReleaseLogLine>;
  private readonly lastSeq = new Map<string, number>();

  constructor(
    store: EtcdStore,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.records = store.repository<ReleaseLogLine>({
      keyspace: CATALOG_KEYSPACES.releaseLogs,
      schema: ReleaseLogLineSchema,
      kind: 'release log line',
    });
  }

  /** The id of one line (relative to `releaselogs/`). */
  static lineId(service: string, release: number, seq: number): string {
    return `${ReleaseLog.prefix(service, release)}${padSeq(seq)}`;
  }

  /** The id prefix of a release's lines: `<service>/<release, padded>/`. */
  static prefix(service: string, release: number): string {
    if (service.length === 0 || service.includes('/')) throw new TypeError(`bad service name ${service}`);
    return `${service}/${padReleaseNumber(release)}/`;
  }

  /** Appends lines in order and returns them as stored. */
  async append(service: string, release: number, entries: LogEntry[]): Promise<ReleaseLogLine[]> {
    const group = ReleaseLog.prefix(service, release);
    const written: ReleaseLogLine[] = [];
    for (const entry of entries) {
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
          this.lastSeq.set(group, seq);
          written.push(stored.value);
          break;
        } catch (error) {
          this.lastSeq.delete(group);
          if (!(error instanceof ConflictError) || attempt >= 20) throw error;
        }
      }
    }
    return written;
  }

  /** Lines after `after` (a seq; 0 for the start), oldest first. */
  async list(service: string, release: number, options: { after?: number; limit?: number } = {}) {
    const prefix = ReleaseLog.prefix(service, release);
    const after = options.after ?? 0;
    const page = await this.records.list({
      prefix,
      limit: options.limit ?? 1000,
      ...(after > 0 ? { cursor: encodeCursor(ReleaseLog.lineId(service, release, after)) } : {}),
    });
    const result: LogPage = {
      lines: page.items.map((item) => item.value),
      revision: page.revision,
      more: page.nextCursor !== undefined,
    };
    return result;
  }

  /** Lines appended from `fromRevision` on. */
  watch(service: string, release: number, fromRevision?: number): Promise<RepositoryWatch<ReleaseLogLine>> {
    return this.records.watch({ prefix: ReleaseLog.prefix(service, release), fromRevision });
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
