/**
 * The hosts the service answers on, each with the state of its domain record (`GET /domains?service=`): served by
 * which Ingress, or also claimed by someone else. Editing sends the whole list (`PATCH { domains }` with
 * `If-Match`); a host another service owns comes back as a 409 at `domains.<i>`, shown next to that row.
 */
import type { Domain, Release } from '@cite/model';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { Button, FieldError, Form, Input, TextField } from 'react-aria-components';
import { api, ApiError, type FieldIssue } from '../api';
import {
  blankDomain,
  buildDomains,
  domainMessages,
  domainsChanged,
  hostOf,
  hostState,
  rebaseDomains,
  seedDomains,
  type DomainRow,
} from './domains-model';
import { useDraft } from './drafts';
import { errorText, isStale } from './field-errors';
import { Outcome, Problem } from './parts';
import { servicePath, useServiceRead, type ChangeAnswer } from './service-read';
import { lockedReason, type PanelProps } from './types';
import './service-panels.css';

const TONE_CLASS = { ok: 'status-ok', warn: 'status-warn', bad: 'status-bad', muted: 'muted' } as const;

/** Keyed by the service: another service is another draft. */
export function DomainsPanel(props: PanelProps) {
  return <DomainsEditor key={props.service.name} {...props} />;
}

function DomainsEditor({ service: pageService, onChanged }: PanelProps) {
  const read = useServiceRead(pageService);
  const titleId = useId();
  const { service, etag } = read;
  const base = service.domains;
  const [rows, setRows] = useDraft<DomainRow[]>(`domain-rows:${service.name}`, () => seedDomains(base));
  const [seen, setSeen] = useDraft<readonly string[]>(`domain-seen:${service.name}`, () => base);
  const [messages, setMessages] = useState<Map<string, string>>(new Map());
  const [problem, setProblem] = useState<{ message: string; issues: FieldIssue[] } | null>(null);
  const [outcome, setOutcome] = useState<{ release: Release | null | undefined } | null>(null);
  const section = useRef<HTMLElement>(null);

  const records = useQuery({
    queryKey: ['service-panels', 'domains', service.name],
    queryFn: ({ signal }) =>
      api<{ items: Domain[] }>('/domains', { query: { service: service.name, limit: 1000 }, signal }),
    refetchInterval: 30_000,
  });

  // A newer read of the service: untouched rows follow it, edits stay.
  if (seen !== base) {
    if (seen.join('\n') !== base.join('\n')) setRows(rebaseDomains(rows, seen, base));
    setSeen(base);
  }

  const build = buildDomains(rows);
  const changed = domainsChanged(rows, base);
  const locked = lockedReason(service.state);

  const mutation = useMutation({
    mutationFn: (request: { domains: string[]; rowKeys: string[]; etag: string | undefined }) =>
      api<ChangeAnswer>(servicePath(service.name), {
        method: 'PATCH',
        body: { domains: request.domains },
        ...(request.etag ? { headers: { 'if-match': request.etag } } : {}),
      }),
    onSuccess: (answer) => {
      const next = answer.service.domains;
      setRows(seedDomains(next));
      setSeen(next);
      setMessages(new Map());
      setOutcome({ release: answer.release });
      read.accept(answer.service);
      void records.refetch();
      onChanged?.();
    },
    onError: (error, request) => {
      if (isStale(error)) {
        setProblem({
          message: `${errorText(error)}. The list now shows the saved domains under your edits: review them and save again.`,
          issues: [],
        });
        void read.reread();
        return;
      }
      const sorted = domainMessages(error instanceof ApiError ? error.details : [], request.rowKeys);
      setMessages(
        new Map([...sorted.rows].flatMap(([key, value]) => (value.row ? [[key, value.row] as const] : []))),
      );
      setProblem({ message: errorText(error), issues: sorted.other });
    },
  });
  const busy = mutation.isPending;
  const waiting = read.reading && etag === undefined;
  const byHost = new Map((records.data?.items ?? []).map((record) => [record.host, record]));

  function save() {
    setProblem(null);
    setOutcome(null);
    if (!changed) return;
    setMessages(new Map());
    mutation.mutate({ ...build, etag });
  }

  return (
    <section ref={section} className="panel sp-domains" aria-labelledby={titleId}>
      <h2 id={titleId}>Domains</h2>
      <p className="hint">
        Hosts the service answers on. A host belongs to one service: the first to claim it keeps it.
      </p>
      {locked ? <p className="notice">{locked}</p> : null}
      {records.error ? (
        <p className="error" role="alert">
          Could not read the domain records: {errorText(records.error)}
        </p>
      ) : null}
      <Form
        validationBehavior="aria"
        aria-label={`Domains of ${service.name}`}
        onSubmit={(event) => {
          event.preventDefault();
          save();
        }}
      >
        {rows.length === 0 ? (
          <p className="muted sp-empty">This service has no domains.</p>
        ) : (
          <ol className="sp-rows" aria-label="Domains">
            {rows.map((row, index) => {
              const host = hostOf(row.host);
              const saved = row.origin !== undefined && host === row.origin && base.includes(host);
              const state =
                host === '' || (records.error && saved)
                  ? undefined
                  : records.isPending && saved
                    ? { tone: 'muted' as const, label: 'Checking…', detail: 'Reading the domain record…' }
                    : hostState(host, byHost.get(host), service.name, saved);
              const message = messages.get(row.key);
              const label = host || `domain ${index + 1}`;
              return (
                <li key={row.key} className="sp-row sp-domain-row" aria-label={label} data-row-key={row.key}>
                  <TextField
                    className="react-aria-TextField sp-host"
                    value={row.host}
                    onChange={(value) => {
                      setRows((before) =>
                        before.map((item) => (item.key === row.key ? { ...item, host: value } : item)),
                      );
                      setMessages((before) => {
                        if (!before.has(row.key)) return before;
                        const next = new Map(before);
                        next.delete(row.key);
                        return next;
                      });
                      setOutcome(null);
                    }}
                    isInvalid={message !== undefined}
                    isDisabled={Boolean(locked) || busy}
                    aria-label={`Domain ${index + 1}`}
                  >
                    <Input
                      className="react-aria-Input mono"
                      inputMode="url"
                      spellCheck={false}
                      autoComplete="off"
                      placeholder="app.example.com"
                    />
                    <FieldError>{message}</FieldError>
                  </TextField>
                  <div className="sp-domain-state">
                    {state ? (
                      <>
                        <span className={`sp-badge ${TONE_CLASS[state.tone]}`}>{state.label}</span>
                        <span className="hint">{state.detail}</span>
                      </>
                    ) : null}
                  </div>
                  <div className="sp-row-actions">
                    <Button
                      className="quiet"
                      isDisabled={Boolean(locked) || busy}
                      aria-label={`Remove ${label}`}
                      onPress={() => setRows((before) => before.filter((item) => item.key !== row.key))}
                    >
                      Remove
                    </Button>
                  </div>
                </li>
              );
            })}
          </ol>
        )}
        <div className="toolbar">
          <Button
            className="quiet"
            isDisabled={Boolean(locked) || busy}
            onPress={() => {
              const row = blankDomain();
              // Rendered at once, so that its first field takes the focus.
              flushSync(() => setRows((before) => [...before, row]));
              section.current?.querySelector<HTMLInputElement>(`[data-row-key="${row.key}"] input`)?.focus();
            }}
          >
            Add domain
          </Button>
        </div>
        {problem ? <Problem message={problem.message} issues={problem.issues} /> : null}
        {outcome ? <Outcome release={outcome.release} what="Domains" /> : null}
        <div className="toolbar sp-actions">
          <Button type="submit" isDisabled={Boolean(locked) || busy || waiting || !changed}>
            {busy ? 'Saving…' : waiting ? 'Reading the service…' : 'Save domains'}
          </Button>
          <Button
            className="quiet"
            isDisabled={busy || !changed}
            onPress={() => {
              setRows(seedDomains(base));
              setMessages(new Map());
              setProblem(null);
            }}
          >
            Discard changes
          </Button>
        </div>
      </Form>
    </section>
  );
}
