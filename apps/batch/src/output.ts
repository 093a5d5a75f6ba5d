/** A report for people: the outcome line, warnings, and what was done item by item. Pure. */
import type { BatchReport } from '@cite/model';

/** Items shown before "… and N more" (the report in etcd and `--json` keep them all). */
const SHOWN_ITEMS = 40;

export function renderReport(report: BatchReport): string {
  const lines: string[] = [];
  const seconds = (report.durationMs / 1000).toFixed(1);
  const mark = report.outcome === 'succeeded' ? 'ok' : 'FAILED';
  lines.push(
    `${report.task}${report.dryRun ? ' (dry run)' : ''}: ${mark} in ${seconds} s — ${report.summary}`,
  );
  for (const warning of report.warnings) lines.push(`  warning: ${warning}`);
  const items = report.items.filter((item) => item.action !== 'keep');
  for (const item of items.slice(0, SHOWN_ITEMS))
    lines.push(`  ${item.action} ${item.target}: ${item.reason}`);
  if (items.length > SHOWN_ITEMS)
    lines.push(`  … and ${items.length - SHOWN_ITEMS} more (--json lists them all)`);
  lines.push(`  report: batch/reports/${report.task}/${report.id}`);
  return `${lines.join('\n')}\n`;
}
