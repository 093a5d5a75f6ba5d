/**
 * Runs one batch task under its lock (`locks/batch/<task>`: two runs never overlap, wherever they start) and
 * saves its report, failures included. The outcome's `exitCode` is what `cite-batch` exits with.
 */
import { randomBytes } from 'node:crypto';
import { ConflictError, TimeoutError } from '@cite/errors';
import type { BatchReport, BatchTask } from '@cite/model';
import { lockNames, type MetadataStore } from '@cite/store';
import {
  MAX_REPORT_ITEMS,
  MAX_REPORT_WARNINGS,
  SILENT_PROGRESS,
  type BatchTaskRun,
  type Progress,
  type TaskResult,
} from './task';

export interface RunTaskOptions {
  /** Where the report is saved, and the lock taken unless `lockStore` is given. */
  store: MetadataStore;
  /** Where the task's lock is taken instead (a restore: outside the prefix it fills, which must be empty). */
  lockStore?: MetadataStore;
  dryRun?: boolean;
  trigger?: BatchReport['trigger'];
  /** `<host>/<pid>`. */
  runner: string;
  /** Reports kept per task. */
  keep?: number;
  progress?: Progress;
  signal?: AbortSignal;
  now?: () => Date;
  /** Lease of the task's lock: a runner that dies frees it after this long. @defaultValue 30 */
  lockTtlSeconds?: number;
}

export interface TaskOutcome {
  report: BatchReport;
  /** 0 succeeded; 1 failed. */
  exitCode: 0 | 1;
  /** Whether the report reached etcd (a task that lost etcd still answers its outcome). */
  saved: boolean;
}

/** A report id: the start time (so ids sort by time) and a random suffix. */
export function reportId(startedAt: Date): string {
  return `${startedAt.toISOString()}-${randomBytes(3).toString('hex')}`;
}

/** The report of a run, its lists capped to what a report keeps. Pure. */
export function buildReport(
  task: BatchTask,
  result: TaskResult,
  run: {
    startedAt: Date;
    finishedAt: Date;
    dryRun: boolean;
    trigger: BatchReport['trigger'];
    runner: string;
    id: string;
  },
): BatchReport {
  const failed = result.failure !== undefined;
  return {
    task,
    id: run.id,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    durationMs: Math.max(0, run.finishedAt.getTime() - run.startedAt.getTime()),
    outcome: failed ? 'failed' : 'succeeded',
    dryRun: run.dryRun,
    trigger: run.trigger,
    runner: run.runner.slice(0, 256),
    summary: (failed ? result.failure! : result.summary).slice(0, 2048),
    counts: result.counts,
    warnings: result.warnings.slice(0, MAX_REPORT_WARNINGS).map((w) => w.slice(0, 1024)),
    items: result.items.slice(0, MAX_REPORT_ITEMS).map((item) => ({
      action: item.action.slice(0, 64),
      target: item.target.slice(0, 512),
      reason: item.reason.slice(0, 1024),
    })),
    details: result.details,
  };
}

export async function runTask(definition: BatchTaskRun, options: RunTaskOptions): Promise<TaskOutcome> {
  const now = options.now ?? (() => new Date());
  const dryRun = options.dryRun ?? false;
  const signal = options.signal ?? new AbortController().signal;
  const startedAt = now();
  const lockName = lockNames.batch(definition.task);
  const attempt = await (options.lockStore ?? options.store).etcd
    .acquireLock(lockName, {
      ttlSeconds: options.lockTtlSeconds ?? 30,
      owner: options.runner,
    })
    .catch((error: unknown) => {
      if (error instanceof TimeoutError) {
        throw new ConflictError(`${definition.task} is already running: ${error.message}`, { cause: error });
      }
      throw error;
    });
  let result: TaskResult;
  try {
    result = await definition.run({
      dryRun,
      signal,
      progress: options.progress ?? SILENT_PROGRESS,
      now,
    });
  } catch (error) {
    result = { summary: '', counts: {}, warnings: [], items: [], details: {}, failure: oneLine(error) };
  } finally {
    await attempt.release().catch(() => undefined);
  }
  const report = buildReport(definition.task, result, {
    startedAt,
    finishedAt: now(),
    dryRun,
    trigger: options.trigger ?? 'manual',
    runner: options.runner,
    id: reportId(startedAt),
  });
  let saved = true;
  await options.store.batchReports.save(report, options.keep).catch(() => {
    saved = false;
  });
  return { report, exitCode: report.outcome === 'succeeded' ? 0 : 1, saved };
}

/** An error as one line: its message, first line only. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim() || (error instanceof Error ? error.name : 'failed');
}
