/**
 * One batch task's reports (`GET /api/v1/batch/reports/<task>`), newest first, a page at a time ("Load more"
 * follows `nextCursor`), and the report picked from them (the newest until another is picked) in full.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Button } from 'react-aria-components';
import type { BatchReport, BatchTask } from '@cite/model';
import { api } from '../api';
import { TableWrap } from '../components/TableWrap';
import { useNow } from '../services-list/hooks';
import { formatAge } from '../services-list/model';
import { utcTime } from './audit';
import { BATCH_KEY, durationText, reportsPath, TASK_PURPOSE, warningsText } from './batch';
import { BatchReportDetail } from './BatchReportDetail';
import { OutcomeBadge } from './BatchParts';

/** Reports a page. */
export const HISTORY_PAGE_SIZE = 20;

interface ReportPage {
  items: BatchReport[];
  nextCursor?: string;
}

export function BatchHistory({ task, onClose }: { task: BatchTask; onClose: () => void }) {
  const titleId = useId();
  const now = useNow(30_000);
  const [picked, setPicked] = useState<string | undefined>();
  const history = useInfiniteQuery({
    queryKey: [...BATCH_KEY, task],
    queryFn: ({ pageParam, signal }) =>
      api<ReportPage>(reportsPath(task), {
        query: { limit: HISTORY_PAGE_SIZE, cursor: pageParam },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor,
  });
  const reports = history.data?.pages.flatMap((page) => page.items) ?? [];
  const shown = reports.find((report) => report.id === picked) ?? reports[0];

  return (
    <section className="batch-history" aria-labelledby={titleId}>
      <div className="op-head">
        <h3 id={titleId}>
          History of <code>{task}</code>
        </h3>
        <Button className="quiet" aria-label={`Close the history of ${task}`} onPress={onClose}>
          Close
        </Button>
      </div>
      <p className="hint">{`${task} ${TASK_PURPOSE[task]}.`}</p>
      {history.isPending ? (
        <p className="muted" aria-busy="true">
          Loading the reports of {task}…
        </p>
      ) : history.isError && !history.data ? (
        <p className="error" role="alert">
          The reports of {task} could not be loaded: {history.error.message}
        </p>
      ) : reports.length === 0 ? (
        <p className="muted">{task} has no reports: it has not run, or its reports are gone.</p>
      ) : (
        <TableWrap label={`Reports of ${task} table`} className="batch-history-wrap">
          <table className="batch-table" aria-labelledby={titleId}>
            <thead>
              <tr>
                <th scope="col">Started (UTC)</th>
                <th scope="col">Outcome</th>
                <th scope="col">Duration</th>
                <th scope="col">Trigger</th>
                <th scope="col">Summary</th>
                <th scope="col">Warnings</th>
                <th scope="col">
                  <span className="visually-hidden-op">Report</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {reports.map((report) => {
                const isShown = report.id === shown?.id;
                return (
                  <tr key={report.id} className={isShown ? 'batch-selected' : undefined}>
                    <td>
                      <time dateTime={report.startedAt} title={formatAge(report.startedAt, now)}>
                        {utcTime(report.startedAt).replace(' UTC', '')}
                      </time>
                    </td>
                    <td>
                      <OutcomeBadge report={report} />
                    </td>
                    <td>{durationText(report.durationMs)}</td>
                    <td>{report.trigger}</td>
                    <td className="wrap">{report.summary || <span className="muted">—</span>}</td>
                    <td className={report.warnings.length > 0 ? 'status-warn' : 'muted'}>
                      {warningsText(report.warnings.length)}
                    </td>
                    <td>
                      <Button
                        className="quiet"
                        aria-pressed={isShown}
                        aria-label={`Show the report of ${utcTime(report.startedAt)}`}
                        onPress={() => setPicked(report.id)}
                      >
                        Show
                      </Button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
      {history.isError && history.data ? (
        <p className="notice" role="alert">
          {history.isFetchNextPageError ? 'Loading more reports' : 'Refreshing'} failed:{' '}
          {history.error.message}
        </p>
      ) : null}
      {history.data && reports.length > 0 ? (
        <div className="op-more">
          <span className="muted">
            {reports.length} {reports.length === 1 ? 'report' : 'reports'}, newest first
            {history.hasNextPage ? '' : ' — the oldest kept is shown'}
          </span>
          {history.hasNextPage ? (
            <Button
              className="quiet"
              isDisabled={history.isFetchingNextPage}
              onPress={() => void history.fetchNextPage()}
            >
              {history.isFetchingNextPage ? 'Loading more…' : 'Load more'}
            </Button>
          ) : null}
        </div>
      ) : null}
      {shown ? <BatchReportDetail key={shown.id} report={shown} /> : null}
    </section>
  );
}
