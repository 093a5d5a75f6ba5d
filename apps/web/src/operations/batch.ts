/**
 * Batch reports as the Operations page shows them (`GET /api/v1/batch/reports`, `GET
 * /api/v1/batch/reports/<task>`): every task in a fixed order whether it ran or not, how an outcome reads, how
 * long a run took, and which of a report's items are shown. Pure.
 */
import type { BatchItem, BatchReport, BatchTask } from '@cite/model';

/**
 * The tasks `cite-batch` runs, in `BATCH_TASKS`' order (`@cite/model`, whose runtime would bring zod into the
 * page; the check below fails to compile when the two lists differ).
 */
export const TASKS = [
  'gc',
  'etcd-backup',
  'etcd-restore',
  'log-retention',
  'health-check',
  'node-report',
] as const satisfies readonly BatchTask[];
type Missing = Exclude<BatchTask, (typeof TASKS)[number]>;
const everyTask: [Missing] extends [never] ? true : Missing = true;
void everyTask;

/** What each task does, in a few words (the `cite-batch --help` lines, shortened). */
export const TASK_PURPOSE: Record<BatchTask, string> = {
  gc: 'deletes old ReplicaSets, leftovers of deleted services, expired keys and old deploy logs',
  'etcd-backup': 'snapshots etcd into the backup directory',
  'etcd-restore': "restores cite's keys from a snapshot (by hand only)",
  'log-retention': 'deletes log indices past their retention',
  'health-check': "probes every service's health path",
  'node-report': 'per node: Ready, pods, pod-range use, requests',
};

/** Every batch query's key starts with this: a refresh renews the list and the history shown. */
export const BATCH_KEY = ['batch-reports'] as const;

export interface TaskRow {
  task: BatchTask;
  /** The newest report; undefined when the task never ran (or its reports are gone). */
  report?: BatchReport;
}

/** One row per task, in `TASKS`' order, each with its newest report; a task the API did not list never ran. */
export function taskRows(latest: readonly BatchReport[]): TaskRow[] {
  const newest = new Map<string, BatchReport>();
  for (const report of latest) {
    const seen = newest.get(report.task);
    if (!seen || seen.startedAt < report.startedAt) newest.set(report.task, report);
  }
  return TASKS.map((task) => {
    const report = newest.get(task);
    return report ? { task, report } : { task };
  });
}

export function isTask(value: string | null | undefined): value is BatchTask {
  return (TASKS as readonly string[]).includes(value ?? '');
}

/** The API path of one task's reports. */
export const reportsPath = (task: BatchTask): string => `/batch/reports/${encodeURIComponent(task)}`;

export interface OutcomeBadge {
  /** `succeeded`, `failed`, `never run`. */
  text: string;
  className: string;
  /** `dry run` when the run changed nothing. */
  marker?: string;
}

/** How a report's outcome reads: a coloured badge, and a `dry run` marker beside it. */
export function outcomeBadge(report: Pick<BatchReport, 'outcome' | 'dryRun'> | undefined): OutcomeBadge {
  if (!report) return { text: 'never run', className: 'batch-badge muted' };
  const badge: OutcomeBadge =
    report.outcome === 'succeeded'
      ? { text: 'succeeded', className: 'batch-badge status-ok' }
      : { text: 'failed', className: 'batch-badge status-bad' };
  return report.dryRun ? { ...badge, marker: 'dry run' } : badge;
}

/** `0.4 s`, `12 s`, `3 min 12 s`, `1 h 5 min`. */
export function durationText(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** `3 warnings`, `1 warning`, `none`. */
export function warningsText(count: number): string {
  if (count === 0) return 'none';
  return `${count} ${count === 1 ? 'warning' : 'warnings'}`;
}

/** Whether an item only says something was left as it was (`keep`): hidden unless asked for. */
export const isKept = (item: Pick<BatchItem, 'action'>): boolean =>
  item.action.trim().toLowerCase() === 'keep';

/** The items shown, and how many kept ones are hidden (none when `showKept`). */
export function visibleItems(
  items: readonly BatchItem[],
  showKept: boolean,
): { shown: BatchItem[]; hiddenKept: number; kept: number } {
  const kept = items.filter(isKept).length;
  if (showKept) return { shown: [...items], hiddenKept: 0, kept };
  return { shown: items.filter((item) => !isKept(item)), hiddenKept: kept, kept };
}

/** The colour of an item's action: bad news, changes, good news, nothing done. */
export function actionClass(action: string): string {
  const verb = action.trim().toLowerCase();
  if (/^(down|not-ready|failed|error|unhealthy)$/.test(verb)) return 'status-bad';
  if (/^(degraded|warn|skip|delete|would delete|restarting|drift)$/.test(verb)) return 'status-warn';
  if (/^(up|ready|ok|healthy|write|restore)$/.test(verb)) return 'status-ok';
  return 'muted';
}

/** A report's counts as name/value pairs in the order the task wrote them. */
export function countEntries(counts: Record<string, number>): [string, number][] {
  return Object.entries(counts).filter(([, value]) => typeof value === 'number' && Number.isFinite(value));
}

/** `notReady` → `not ready`, `ipsUsed` → `ips used`: a count's name for people. */
export function countLabel(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[-_]+/g, ' ')
    .toLowerCase();
}
