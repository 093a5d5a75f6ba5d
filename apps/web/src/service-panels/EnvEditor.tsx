/**
 * The service's environment: add, remove, rename and change variables, then `PATCH /services/:name { env }` (the
 * whole list) with `If-Match`, so a change someone else saved in between is not overwritten: the 409 brings their
 * version in under the user's edits (`rebaseEnv`) to review and save again. Secret values are never rendered (see
 * `env-model.ts`): a kept secret goes back with the value read from the API, held in memory only.
 */
import type { EnvVar, Release } from '@cite/model';
import { useMutation } from '@tanstack/react-query';
import { memo, useCallback, useId, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { Button, FieldError, Form, Input, Text, TextArea, TextField } from 'react-aria-components';
import { api, ApiError, type FieldIssue } from '../api';
import {
  blankRow,
  buildEnv,
  describeEnvSummary,
  envChanged,
  envMessages,
  envSummary,
  followEnv,
  isMasked,
  isTouched,
  keepsSecret,
  MASK,
  seedEnv,
  type EnvFieldMessages,
  type EnvRow,
} from './env-model';
import { useDraft } from './drafts';
import { errorText, isStale } from './field-errors';
import { Outcome, Problem } from './parts';
import { servicePath, useServiceRead, type ChangeAnswer } from './service-read';
import { lockedReason, type PanelProps } from './types';
import './service-panels.css';

interface RowProps {
  row: EnvRow;
  index: number;
  base: readonly EnvVar[];
  messages: EnvFieldMessages | undefined;
  problem: string | undefined;
  disabled: boolean;
  onChange: (key: string, patch: Partial<Pick<EnvRow, 'name' | 'value'>>) => void;
  onRemove: (key: string) => void;
}

function rowNote(row: EnvRow, base: readonly EnvVar[]): string | undefined {
  if (row.origin === undefined) return 'new';
  const notes: string[] = [];
  if (row.name.trim() !== row.origin) notes.push(`renamed from ${row.origin}`);
  if (isTouched({ ...row, name: row.origin }, base)) notes.push('changed');
  return notes.length > 0 ? notes.join(', ') : undefined;
}

const EnvRowView = memo(function EnvRowView({
  row,
  index,
  base,
  messages,
  problem,
  disabled,
  onChange,
  onRemove,
}: RowProps) {
  const label = row.name.trim() || `variable ${index + 1}`;
  const masked = isMasked(row);
  const keeps = keepsSecret(row);
  const valueError = [problem, messages?.value].filter(Boolean).join('; ') || undefined;
  const note = rowNote(row, base);
  let description: string | undefined;
  if (row.secretOrigin) {
    description = keeps
      ? 'Secret: the stored value is hidden and kept. Type to replace it.'
      : 'Replaces the stored secret when saved.';
  } else if (masked) description = 'Looks secret: the value is hidden while you type.';
  return (
    <li className="sp-row sp-env-row" aria-label={label} data-row-key={row.key}>
      <TextField
        className="react-aria-TextField sp-name"
        value={row.name}
        onChange={(name) => onChange(row.key, { name })}
        isInvalid={messages?.name !== undefined}
        isDisabled={disabled}
        aria-label={`Name of variable ${index + 1}`}
      >
        <Input className="react-aria-Input mono" spellCheck={false} autoComplete="off" placeholder="NAME" />
        <FieldError>{messages?.name}</FieldError>
      </TextField>
      <TextField
        className="react-aria-TextField sp-value"
        value={row.value}
        onChange={(value) => onChange(row.key, { value })}
        isInvalid={valueError !== undefined}
        isDisabled={disabled}
        type={masked ? 'password' : 'text'}
        aria-label={`Value of ${label}`}
      >
        {masked ? (
          <Input
            className="react-aria-Input mono"
            autoComplete="new-password"
            spellCheck={false}
            placeholder={keeps ? `${MASK} (kept)` : 'value'}
            data-1p-ignore
            data-lpignore="true"
          />
        ) : row.value.includes('\n') ? (
          <TextArea
            className="react-aria-TextArea mono"
            rows={Math.min(6, row.value.split('\n').length)}
            spellCheck={false}
          />
        ) : (
          <Input
            className="react-aria-Input mono"
            spellCheck={false}
            autoComplete="off"
            placeholder="value"
          />
        )}
        {description ? <Text slot="description">{description}</Text> : null}
        <FieldError>{valueError}</FieldError>
      </TextField>
      <div className="sp-row-actions">
        {note ? <span className="sp-note muted">{note}</span> : null}
        {row.secretOrigin && !keeps ? (
          <Button className="quiet" isDisabled={disabled} onPress={() => onChange(row.key, { value: '' })}>
            Keep stored value
          </Button>
        ) : null}
        <Button
          className="quiet"
          isDisabled={disabled}
          aria-label={`Remove ${label}`}
          onPress={() => onRemove(row.key)}
        >
          Remove
        </Button>
      </div>
      {messages?.row ? (
        <p className="field-error sp-row-error" role="alert">
          {messages.row}
        </p>
      ) : null}
    </li>
  );
});

/** Keyed by the service: another service is another draft. */
export function EnvEditor(props: PanelProps) {
  return <EnvEditorPanel key={props.service.name} {...props} />;
}

function EnvEditorPanel({ service: pageService, onChanged }: PanelProps) {
  const read = useServiceRead(pageService);
  const titleId = useId();
  const { service, etag } = read;
  const base = service.env;
  const [rows, setRows] = useDraft<EnvRow[]>(`env-rows:${service.name}`, () => seedEnv(base));
  const [seen, setSeen] = useDraft<readonly EnvVar[]>(`env-seen:${service.name}`, () => base);
  const [messages, setMessages] = useState<Map<string, EnvFieldMessages>>(new Map());
  const [problem, setProblem] = useState<{ message: string; issues: FieldIssue[] } | null>(null);
  const [outcome, setOutcome] = useState<{ release: Release | null | undefined } | null>(null);
  const [rebased, setRebased] = useState(false);
  const section = useRef<HTMLElement>(null);

  // A newer read of the service: an untouched draft shows it; edits stay on top of it.
  if (seen !== base) {
    if (JSON.stringify(seen) !== JSON.stringify(base)) {
      if (envChanged(rows, seen)) setRebased(true);
      setRows(followEnv(rows, seen, base));
    }
    setSeen(base);
  }

  const build = buildEnv(rows, base);
  const changed = envChanged(rows, base);
  const locked = lockedReason(service.state);

  const mutation = useMutation({
    mutationFn: (request: { env: EnvVar[]; rowKeys: string[]; etag: string | undefined }) =>
      api<ChangeAnswer>(servicePath(service.name), {
        method: 'PATCH',
        body: { env: request.env },
        ...(request.etag ? { headers: { 'if-match': request.etag } } : {}),
      }),
    onSuccess: (answer) => {
      const next = answer.service.env;
      setRows(seedEnv(next));
      setSeen(next);
      setMessages(new Map());
      setRebased(false);
      setOutcome({ release: answer.release });
      read.accept(answer.service);
      onChanged?.();
    },
    onError: (error, request) => {
      if (isStale(error)) {
        setProblem({
          message: `${errorText(error)}. The editor now shows the saved environment under your edits: review them and save again.`,
          issues: [],
        });
        void read.reread();
        return;
      }
      const sorted = envMessages(error instanceof ApiError ? error.details : [], request.rowKeys);
      setMessages(sorted.rows);
      setProblem({ message: errorText(error), issues: sorted.other });
    },
  });
  const busy = mutation.isPending;
  const waiting = read.reading && etag === undefined;

  const change = useCallback(
    (key: string, patch: Partial<Pick<EnvRow, 'name' | 'value'>>) => {
      setRows((before) => before.map((row) => (row.key === key ? { ...row, ...patch } : row)));
      setMessages((before) => {
        const current = before.get(key);
        if (!current) return before;
        const next = new Map(before);
        const { name, value, row } = current;
        const left: EnvFieldMessages = {
          ...('name' in patch ? {} : name === undefined ? {} : { name }),
          ...('value' in patch ? {} : value === undefined ? {} : { value }),
          ...(row === undefined ? {} : { row }),
        };
        if (Object.keys(left).length === 0) next.delete(key);
        else next.set(key, left);
        return next;
      });
      setOutcome(null);
    },
    [setRows],
  );
  const remove = useCallback(
    (key: string) => setRows((before) => before.filter((item) => item.key !== key)),
    [setRows],
  );

  function save() {
    setProblem(null);
    setOutcome(null);
    if (build.problems.size > 0 || !changed) return;
    setMessages(new Map());
    mutation.mutate({ env: build.env, rowKeys: build.rowKeys, etag });
  }

  const summary = describeEnvSummary(envSummary(rows, base));
  return (
    <section ref={section} className="panel sp-env" aria-labelledby={titleId}>
      <h2 id={titleId}>Environment</h2>
      <p className="hint">
        Variables the service's containers start with, in this order. Values of variables whose names look
        secret (TOKEN, PASSWORD, SECRET, KEY…) or that hold a URL with a password are never shown: leave one
        empty to keep it, type to replace it. Saving makes a new release.
      </p>
      {locked ? <p className="notice">{locked}</p> : null}
      {rebased ? (
        <p className="notice" role="status">
          Someone saved this service while you were editing: variables you did not touch now show the saved
          values; your edits are kept.
        </p>
      ) : null}
      <Form
        validationBehavior="aria"
        aria-label={`Environment of ${service.name}`}
        onSubmit={(event) => {
          event.preventDefault();
          save();
        }}
      >
        {rows.length === 0 ? (
          <p className="muted sp-empty">No environment variables.</p>
        ) : (
          <ol className="sp-rows" aria-label="Variables">
            {rows.map((row, index) => (
              <EnvRowView
                key={row.key}
                row={row}
                index={index}
                base={base}
                messages={messages.get(row.key)}
                problem={build.problems.get(row.key)}
                disabled={Boolean(locked) || busy}
                onChange={change}
                onRemove={remove}
              />
            ))}
          </ol>
        )}
        <div className="toolbar">
          <Button
            className="quiet"
            isDisabled={Boolean(locked) || busy}
            onPress={() => {
              const row = blankRow();
              // Rendered at once, so that its first field takes the focus.
              flushSync(() => setRows((before) => [...before, row]));
              section.current?.querySelector<HTMLInputElement>(`[data-row-key="${row.key}"] input`)?.focus();
            }}
          >
            Add variable
          </Button>
        </div>
        {problem ? <Problem message={problem.message} issues={problem.issues} /> : null}
        {outcome ? <Outcome release={outcome.release} what="Environment" /> : null}
        <div className="toolbar sp-actions">
          <Button
            type="submit"
            isDisabled={Boolean(locked) || busy || waiting || !changed || build.problems.size > 0}
          >
            {busy ? 'Saving…' : waiting ? 'Reading the service…' : 'Save environment'}
          </Button>
          <Button
            className="quiet"
            isDisabled={busy || !changed}
            onPress={() => {
              setRows(seedEnv(base));
              setMessages(new Map());
              setProblem(null);
              setRebased(false);
            }}
          >
            Discard changes
          </Button>
          <span className="muted" aria-live="polite">
            {changed && summary ? `Will ${summary}.` : ''}
          </span>
        </div>
      </Form>
    </section>
  );
}
