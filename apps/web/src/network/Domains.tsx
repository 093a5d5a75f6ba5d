/**
 * The domains the caller may see (`GET /api/v1/domains`, by host, in pages): owner, namespace, paths, TLS,
 * targets and any conflicting claim. One service's domains with `?service=` (the API's filter; kept in the page
 * address); the team picked in the header narrows what is shown.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, Checkbox, Form, Input, Label, SearchField } from 'react-aria-components';
import { Link, useSearchParams } from 'react-router';
import type { Domain } from '@cite/model';
import { api, ApiError } from '../api';
import { utcTime } from '../operations/audit';
import { conflictCount, domainsOfTeam, ownerOf } from './domains';
import './network.css';
import { TableWrap } from '../components/TableWrap';

const PAGE = 100;

interface DomainPage {
  items: Domain[];
  nextCursor?: string;
}

export function Domains({ team }: { team: string | undefined }) {
  const [search, setSearch] = useSearchParams();
  const service = search.get('service') ?? '';
  const [text, setText] = useState(service);
  const [shown, setShown] = useState(service);
  if (shown !== service) {
    setShown(service);
    setText(service);
  }
  const [conflictsOnly, setConflictsOnly] = useState(false);

  const domains = useInfiniteQuery({
    queryKey: ['domains', service],
    queryFn: ({ pageParam, signal }) =>
      api<DomainPage>('/domains', {
        query: { limit: PAGE, cursor: pageParam, ...(service ? { service } : {}) },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor,
  });

  function applyService(value: string) {
    const name = value.trim();
    setSearch(
      (previous) => {
        const next = new URLSearchParams(previous);
        if (name) next.set('service', name);
        else next.delete('service');
        return next;
      },
      { preventScrollReset: true },
    );
  }

  const loaded = domains.data?.pages.flatMap((page) => page.items) ?? [];
  const ofTeam = domainsOfTeam(loaded, team);
  const rows = conflictsOnly ? ofTeam.filter((domain) => domain.conflict !== undefined) : ofTeam;
  const conflicts = conflictCount(ofTeam);

  return (
    <section className="panel" aria-labelledby="domains-title">
      <div className="section-head">
        <h2 id="domains-title">Domains</h2>
        {domains.data ? (
          <span className={conflicts > 0 ? 'status-bad' : 'muted'}>
            {conflicts === 1 ? '1 conflict' : `${conflicts} conflicts`} among {ofTeam.length} shown
          </span>
        ) : null}
      </div>
      <div className="domains-filter">
        <Form
          className="domains-service"
          onSubmit={(event: FormEvent<HTMLFormElement>) => {
            event.preventDefault();
            applyService(text);
          }}
        >
          <SearchField value={text} onChange={setText} onClear={() => applyService('')}>
            <Label>Service</Label>
            <Input placeholder="all services" autoComplete="off" spellCheck={false} />
          </SearchField>
          <Button type="submit" className="quiet">
            Show
          </Button>
        </Form>
        <Checkbox isSelected={conflictsOnly} onChange={setConflictsOnly}>
          <span className="check-box" aria-hidden="true">
            {conflictsOnly ? '✓' : ''}
          </span>
          Conflicts only
        </Checkbox>
      </div>
      {team !== undefined ? (
        <p className="hint">
          Domains of team {team} (namespace <code>cite-{team}</code>); pick all teams in the header to see
          every domain you may read.
        </p>
      ) : null}
      {domains.isPending ? (
        <p aria-busy="true" className="muted">
          Loading domains…
        </p>
      ) : domains.isError ? (
        <p role="alert" className="error">
          {service &&
          domains.error instanceof ApiError &&
          (domains.error.status === 404 || domains.error.status === 403)
            ? `No domains for service ${service}: ${domains.error.message}`
            : `The domains could not be loaded: ${domains.error.message}`}
        </p>
      ) : rows.length === 0 ? (
        <p className="muted">
          {conflictsOnly && ofTeam.length > 0
            ? 'No conflicting claims among these domains.'
            : service
              ? `Service ${service} has no domains${team !== undefined && loaded.length > 0 ? ` in team ${team}` : ''}.`
              : team !== undefined && loaded.length > 0
                ? `None of the ${loaded.length} domains loaded belongs to team ${team}.`
                : 'No domains yet: a service claims hosts with its domains.'}
        </p>
      ) : (
        <TableWrap label="Domains table">
          <table aria-labelledby="domains-title">
            <thead>
              <tr>
                <th scope="col">Host</th>
                <th scope="col">Owner</th>
                <th scope="col">Namespace</th>
                <th scope="col">Paths</th>
                <th scope="col">TLS</th>
                <th scope="col">Targets</th>
                <th scope="col">Conflict</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((domain) => (
                <DomainRow key={domain.host} domain={domain} />
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {domains.hasNextPage ? (
        <div className="more">
          <Button
            className="quiet"
            isDisabled={domains.isFetchingNextPage}
            onPress={() => void domains.fetchNextPage()}
          >
            {domains.isFetchingNextPage ? 'Loading more…' : 'Load more domains'}
          </Button>
          <span className="muted">{loaded.length} loaded</span>
        </div>
      ) : null}
    </section>
  );
}

function DomainRow({ domain }: { domain: Domain }) {
  const owner = ownerOf(domain);
  return (
    <tr className={domain.conflict ? 'conflict' : undefined}>
      <th scope="row">
        <code>{domain.host}</code>
      </th>
      <td>
        {'service' in owner ? (
          <Link to={`/services/${encodeURIComponent(owner.service)}`}>{owner.service}</Link>
        ) : (
          <>
            Ingress <code>{owner.ingress}</code> <span className="muted">(outside cite)</span>
          </>
        )}
      </td>
      <td>
        <code>{domain.namespace}</code>
      </td>
      <td>
        {domain.paths.length === 0 ? (
          <span className="muted">not seen yet</span>
        ) : (
          <ul className="cell-list">
            {domain.paths.map((path) => (
              <li key={path}>
                <code>{path}</code>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td>
        {domain.tls ? (
          <span className="status-ok">
            yes
            {domain.tls.secretName ? (
              <>
                {' '}
                (secret <code>{domain.tls.secretName}</code>)
              </>
            ) : null}
          </span>
        ) : (
          <span className="muted">no</span>
        )}
      </td>
      <td>
        {domain.targets.length === 0 ? (
          <span className="muted">none yet</span>
        ) : (
          <ul className="cell-list">
            {domain.targets.map((target) => (
              <li key={target}>
                <code>{target}</code>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td>
        {domain.conflict ? (
          <span className="status-bad">
            also claimed by <code>{domain.conflict.with}</code> since{' '}
            <time dateTime={domain.conflict.since}>{utcTime(domain.conflict.since)}</time>
          </span>
        ) : (
          <span className="muted">none</span>
        )}
      </td>
    </tr>
  );
}
