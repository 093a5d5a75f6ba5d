import { AuditEntrySchema, type AuditEntry } from '@cite/model';
import type { EtcdStore } from './etcd-store';
import { ids, KEYSPACES } from './keys';
import type { ListOptions, Page, Repository, Versioned } from './repository';
import type { RepositoryWatch } from './repository-watch';
import type { WriteBatch } from './write-batch';

export interface AuditListOptions extends Omit<ListOptions, 'prefix'> {
  /**
   * Newest first by default.
   * @defaultValue `'desc'`
   */
  order?: 'asc' | 'desc';
  /** Only entries in this UTC day or hour or minute (`2024-05-01`, `2024-05-01T12`): a key prefix. */
  during?: string;
}

/**
 * The audit trail (`audit/<time>-<id>`, time in UTC ISO-8601 so keys sort by time). Append-only: an entry is
 * created once and never rewritten.
 */
export class AuditLog {
  readonly records: Repository<AuditEntry>;

  constructor(store: EtcdStore) {
    this.records = store.repository<AuditEntry>({
      keyspace: KEYSPACES.audit,
      schema: AuditEntrySchema,
      kind: 'audit entry',
      identify: (entry) => ids.audit(entry.time, entry.id),
    });
  }

  /** Records `entry`; `ConflictError` if an entry with the same time and id exists. */
  append(entry: AuditEntry): Promise<Versioned<AuditEntry>> {
    return this.records.create(ids.audit(entry.time, entry.id), entry);
  }

  /** Adds `entry` to `batch`, so the trail records a change exactly when the change lands. */
  appendTo(batch: WriteBatch, entry: AuditEntry): void {
    batch.create(this.records, ids.audit(entry.time, entry.id), entry);
  }

  /** A page of entries, newest first unless `order: 'asc'`. */
  list(options: AuditListOptions = {}): Promise<Page<AuditEntry>> {
    const { during, ...rest } = options;
    return this.records.list({ ...rest, order: rest.order ?? 'desc', prefix: during ?? '' });
  }

  /** New entries as they are appended. */
  watch(options: { fromRevision?: number } = {}): Promise<RepositoryWatch<AuditEntry>> {
    return this.records.watch(options);
  }
}
