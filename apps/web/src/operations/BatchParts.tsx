/** Small pieces the batch panels share: the outcome badge with its dry-run marker. */
import type { BatchReport } from '@cite/model';
import { outcomeBadge } from './batch';

export function OutcomeBadge({ report }: { report: Pick<BatchReport, 'outcome' | 'dryRun'> | undefined }) {
  const badge = outcomeBadge(report);
  return (
    <span className="batch-outcome">
      <span className={badge.className}>{badge.text}</span>
      {badge.marker ? <span className="batch-dry">{badge.marker}</span> : null}
    </span>
  );
}
