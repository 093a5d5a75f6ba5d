/**
 * The audit trail (`GET /api/v1/audit`), newest first, a page at a time ("Load older entries" follows
 * `nextCursor`). The API filters by a UTC time prefix (`during`); it and the page size live in the page address.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import {
  Button,
  FieldError,
  Form,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Select,
  SelectValue,
  Text,
  TextField,
} from 'react-aria-components';
import { Link, useSearchParams } from 'react-router';
import type { AuditEntry } from '@cite/model';
import { api } from '../api';
import {
  actorLabel,
  auditQuery,
  duringProblem,
  filtersFromSearch,
  filtersToSearch,
  PAGE_SIZES,
  targetHref,
  utcPrefix,
  utcTime,
  type AuditFilters,
} from './audit';
import './operations.css';
import { TableWrap } from '../components/TableWrap';

interface AuditPage {
  items: AuditEntry[];
  nextCursor?: string;
}

const OUTCOME_CLASS: Record<AuditEntry['outcome'], string> = {
  ok: 'status-ok',
  denied: 'status-warn',
  failed: 'status-bad',
};

export function AuditLog() {
  const [search, setSearch] = useSearchParams();
  const filters = filtersFromSearch(search);
  const [during, setDuring] = useState(filters.during);
  const [shown, setShown] = useState(filters.during);
  if (shown !== filters.during) {
    setShown(filters.during);
    setDuring(filters.during);
  }
  const [problem, setProblem] = useState<string | undefined>();

  const audit = useInfiniteQuery({
    queryKey: ['audit', filters.during, filters.limit],
    queryFn: ({ pageParam, signal }) =>
      api<AuditPage>('/audit', { query: auditQuery(filters, pageParam), signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor,
  });

  function apply(next: AuditFilters) {
    setSearch(
      (previous) => {
        const params = new URLSearchParams(previous);
        params.delete('during');
        params.delete('limit');
        for (const [key, value] of Object.entries(filtersToSearch(next))) params.set(key, value);
        return params;
      },
      { preventScrollReset: true },
    );
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = during.trim();
    const wrong = duringProblem(value);
    setProblem(wrong);
    if (wrong === undefined) apply({ ...filters, during: value });
  }

  function preset(value: string) {
    setProblem(undefined);
    setDuring(value);
    apply({ ...filters, during: value });
  }

  const entries = audit.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section className="panel" aria-labelledby="audit-title">
      <div className="op-head">
        <h2 id="audit-title">Audit log</h2>
        <Button className="quiet" isDisabled={audit.isFetching} onPress={() => void audit.refetch()}>
          {audit.isFetching && !audit.isPending && !audit.isFetchingNextPage ? 'Refreshing…' : 'Refresh'}
        </Button>
      </div>
      <Form
        className="audit-filters"
        onSubmit={submit}
        validationErrors={problem ? { during: problem } : {}}
        validationBehavior="aria"
        aria-label="Audit log filters"
      >
        <TextField
          name="during"
          value={during}
          onChange={(value) => {
            setDuring(value);
            if (problem) setProblem(undefined);
          }}
          isInvalid={problem !== undefined}
        >
          <Label>During (UTC)</Label>
          <Input placeholder="2024-05-01T12" autoComplete="off" spellCheck={false} />
          <Text slot="description">A year, month, day, hour or minute: 2024-05, 2024-05-01T12…</Text>
          <FieldError>{problem}</FieldError>
        </TextField>
        <Select
          selectedKey={filters.limit}
          onSelectionChange={(key) => {
            if (key !== null) apply({ ...filters, limit: Number(key) });
          }}
        >
          <Label>Per page</Label>
          <Button>
            <SelectValue />
            <span aria-hidden="true">▾</span>
          </Button>
          <Popover>
            <ListBox>
              {PAGE_SIZES.map((size) => (
                <ListBoxItem key={size} id={size}>
                  {String(size)}
                </ListBoxItem>
              ))}
            </ListBox>
          </Popover>
        </Select>
        <div className="audit-filter-buttons">
          <Button type="submit">Show</Button>
          <Button className="quiet" onPress={() => preset(utcPrefix(new Date(), 'day'))}>
            Today
          </Button>
          <Button className="quiet" onPress={() => preset(utcPrefix(new Date(), 'hour'))}>
            This hour
          </Button>
          <Button
            className="quiet"
            isDisabled={filters.during === '' && during === ''}
            onPress={() => preset('')}
          >
            All time
          </Button>
        </div>
      </Form>
      {audit.isPending ? (
        <p className="muted" aria-busy="true">
          Loading the audit log…
        </p>
      ) : audit.isError && !audit.data ? (
        <p className="error" role="alert">
          The audit log could not be loaded: {audit.error.message}
        </p>
      ) : entries.length === 0 ? (
        <p className="muted">
          {filters.during ? `No entries during ${filters.during} (UTC).` : 'The audit log is empty.'}
        </p>
      ) : (
        <TableWrap label="Audit log table">
          <table className="audit-table" aria-labelledby="audit-title" aria-describedby="audit-order">
            <thead>
              <tr>
                <th scope="col">Time (UTC)</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Outcome</th>
                <th scope="col">Source IP</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <AuditRow key={entry.id} entry={entry} />
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {audit.isError && audit.data ? (
        <p className="notice" role="alert">
          {audit.isFetchNextPageError ? 'Loading older entries' : 'Refreshing'} failed: {audit.error.message}
        </p>
      ) : null}
      {audit.data ? (
        <div className="op-more">
          <span id="audit-order" className="muted">
            {entries.length} {entries.length === 1 ? 'entry' : 'entries'}, newest first
            {filters.during ? `, during ${filters.during} (UTC)` : ''}
            {audit.hasNextPage ? '' : entries.length > 0 ? ' — the oldest is shown' : ''}
          </span>
          {audit.hasNextPage ? (
            <Button
              className="quiet"
              isDisabled={audit.isFetchingNextPage}
              onPress={() => void audit.fetchNextPage()}
            >
              {audit.isFetchingNextPage ? 'Loading older entries…' : 'Load older entries'}
            </Button>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  const href = targetHref(entry.target);
  return (
    <tr>
      <td>
        <time dateTime={entry.time} title={new Date(entry.time).toLocaleString()}>
          {utcTime(entry.time).replace(' UTC', '')}
        </time>
      </td>
      <td className="wrap">{actorLabel(entry)}</td>
      <td>
        <code>{entry.action}</code>
      </td>
      <td className="wrap">
        {href ? <Link to={href}>{entry.target}</Link> : <code>{entry.target || '—'}</code>}
      </td>
      <td className={OUTCOME_CLASS[entry.outcome]}>{entry.outcome}</td>
      <td>
        <code>{entry.sourceIp}</code>
      </td>
      <td>
        {entry.details && Object.keys(entry.details).length > 0 ? (
          <details className="audit-details">
            <summary>
              Show
              <span className="visually-hidden-op">
                {' '}
                details of {entry.action} at {entry.time}
              </span>
            </summary>
            <pre>{JSON.stringify(entry.details, null, 2)}</pre>
          </details>
        ) : (
          <span className="muted">none</span>
        )}
      </td>
    </tr>
  );
}
