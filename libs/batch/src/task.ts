/** What every batch task is: a name, a lock, and a run that answers a result the runner turns into a report. */
import type { BatchItem, BatchTask } from '@cite/model';

/** Where a task tells how far it got; the app draws it as a bar on a terminal and as lines elsewhere. */
export interface Progress {
  /** A new step, with the number of units it has when known. */
  phase(label: string, total?: number): void;
  /** `n` more units of the current step done. */
  advance(n?: number): void;
}

export const SILENT_PROGRESS: Progress = { phase: () => undefined, advance: () => undefined };

export interface TaskContext {
  /** Find and report only; change nothing. */
  dryRun: boolean;
  signal: AbortSignal;
  progress: Progress;
  now: () => Date;
}

/** What a run found and did; the runner adds times, outcome and who ran it. */
export interface TaskResult {
  summary: string;
  counts: Record<string, number>;
  warnings: string[];
  items: BatchItem[];
  details: Record<string, unknown>;
  /** Set when the task ran to its end but what it found is a failure (a service down, a node NotReady). */
  failure?: string;
}

export interface BatchTaskRun {
  task: BatchTask;
  run(context: TaskContext): Promise<TaskResult>;
}

/** Items kept in a report; counts keep the totals. */
export const MAX_REPORT_ITEMS = 2000;
export const MAX_REPORT_WARNINGS = 1000;

/** An empty result to fill in. */
export function emptyResult(summary = ''): TaskResult {
  return { summary, counts: {}, warnings: [], items: [], details: {} };
}
