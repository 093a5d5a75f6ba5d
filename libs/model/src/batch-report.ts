/**
 * A batch task's report (`batch/reports/<task>/<time>` in etcd): what one run of `cite-batch <task>` found and
 * did. Every task writes one, dry runs and failures included, so the history answers "did last night's backup
 * run, and what did gc delete?".
 */
import { z } from 'zod';
import { TimestampSchema } from './fields';

/** The tasks `cite-batch` runs. */
export const BATCH_TASKS = [
  'gc',
  'etcd-backup',
  'etcd-restore',
  'log-retention',
  'health-check',
  'node-report',
] as const;
export const BatchTaskSchema = z.enum(BATCH_TASKS);
export type BatchTask = z.infer<typeof BatchTaskSchema>;

export const BatchOutcome = z.enum(['succeeded', 'failed']);
export type BatchOutcome = z.infer<typeof BatchOutcome>;

/** One thing a task did or would do: an object deleted, an index kept, a service found down. */
export const BatchItemSchema = z.object({
  /** What was done to it: `delete`, `keep`, `up`, `down`, `warn`, … */
  action: z.string().min(1).max(64),
  /** What it is (`ReplicaSet cite-web/web-5d4f`, `index cite-logs-web-2024.05.01`, `service web`). */
  target: z.string().min(1).max(512),
  /** Why, in words. */
  reason: z.string().max(1024),
});
export type BatchItem = z.infer<typeof BatchItemSchema>;

export const BatchReportSchema = z.object({
  task: BatchTaskSchema,
  /** The report's id within its task: its start time and a random suffix (`2024-05-01T03:00:00.000Z-x1y2`). */
  id: z.string().min(1).max(128),
  startedAt: TimestampSchema,
  finishedAt: TimestampSchema,
  durationMs: z.number().int().min(0),
  outcome: BatchOutcome,
  /** `--dry-run`: `items` say what would be done; nothing was changed. */
  dryRun: z.boolean(),
  /** Who ran it: `schedule` (npm start's scheduler, a CronJob) or `manual`, and the host/pid. */
  trigger: z.enum(['schedule', 'manual']),
  runner: z.string().max(256),
  /** One line for people: `deleted 3 of 120 ReplicaSets`, or the failure's reason. */
  summary: z.string().max(2048),
  /** Counts by name (`deleted`, `kept`, `up`, `down`, `keys`, `bytes`). */
  counts: z.record(z.string(), z.number()),
  /** Things worth a look (a node NotReady, a range above 80 %), at most a few hundred. */
  warnings: z.array(z.string().max(1024)).max(1000),
  /** What was done or would be done, item by item (capped; `counts` hold the totals). */
  items: z.array(BatchItemSchema).max(2000),
  /** Task-specific figures (a node table, a snapshot's file and checksum). */
  details: z.record(z.string(), z.unknown()),
});
export type BatchReport = z.infer<typeof BatchReportSchema>;
