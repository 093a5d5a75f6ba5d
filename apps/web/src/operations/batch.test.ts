import type { BatchReport } from '@cite/model';
import { describe, expect, it } from 'vitest';
import {
  actionClass,
  countEntries,
  countLabel,
  durationText,
  isTask,
  outcomeBadge,
  reportsPath,
  taskRows,
  TASKS,
  visibleItems,
  warningsText,
} from './batch';
import { batchReport } from './batch-fixtures';

describe('taskRows', () => {
  it('lists every task in the fixed order, a task the API did not list as never run', () => {
    const gc = batchReport({ task: 'gc' });
    const nodes = batchReport({ task: 'node-report', summary: '3 of 3 nodes Ready, 9 pods' });
    // The API's order does not matter.
    const rows = taskRows([nodes, gc]);
    expect(rows.map((row) => row.task)).toEqual([
      'gc',
      'etcd-backup',
      'etcd-restore',
      'log-retention',
      'health-check',
      'node-report',
    ]);
    expect(rows.map((row) => row.report?.summary ?? 'never run')).toEqual([
      'deleted 3 of 120 ReplicaSets',
      'never run',
      'never run',
      'never run',
      'never run',
      '3 of 3 nodes Ready, 9 pods',
    ]);
  });

  it('lists all six as never run when nothing ran', () => {
    const rows = taskRows([]);
    expect(rows).toHaveLength(6);
    expect(rows.every((row) => row.report === undefined)).toBe(true);
  });

  it('keeps the newest when a task comes twice, and drops a task it does not know', () => {
    const older = batchReport({ startedAt: '2024-05-01T03:00:00.000Z', summary: 'older' });
    const newer = batchReport({ startedAt: '2024-05-02T03:00:00.000Z', summary: 'newer' });
    const stranger = { ...batchReport(), task: 'mystery' } as unknown as BatchReport;
    const rows = taskRows([newer, older, stranger]);
    expect(rows[0]?.report?.summary).toBe('newer');
    expect(rows.map((row) => row.task)).toEqual([...TASKS]);
  });
});

describe('outcomeBadge', () => {
  it('reads succeeded, failed, never run, with the dry-run marker beside', () => {
    expect(outcomeBadge({ outcome: 'succeeded', dryRun: false })).toEqual({
      text: 'succeeded',
      className: 'batch-badge status-ok',
    });
    expect(outcomeBadge({ outcome: 'failed', dryRun: false })).toEqual({
      text: 'failed',
      className: 'batch-badge status-bad',
    });
    expect(outcomeBadge({ outcome: 'failed', dryRun: true })).toEqual({
      text: 'failed',
      className: 'batch-badge status-bad',
      marker: 'dry run',
    });
    expect(outcomeBadge(undefined)).toEqual({ text: 'never run', className: 'batch-badge muted' });
  });
});

describe('visibleItems', () => {
  const items = [
    { action: 'delete', target: 'ReplicaSet cite-web/web-1', reason: 'older than the 10 kept' },
    { action: 'keep', target: 'ReplicaSet cite-web/web-2', reason: 'running' },
    { action: 'Keep ', target: 'ReplicaSet cite-web/web-3', reason: 'rollback target' },
    { action: 'skip', target: 'ReplicaSet cite-web/web-4', reason: 'service locked' },
  ];

  it('hides kept items unless asked, and says how many are hidden', () => {
    const hidden = visibleItems(items, false);
    expect(hidden.shown.map((item) => item.action)).toEqual(['delete', 'skip']);
    expect(hidden.hiddenKept).toBe(2);
    expect(hidden.kept).toBe(2);
    const all = visibleItems(items, true);
    expect(all.shown).toEqual(items);
    expect(all.hiddenKept).toBe(0);
    expect(all.kept).toBe(2);
  });

  it('hides nothing when nothing was kept', () => {
    expect(visibleItems([items[0]!], false)).toEqual({ shown: [items[0]], hiddenKept: 0, kept: 0 });
  });
});

describe('wording', () => {
  it('writes durations', () => {
    expect(durationText(0)).toBe('0.0 s');
    expect(durationText(420)).toBe('0.4 s');
    expect(durationText(12_300)).toBe('12 s');
    expect(durationText(192_000)).toBe('3 min 12 s');
    expect(durationText(3_900_000)).toBe('1 h 5 min');
    expect(durationText(-1)).toBe('—');
  });

  it('counts warnings', () => {
    expect(warningsText(0)).toBe('none');
    expect(warningsText(1)).toBe('1 warning');
    expect(warningsText(4)).toBe('4 warnings');
  });

  it('colours actions: bad news, changes, good news, nothing done', () => {
    expect(actionClass('not-ready')).toBe('status-bad');
    expect(actionClass('down')).toBe('status-bad');
    expect(actionClass('would delete')).toBe('status-warn');
    expect(actionClass('degraded')).toBe('status-warn');
    expect(actionClass('ready')).toBe('status-ok');
    expect(actionClass('keep')).toBe('muted');
  });

  it("names counts for people, in the task's order", () => {
    expect(countEntries({ nodes: 3, ready: 2, notReady: 1 })).toEqual([
      ['nodes', 3],
      ['ready', 2],
      ['notReady', 1],
    ]);
    expect(countLabel('notReady')).toBe('not ready');
    expect(countLabel('ips_used')).toBe('ips used');
  });

  it('knows the tasks, and the path of one task’s reports', () => {
    expect(isTask('node-report')).toBe(true);
    expect(isTask('../locks')).toBe(false);
    expect(isTask(null)).toBe(false);
    expect(reportsPath('etcd-backup')).toBe('/batch/reports/etcd-backup');
  });
});
