/**
 * `cite-batch log-retention`: deletes the search engine's daily log indices past their retention, judged by the
 * date in the index name (`cite-logs-<team>-YYYY.MM.DD` 14 days, `cite-deploys-<team>-…` 90, `cite-system-…` 30 by
 * default). Never today's index (nor a future one), never an index that matches none of cite's names.
 */
import type { LogStore } from '@cite/log-store';
import type { BatchItem } from '@cite/model';
import { emptyResult, type BatchTaskRun } from './task';

export interface RetentionDays {
  logs: number;
  deploys: number;
  system: number;
}

export interface RetentionDecision {
  index: string;
  action: 'delete' | 'keep';
  reason: string;
}

const NAMES: { kind: keyof RetentionDays; pattern: RegExp; what: string }[] = [
  { kind: 'logs', pattern: /^cite-logs-[a-z0-9-]+-(\d{4})\.(\d{2})\.(\d{2})$/, what: 'service logs' },
  { kind: 'deploys', pattern: /^cite-deploys-[a-z0-9-]+-(\d{4})\.(\d{2})\.(\d{2})$/, what: 'deploy logs' },
  { kind: 'system', pattern: /^cite-system-(\d{4})\.(\d{2})\.(\d{2})$/, what: "cite's own logs" },
];

const DAY_MS = 86_400_000;

/** The index's UTC day as a time, or undefined when the name holds no valid date. */
function dayOf(match: RegExpMatchArray): number | undefined {
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  const back = new Date(time);
  return back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day
    ? time
    : undefined;
}

/** One decision per index. An index is deleted once its whole day is older than its retention. Pure. */
export function planRetention(
  indices: readonly string[],
  now: Date,
  days: RetentionDays,
): RetentionDecision[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return [...indices].sort().map((index) => {
    for (const { kind, pattern, what } of NAMES) {
      const match = index.match(pattern);
      if (!match) continue;
      const day = dayOf(match);
      if (day === undefined)
        return { index, action: 'keep', reason: 'the date in its name is not a calendar date' };
      const age = Math.round((today - day) / DAY_MS);
      if (age <= 0)
        return { index, action: 'keep', reason: age === 0 ? "today's index" : 'dated in the future' };
      return age > days[kind]
        ? { index, action: 'delete', reason: `${what}, ${age} days old, past ${days[kind]} days` }
        : { index, action: 'keep', reason: `${what}, ${age} days old, within ${days[kind]} days` };
    }
    return { index, action: 'keep', reason: "matches none of cite's index names" };
  });
}

export function logRetentionTask(options: {
  logs: LogStore;
  days: RetentionDays;
  /** Which indices to look at. @defaultValue `cite-*` */
  pattern?: string;
}): BatchTaskRun {
  return {
    task: 'log-retention',
    async run(context) {
      context.progress.phase('listing indices');
      const indices = await options.logs.indices(options.pattern ?? 'cite-*');
      const decisions = planRetention(indices, context.now(), options.days);
      const doomed = decisions.filter((d) => d.action === 'delete');
      context.progress.phase('deleting indices', doomed.length);
      const items: BatchItem[] = [];
      for (const decision of doomed) {
        if (context.signal.aborted) break;
        if (!context.dryRun) await options.logs.deleteIndex(decision.index);
        items.push({
          action: context.dryRun ? 'would delete' : 'delete',
          target: decision.index,
          reason: decision.reason,
        });
        context.progress.advance();
      }
      const result = emptyResult(
        `${context.dryRun ? 'would delete' : 'deleted'} ${items.length} of ${indices.length} indices`,
      );
      result.items = [
        ...items,
        ...decisions
          .filter((d) => d.action === 'keep')
          .map((d) => ({ action: 'keep', target: d.index, reason: d.reason })),
      ];
      result.counts = {
        indices: indices.length,
        deleted: items.length,
        kept: indices.length - doomed.length,
      };
      result.details = { retentionDays: options.days };
      return result;
    },
  };
}
