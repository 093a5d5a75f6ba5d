/**
 * The services list: one page of 100 services at a time from `GET /api/v1/services?include=status` (each row's
 * release and pods come with the page, so no row asks for anything), a search box and filters kept in the URL,
 * next / previous through the API's cursors, refreshed every 15 s.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Button, FieldError, Input, Label, SearchField, Text, TextField } from 'react-aria-components';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api';
import { useSession } from '../session';
import { useDraft, useNow } from './hooks';
import {
  buildListQuery,
  effectiveTeam,
  filtersFromParams,
  filtersToParams,
  isFiltered,
  labelText,
  NO_FILTERS,
  PAGE_SIZE,
  parseLabelText,
  searchProblem,
  STATE_CHOICES,
  teamProblem,
  type Filters,
  type ServicePage,
  type StateFilter,
} from './model';
import { ServiceRow } from './ServiceRow';
import './services-list.css';
import { TableWrap } from '../components/TableWrap';

const REFRESH_MS = 15_000;

export function ServicesList() {
  const { me, isAdmin, team: sessionTeam, setTeam } = useSession();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  const team = effectiveTeam(filters.team, sessionTeam, me);
  const now = useNow();

  // One stable way to change the filters, so the memoized rows keep their `onLabel`.
  const setParamsRef = useRef(setParams);
  useLayoutEffect(() => {
    setParamsRef.current = setParams;
  });
  const update = useCallback((change: Partial<Filters>, replace = true) => {
    setParamsRef.current((previous) => filtersToParams({ ...filtersFromParams(previous), ...change }), {
      replace,
    });
  }, []);

  // The page's team and the session's (the header's switcher) stay one: a `?team=` the caller may use (on
  // arrival, or by going back) becomes the session's; switching in the header rewrites the URL.
  const chooseTeam = useCallback(
    (next: string) => {
      setTeam(next || undefined);
      update({ team: next });
    },
    [setTeam, update],
  );
  const seenTeams = useRef<{ url: string; session: string | undefined } | undefined>(undefined);
  useEffect(() => {
    const seen = seenTeams.current;
    seenTeams.current = { url: filters.team, session: sessionTeam };
    if (seen && seen.session !== sessionTeam) {
      if ((sessionTeam ?? '') !== filters.team) update({ team: sessionTeam ?? '' });
      return;
    }
    const urlChanged = !seen || seen.url !== filters.team;
    if (
      urlChanged &&
      filters.team &&
      filters.team !== sessionTeam &&
      (isAdmin || me.teams.includes(filters.team))
    )
      setTeam(filters.team);
  }, [filters.team, sessionTeam, isAdmin, me.teams, setTeam, update]);

  // Paging: the cursors that led to this page, reset whenever the filters change.
  const filterKey = JSON.stringify([filters, team ?? '']);
  const [paging, setPaging] = useState<{ key: string; cursors: string[] }>({ key: filterKey, cursors: [] });
  const cursors = paging.key === filterKey ? paging.cursors : [];
  const cursor = cursors.at(-1);
  const query = useMemo(() => buildListQuery(filters, team, cursor), [filters, team, cursor]);

  const list = useQuery({
    queryKey: ['services', 'list', query],
    queryFn: ({ signal }) => api<ServicePage>('/services', { query, signal }),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });

  const tableRef = useRef<HTMLDivElement>(null);
  const turnPage = (next: string[]) => {
    setPaging({ key: filterKey, cursors: next });
    const top = tableRef.current?.getBoundingClientRect().top;
    if (top !== undefined && top < 0) tableRef.current?.scrollIntoView?.({ block: 'start' });
  };

  const addLabel = useCallback(
    (selector: string) =>
      setParamsRef.current(
        (previous) => {
          const current = filtersFromParams(previous);
          if (current.labels.includes(selector)) return previous;
          return filtersToParams({ ...current, labels: [...current.labels, selector] });
        },
        { replace: false },
      ),
    [],
  );

  const items = list.data?.items ?? [];
  const first = cursors.length * PAGE_SIZE + 1;
  const busy = list.isFetching && list.isPlaceholderData;
  const scoped = Boolean(team);

  return (
    <div className="services-list">
      <div className="svc-head">
        <div>
          <h1>Services</h1>
          <p className="muted svc-scope">
            {team ? (
              <>
                Team <strong>{team}</strong>
              </>
            ) : isAdmin ? (
              'All teams'
            ) : (
              'All your teams'
            )}
          </p>
        </div>
        <Link className="button" to="/services/new">
          Create service
        </Link>
      </div>

      <FilterBar filters={filters} team={team} update={update} chooseTeam={chooseTeam} />

      {list.isError && list.data ? (
        <p className="notice" role="status">
          Could not refresh the list: {list.error.message}. Showing what was loaded last.
        </p>
      ) : null}

      {list.isPending ? (
        <p aria-busy="true" className="muted">
          Loading services…
        </p>
      ) : list.isError && !list.data ? (
        <div role="alert" className="panel error">
          <p>Could not load services: {list.error.message}</p>
          <Button className="quiet" onPress={() => void list.refetch()}>
            Try again
          </Button>
        </div>
      ) : items.length === 0 && cursors.length === 0 ? (
        <EmptyState
          filtered={isFiltered(filters)}
          team={scoped ? team : undefined}
          clear={() => update(NO_FILTERS_BUT_TEAM)}
        />
      ) : (
        <>
          <p className="muted svc-count" role="status">
            {busy
              ? `Loading page ${cursors.length + 1}…`
              : items.length === 0
                ? 'No more services.'
                : `Showing ${first}–${first + items.length - 1}${list.data?.nextCursor ? ', more on the next page' : ''}.`}
          </p>
          <TableWrap label="Services table" ref={tableRef}>
            <table className="svc-table" data-testid="services-table" aria-busy={busy || undefined}>
              <caption className="svc-visually-hidden">Services</caption>
              <thead>
                <tr>
                  <th scope="col">Service</th>
                  <th scope="col">Team</th>
                  <th scope="col">Running</th>
                  <th scope="col">Latest release</th>
                  <th scope="col">Pods</th>
                  <th scope="col">Domains</th>
                  <th scope="col">Labels</th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <ServiceRow key={item.name} item={item} now={now} onLabel={addLabel} />
                ))}
              </tbody>
            </table>
          </TableWrap>
          <nav className="svc-pager" aria-label="Pages of services">
            <Button
              className="quiet"
              isDisabled={cursors.length === 0 || busy}
              onPress={() => turnPage(cursors.slice(0, -1))}
            >
              <span aria-hidden="true">←</span> Previous
            </Button>
            <span className="muted">Page {cursors.length + 1}</span>
            <Button
              className="quiet"
              isDisabled={!list.data?.nextCursor || busy}
              onPress={() => {
                const next = list.data?.nextCursor;
                if (next) turnPage([...cursors, next]);
              }}
            >
              Next <span aria-hidden="true">→</span>
            </Button>
          </nav>
        </>
      )}
    </div>
  );
}

const NO_FILTERS_BUT_TEAM: Partial<Filters> = {
  q: NO_FILTERS.q,
  state: NO_FILTERS.state,
  labels: NO_FILTERS.labels,
};

function EmptyState({
  filtered,
  team,
  clear,
}: {
  filtered: boolean;
  team: string | undefined;
  clear: () => void;
}) {
  if (filtered)
    return (
      <div className="panel svc-empty">
        <p>No services match these filters{team ? ` in team ${team}` : ''}.</p>
        <Button className="quiet" onPress={clear}>
          Clear filters
        </Button>
      </div>
    );
  return (
    <div className="panel svc-empty">
      <p>
        No services yet{team ? ` in team ${team}` : ''} — <Link to="/services/new">Create one</Link>
      </p>
    </div>
  );
}

interface FilterBarProps {
  filters: Filters;
  team: string | undefined;
  update: (change: Partial<Filters>, replace?: boolean) => void;
  chooseTeam: (team: string) => void;
}

function FilterBar({ filters, team, update, chooseTeam }: FilterBarProps) {
  const { me, isAdmin } = useSession();

  const [q, setQ] = useDraft(filters.q, (text) => update({ q: text.trim() }), {
    valid: (text) => searchProblem(text) === undefined,
  });
  const qProblem = searchProblem(q);

  const [labels, setLabels] = useDraft(
    labelText(filters.labels),
    (text) => update({ labels: parseLabelText(text).selectors }),
    {
      normalize: (text) => labelText(parseLabelText(text).selectors),
      valid: (text) => parseLabelText(text).invalid.length === 0,
    },
  );
  const badLabels = parseLabelText(labels).invalid;

  const [teamText, setTeamText] = useDraft(team ?? '', (text) => chooseTeam(text.trim()), {
    valid: (text) => teamProblem(text) === undefined,
  });
  const teamTextProblem = teamProblem(teamText);

  return (
    <div className="toolbar svc-filters" role="search" aria-label="Filter services">
      <SearchField
        className="react-aria-SearchField svc-search"
        value={q}
        onChange={setQ}
        onSubmit={(text) => {
          if (searchProblem(text) === undefined) update({ q: text.trim() });
        }}
        isInvalid={qProblem !== undefined}
      >
        <Label>Search</Label>
        <div className="svc-search-box">
          <Input placeholder="Part of a name" spellCheck={false} autoComplete="off" />
          {q !== '' ? <Button className="quiet svc-clear">✕</Button> : null}
        </div>
        <FieldError>{qProblem}</FieldError>
      </SearchField>

      {isAdmin ? (
        <TextField
          className="react-aria-TextField svc-team"
          value={teamText}
          onChange={setTeamText}
          isInvalid={teamTextProblem !== undefined}
        >
          <Label>Team</Label>
          <Input
            placeholder="All teams"
            list={me.teams.length > 0 ? 'svc-team-choices' : undefined}
            spellCheck={false}
            autoComplete="off"
          />
          {me.teams.length > 0 ? (
            <datalist id="svc-team-choices">
              {me.teams.map((name) => (
                <option key={name} value={name} />
              ))}
            </datalist>
          ) : null}
          <FieldError>{teamTextProblem}</FieldError>
        </TextField>
      ) : me.teams.length > 1 ? (
        <div className="field svc-team">
          <label htmlFor="svc-team-select">Team</label>
          <select
            id="svc-team-select"
            value={team ?? ''}
            onChange={(event) => chooseTeam(event.target.value)}
          >
            <option value="">All my teams</option>
            {me.teams.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
      ) : null}

      <div className="field svc-state">
        <label htmlFor="svc-state-select">State</label>
        <select
          id="svc-state-select"
          value={filters.state}
          onChange={(event) => update({ state: event.target.value as StateFilter }, false)}
        >
          {STATE_CHOICES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      </div>

      <TextField
        className="react-aria-TextField svc-labels-filter"
        value={labels}
        onChange={setLabels}
        isInvalid={badLabels.length > 0}
      >
        <Label>Labels</Label>
        <Input placeholder="app=web, tier" spellCheck={false} autoComplete="off" />
        {badLabels.length > 0 ? (
          <FieldError>
            {`Not a label selector: ${badLabels.join(', ')}. Use key or key=value (letters, digits, '-', '_', '.').`}
          </FieldError>
        ) : (
          <Text slot="description">key or key=value, comma-separated; all must match</Text>
        )}
      </TextField>

      {isFiltered(filters) ? (
        <Button className="quiet svc-clear-filters" onPress={() => update(NO_FILTERS_BUT_TEAM, false)}>
          Clear filters
        </Button>
      ) : null}
    </div>
  );
}
