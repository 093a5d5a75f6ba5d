/**
 * Batch task reports (`batch/reports/<task>/<id>`, the id starting with the run's UTC start time so keys sort by
 * time). Each task keeps its newest N; saving one prunes the older ones of that task.
 */
import { BATCH_TASKS, BatchReportSchema, type BatchReport, type BatchTask } from '@cite/model';
import type { EtcdStore } from './etcd-store';
import { assertSegment, KEYSPACES } from './keys';
import type { ListOptions, Page, Repository, Versioned } from './repository';

/** Reports kept per task unless told otherwise. */
export const DEFAULT_REPORTS_KEPT = 50;

export class BatchReportStore {
  readonly records: Repository<BatchReport>;

  constructor(store: EtcdStore) {
    this.records = store.repository<BatchReport>({
      keyspace: KEYSPACES.batchReports,
      schema: BatchReportSchema,
      kind: 'batch report',
      validateId: (id) => {
        const [task = '', report = '', ...rest] = id.split('/');
        assertSegment(task, 'batch task');
        assertSegment(report, 'batch report id');
        if (rest.length > 0) assertSegment(rest.join('/'), 'batch report id');
      },
      identify: (report) => `${report.task}/${report.id}`,
    });
  }

  /** Stores `report`, then removes that task's reports beyond the newest `keep`; answers how many went. */
  async save(
    report: BatchReport,
    keep = DEFAULT_REPORTS_KEPT,
  ): Promise<{ saved: Versioned<BatchReport>; pruned: number }> {
    const saved = await this.records.create(`${report.task}/${report.id}`, report);
    let seen = 0;
    let pruned = 0;
    for await (const item of this.records.all({ prefix: `${report.task}/`, order: 'desc' })) {
      seen += 1;
      if (seen <= keep) continue;
      await this.records.delete(item.id, item.modRevision).catch(() => undefined);
      pruned += 1;
    }
    return { saved, pruned };
  }

  /** A page of one task's reports, newest first. */
  list(task: BatchTask, options: Omit<ListOptions, 'prefix' | 'order'> = {}): Promise<Page<BatchReport>> {
    return this.records.list({ ...options, prefix: `${task}/`, order: 'desc' });
  }

  /** The newest report of each task that has one, in the order of `BATCH_TASKS`. */
  async latest(): Promise<BatchReport[]> {
    const newest = await Promise.all(
      BATCH_TASKS.map(async (task) => (await this.list(task, { limit: 1 })).items[0]?.value),
    );
    return newest.filter((report): report is BatchReport => report !== undefined);
  }
}
