/**
 * One batch report in full: when and how it ran, its counts, its warnings (set apart), what it did item by item
 * (a bounded, scrolling table; `keep` items hidden until asked for) and the task's own figures as JSON.
 */
import { useId, useState } from 'react';
import { Checkbox } from 'react-aria-components';
import type { BatchReport } from '@cite/model';
import { TableWrap } from '../components/TableWrap';
import { utcTime } from './audit';
import { actionClass, countEntries, countLabel, durationText, visibleItems } from './batch';
import { OutcomeBadge } from './BatchParts';

export function BatchReportDetail({ report }: { report: BatchReport }) {
  const ids = {
    title: useId(),
    counts: useId(),
    warnings: useId(),
    items: useId(),
  };
  const [showKept, setShowKept] = useState(false);
  const { shown, hiddenKept, kept } = visibleItems(report.items, showKept);
  const counts = countEntries(report.counts);
  const hasDetails = Object.keys(report.details).length > 0;

  return (
    <section className="batch-detail" aria-labelledby={ids.title} data-testid="batch-report">
      <h3 id={ids.title}>
        Report of <code>{report.task}</code>, {utcTime(report.startedAt)}
      </h3>
      <p className="batch-summary">
        <OutcomeBadge report={report} /> <span>{report.summary || 'No summary.'}</span>
      </p>
      {report.dryRun ? (
        <p className="hint">A dry run: the items say what would be done; nothing was changed.</p>
      ) : null}
      <dl className="batch-facts">
        <div>
          <dt>Started</dt>
          <dd>
            <time dateTime={report.startedAt}>{utcTime(report.startedAt)}</time>
          </dd>
        </div>
        <div>
          <dt>Finished</dt>
          <dd>
            <time dateTime={report.finishedAt}>{utcTime(report.finishedAt)}</time>
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{durationText(report.durationMs)}</dd>
        </div>
        <div>
          <dt>Trigger</dt>
          <dd>{report.trigger}</dd>
        </div>
        <div>
          <dt>Runner</dt>
          <dd>
            <code>{report.runner || '—'}</code>
          </dd>
        </div>
      </dl>

      <h4 id={ids.counts}>Counts</h4>
      {counts.length === 0 ? (
        <p className="muted">No counts.</p>
      ) : (
        <dl className="batch-counts">
          {counts.map(([name, value]) => (
            <div key={name}>
              <dt>{countLabel(name)}</dt>
              <dd>{value.toLocaleString('en')}</dd>
            </div>
          ))}
        </dl>
      )}

      {report.warnings.length > 0 ? (
        <div className="batch-warnings" role="group" aria-labelledby={ids.warnings}>
          <h4 id={ids.warnings}>
            <span aria-hidden="true">⚠ </span>
            Warnings ({report.warnings.length})
          </h4>
          <ul>
            {report.warnings.map((warning, index) => (
              <li key={index}>{warning}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="muted">No warnings.</p>
      )}

      <div className="op-head batch-items-head">
        <h4 id={ids.items}>
          Items ({shown.length}
          {shown.length === report.items.length ? '' : ` of ${report.items.length}`})
        </h4>
        {kept > 0 ? (
          <Checkbox className="react-aria-Checkbox op-check" isSelected={showKept} onChange={setShowKept}>
            <span className="op-check-box" aria-hidden="true">
              {showKept ? '✓' : ''}
            </span>
            Show kept items ({kept})
          </Checkbox>
        ) : null}
      </div>
      {report.items.length === 0 ? (
        <p className="muted">The report lists no items.</p>
      ) : shown.length === 0 ? (
        <p className="muted">
          Every item was kept ({hiddenKept}); tick &ldquo;Show kept items&rdquo; to list them.
        </p>
      ) : (
        <TableWrap label={`Items of the ${report.task} report`} className="batch-items">
          <table aria-labelledby={ids.items}>
            <thead>
              <tr>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((item, index) => (
                <tr key={index}>
                  <td className={actionClass(item.action)}>{item.action}</td>
                  <td className="wrap">
                    <code>{item.target}</code>
                  </td>
                  <td className="wrap">{item.reason || <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {hiddenKept > 0 && shown.length > 0 ? (
        <p className="hint">
          {hiddenKept} kept {hiddenKept === 1 ? 'item is' : 'items are'} hidden.
        </p>
      ) : null}

      {hasDetails ? (
        <details className="audit-details batch-json">
          <summary>
            Task details (JSON)
            <span className="visually-hidden-op"> of the {report.task} report</span>
          </summary>
          {/* A bounded box that scrolls: it takes focus, like a table's (axe's scrollable-region-focusable). */}
          {/* eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex */}
          <pre tabIndex={0} role="region" aria-label={`Task details of the ${report.task} report`}>
            {JSON.stringify(report.details, null, 2)}
          </pre>
        </details>
      ) : null}
      <p className="hint">
        Report id <code>{report.id}</code>
      </p>
    </section>
  );
}
