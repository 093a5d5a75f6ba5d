/**
 * The batch tasks (`GET /api/v1/batch/reports`, refreshed every minute): one row per task `cite-batch` runs, in a
 * fixed order, with its newest report's outcome, age, duration, trigger, summary and warnings, or "never run".
 * Selecting a task (kept in the page address as `?batch=<task>`) shows its history and a report below.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { Button } from 'react-aria-components';
import { useSearchParams } from 'react-router';
import type { BatchReport, BatchTask } from '@cite/model';
import { api } from '../api';
import { TableWrap } from '../components/TableWrap';
import { useNow } from '../services-list/hooks';
import { formatAge } from '../services-list/model';
import { utcTime } from './audit';
import { BatchHistory } from './BatchHistory';
import { BATCH_KEY, durationText, isTask, taskRows, warningsText, type TaskRow } from './batch';
import { OutcomeBadge } from './BatchParts';
import './operations.css';

const SELECTED = 'batch';

export function BatchReports() {
  const client = useQueryClient();
  const [search, setSearch] = useSearchParams();
  const selectedParam = search.get(SELECTED);
  const selected = isTask(selectedParam) ? selectedParam : undefined;
  const now = useNow(30_000);
  const historyId = useId();

  const latest = useQuery({
    queryKey: BATCH_KEY,
    queryFn: ({ signal }) => api<{ items: BatchReport[] }>('/batch/reports', { signal }),
    refetchInterval: 60_000,
  });

  function select(task: BatchTask | undefined) {
    setSearch(
      (previous) => {
        const params = new URLSearchParams(previous);
        if (task) params.set(SELECTED, task);
        else params.delete(SELECTED);
        return params;
      },
      { preventScrollReset: true },
    );
  }

  const rows = latest.data ? taskRows(latest.data.items) : [];
  const refreshing = latest.isFetching && !latest.isPending;

  return (
    <section className="panel" aria-labelledby="batch-title">
      <div className="op-head">
        <h2 id="batch-title">Batch tasks</h2>
        <Button
          className="quiet"
          isDisabled={latest.isFetching}
          onPress={() => void client.invalidateQueries({ queryKey: BATCH_KEY })}
        >
          {refreshing ? 'Refreshing…' : 'Refresh'}
        </Button>
      </div>
      <p className="hint" id="batch-hint">
        The newest report of each task <code>cite-batch</code> runs (on its schedule, or by hand). Select a
        task that has run to see its history and what it did.
      </p>
      {latest.isPending ? (
        <p className="muted" aria-busy="true">
          Loading the batch reports…
        </p>
      ) : latest.isError && !latest.data ? (
        <p className="error" role="alert">
          The batch reports could not be loaded: {latest.error.message}
        </p>
      ) : (
        <TableWrap label="Batch tasks table">
          <table className="batch-table" aria-labelledby="batch-title" aria-describedby="batch-hint">
            <thead>
              <tr>
                <th scope="col">Task</th>
                <th scope="col">Outcome</th>
                <th scope="col">Ran</th>
                <th scope="col">Duration</th>
                <th scope="col">Trigger</th>
                <th scope="col">Summary</th>
                <th scope="col">Warnings</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <TaskRowView
                  key={row.task}
                  row={row}
                  now={now}
                  selected={row.task === selected}
                  controls={historyId}
                  onSelect={() => select(row.task === selected ? undefined : row.task)}
                />
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {latest.isError && latest.data ? (
        <p className="notice" role="alert">
          Refreshing failed ({latest.error.message}); showing the last answer.
        </p>
      ) : null}
      <div id={historyId}>
        {selected ? <BatchHistory key={selected} task={selected} onClose={() => select(undefined)} /> : null}
      </div>
    </section>
  );
}

function TaskRowView({
  row,
  now,
  selected,
  controls,
  onSelect,
}: {
  row: TaskRow;
  now: number;
  selected: boolean;
  controls: string;
  onSelect: () => void;
}) {
  const { task, report } = row;
  return (
    <tr className={selected ? 'batch-selected' : undefined} data-testid={`batch-task-${task}`}>
      <th scope="row">
        {report ? (
          <Button
            className="batch-task-button"
            aria-pressed={selected}
            aria-controls={controls}
            onPress={onSelect}
          >
            {task}
          </Button>
        ) : (
          <code>{task}</code>
        )}
      </th>
      <td>
        <OutcomeBadge report={report} />
      </td>
      {report ? (
        <>
          <td>
            <time dateTime={report.startedAt} title={utcTime(report.startedAt)}>
              {formatAge(report.startedAt, now) || utcTime(report.startedAt)}
            </time>
          </td>
          <td>{durationText(report.durationMs)}</td>
          <td>{report.trigger}</td>
          <td className="wrap">{report.summary || <span className="muted">—</span>}</td>
          <td className={report.warnings.length > 0 ? 'status-warn' : 'muted'}>
            {warningsText(report.warnings.length)}
          </td>
        </>
      ) : (
        <>
          <td className="muted">—</td>
          <td className="muted">—</td>
          <td className="muted">—</td>
          <td className="muted wrap">No report: the task has not run.</td>
          <td className="muted">—</td>
        </>
      )}
    </tr>
  );
}
