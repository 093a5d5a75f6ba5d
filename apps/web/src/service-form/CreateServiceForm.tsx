/**
 * `/services/new`: the form for `POST /api/v1/services`. It sends only what was filled (the API fills its
 * defaults, shown as placeholders), keeps everything typed when the API refuses, and shows the API's messages
 * next to their fields (rows included) and the rest at the top. A 201 opens the new service.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { Button, Checkbox, Form, Input, TextField } from 'react-aria-components';
import { Link, useNavigate } from 'react-router';
import { api, ApiError } from '../api';
import { useSession } from '../session';
import { messageOf, NumberInput, TextInput } from './fields';
import {
  CREATE_DEFAULTS,
  domainKey,
  emptyForm,
  envKey,
  formProblems,
  labelKey,
  mapIssues,
  newDomainRow,
  newEnvRow,
  newLabelRow,
  toCreateRequest,
  without,
  type CreateBody,
  type DomainRow,
  type EnvRow,
  type FieldMessages,
  type LabelRow,
  type ServiceForm,
} from './model';
import './service-form.css';

interface Failure {
  /** The API's own message (or why it could not be asked). */
  message: string;
  /** Issues that match no field. */
  top: string[];
}

/** A fresh idempotency key (also where `crypto.randomUUID` is missing: plain-http origins). */
function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function CreateServiceForm() {
  const { me, isAdmin, team: sessionTeam } = useSession();
  const navigate = useNavigate();
  const client = useQueryClient();
  // The team the page opened with; a later switch in the header does not reset what was typed.
  const [initial] = useState(() => emptyForm(sessionTeam ?? (isAdmin ? '' : (me.teams[0] ?? ''))));
  const [form, setForm] = useState<ServiceForm>(initial);
  const [messages, setMessages] = useState<FieldMessages>({});
  const [failure, setFailure] = useState<Failure | undefined>();
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState(false);
  const [focusTurn, setFocusTurn] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const alertRef = useRef<HTMLDivElement>(null);
  const lastSent = useRef<{ body: string; key: string } | undefined>(undefined);

  const dirty = useMemo(() => JSON.stringify(form) !== JSON.stringify(initial), [form, initial]);
  useEffect(() => {
    if (!dirty || created) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty, created]);

  // After a refusal: focus the first field at fault, or the box at the top when no field is.
  useEffect(() => {
    if (focusTurn === 0) return;
    const invalid = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    (invalid ?? alertRef.current)?.focus();
  }, [focusTurn]);

  /** Changes the form; the messages of `cleared` fields go (the user is answering them). */
  const change = (patch: Partial<ServiceForm>, ...cleared: string[]) => {
    setForm((current) => ({ ...current, ...patch }));
    if (cleared.length > 0) setMessages((current) => without(current, ...cleared));
  };

  function updateRow<K extends 'env' | 'domains' | 'labels'>(
    list: K,
    id: string,
    patch: Partial<ServiceForm[K][number]>,
    ...cleared: string[]
  ) {
    setForm((current) => ({
      ...current,
      [list]: (current[list] as ServiceForm[K][number][]).map((row) =>
        row.id === id ? { ...row, ...patch } : row,
      ),
    }));
    setMessages((current) => without(current, ...cleared, list));
  }

  function removeRow(list: 'env' | 'domains' | 'labels', id: string) {
    setForm((current) => ({
      ...current,
      [list]: (current[list] as { id: string }[]).filter((row) => row.id !== id),
    }));
    setMessages((current) =>
      without(
        current,
        ...Object.keys(current).filter((key) => key === `${list}.${id}` || key.startsWith(`${list}.${id}.`)),
      ),
    );
  }

  async function submit() {
    if (busy) return;
    const problems = formProblems(form);
    if (Object.keys(problems).length > 0) {
      setMessages(problems);
      setFailure({ message: 'Some fields need attention before the service can be created.', top: [] });
      setFocusTurn((turn) => turn + 1);
      return;
    }
    const { body, rows } = toCreateRequest(form);
    const text = JSON.stringify(body);
    const key = lastSent.current?.body === text ? lastSent.current.key : newKey();
    lastSent.current = { body: text, key };
    setBusy(true);
    setFailure(undefined);
    try {
      const service = await api<{ name: string }>('/services', {
        method: 'POST',
        body: body satisfies CreateBody,
        headers: { 'idempotency-key': key },
      });
      setCreated(true);
      void client.invalidateQueries({ queryKey: ['services'] }); // the list refetches when next shown
      navigate(`/services/${encodeURIComponent(service.name)}`);
    } catch (caught) {
      if (caught instanceof ApiError) {
        if (caught.status === 401) return; // the session ends and shows sign-in with the API's message
        const mapped = mapIssues(caught.details, rows);
        setMessages(mapped.fields);
        setFailure({ message: caught.message, top: mapped.top });
      } else {
        setMessages({});
        setFailure({ message: `The API could not be reached: ${(caught as Error).message}`, top: [] });
      }
      setFocusTurn((turn) => turn + 1);
    } finally {
      setBusy(false);
    }
  }

  const fieldCount = Object.keys(messages).length;

  return (
    <div className="service-form">
      <h1>Create service</h1>
      <p className="muted sf-intro">
        Fields left empty take the defaults shown. After creating, deploy a first release from the service's
        page or by pushing to its repository.
      </p>

      {failure ? (
        <div role="alert" className="notice sf-alert" tabIndex={-1} ref={alertRef}>
          <p className="error">
            <strong>The service was not created.</strong> {failure.message}
          </p>
          {failure.top.length > 0 ? (
            <ul className="sf-top-issues">
              {failure.top.map((message, index) => (
                <li key={index} className="mono">
                  {message}
                </li>
              ))}
            </ul>
          ) : null}
          {fieldCount > 0 ? (
            <p className="muted">
              {fieldCount === 1 ? 'One field is' : `${fieldCount} fields are`} marked below.
            </p>
          ) : null}
        </div>
      ) : null}

      <Form
        ref={formRef}
        validationBehavior="aria"
        aria-label="New service"
        onSubmit={(event: FormEvent<HTMLFormElement>) => {
          event.preventDefault();
          void submit();
        }}
      >
        <section className="panel sf-section" aria-labelledby="sf-basics">
          <h2 id="sf-basics">Service</h2>
          <div className="sf-grid">
            <TextInput
              field="name"
              label="Name"
              isRequired
              value={form.name}
              onChange={(name) => change({ name }, 'name')}
              messages={messages}
              placeholder="payments-api"
              description="Lowercase letters, digits and '-', starting with a letter; at most 63."
            />
            <TeamField
              value={form.team}
              onChange={(team) => change({ team }, 'team', 'image')}
              messages={messages}
              isAdmin={isAdmin}
              teams={me.teams}
            />
            <TextInput
              field="image"
              label="Image"
              isRequired
              value={form.image}
              onChange={(image) => change({ image }, 'image')}
              messages={messages}
              placeholder="registry.example.com/team/app"
              description="The repository without a tag; each release adds its tag."
              className="sf-wide"
            />
            <NumberInput
              field="port"
              label="Port"
              isRequired
              value={form.port}
              onChange={(port) => change({ port }, 'port')}
              messages={messages}
              placeholder="8080"
              description="The port the app listens on."
            />
            <TextInput
              field="repo"
              label="GitHub repository (optional)"
              value={form.repo}
              onChange={(repo) => change({ repo }, 'repo')}
              messages={messages}
              placeholder="owner/name"
              description="Its pushes and pull requests drive deploys."
            />
          </div>
        </section>

        <section className="panel sf-section" aria-labelledby="sf-capacity">
          <h2 id="sf-capacity">Replicas and resources</h2>
          <div className="sf-grid sf-grid-4">
            <NumberInput
              field="replicas"
              label="Replicas"
              value={form.replicas}
              onChange={(replicas) => change({ replicas }, 'replicas')}
              messages={messages}
              placeholder={String(CREATE_DEFAULTS.replicas)}
              description={`Default ${CREATE_DEFAULTS.replicas}; 0 parks the service.`}
            />
          </div>
          <div className="sf-grid sf-grid-4">
            <TextInput
              field="resources.cpu.request"
              label="CPU request"
              value={form.cpuRequest}
              onChange={(cpuRequest) =>
                change({ cpuRequest }, 'resources.cpu.request', 'resources.cpu.limit')
              }
              messages={messages}
              placeholder={CREATE_DEFAULTS.resources.cpu.request}
              description={`Default ${CREATE_DEFAULTS.resources.cpu.request}`}
            />
            <TextInput
              field="resources.cpu.limit"
              label="CPU limit"
              value={form.cpuLimit}
              onChange={(cpuLimit) => change({ cpuLimit }, 'resources.cpu.limit', 'resources.cpu.request')}
              messages={messages}
              placeholder={CREATE_DEFAULTS.resources.cpu.limit}
              description={`Default ${CREATE_DEFAULTS.resources.cpu.limit}`}
            />
            <TextInput
              field="resources.memory.request"
              label="Memory request"
              value={form.memoryRequest}
              onChange={(memoryRequest) =>
                change({ memoryRequest }, 'resources.memory.request', 'resources.memory.limit')
              }
              messages={messages}
              placeholder={CREATE_DEFAULTS.resources.memory.request}
              description={`Default ${CREATE_DEFAULTS.resources.memory.request}`}
            />
            <TextInput
              field="resources.memory.limit"
              label="Memory limit"
              value={form.memoryLimit}
              onChange={(memoryLimit) =>
                change({ memoryLimit }, 'resources.memory.limit', 'resources.memory.request')
              }
              messages={messages}
              placeholder={CREATE_DEFAULTS.resources.memory.limit}
              description={`Default ${CREATE_DEFAULTS.resources.memory.limit}`}
            />
          </div>
          <p className="hint">
            CPU in cores or millicores (500m, 1); memory in bytes with a unit (256Mi, 1Gi).
          </p>
        </section>

        <EnvSection
          rows={form.env}
          messages={messages}
          add={() => change({ env: [...form.env, newEnvRow()] })}
          update={(id, patch, part) => updateRow('env', id, patch, envKey(id, part), envKey(id))}
          remove={(id) => removeRow('env', id)}
        />

        <DomainsSection
          rows={form.domains}
          messages={messages}
          add={() => change({ domains: [...form.domains, newDomainRow()] })}
          update={(id, host) => updateRow('domains', id, { host }, domainKey(id))}
          remove={(id) => removeRow('domains', id)}
        />

        <section className="panel sf-section" aria-labelledby="sf-deploy">
          <h2 id="sf-deploy">Deploys</h2>
          <div className="sf-grid">
            <TextInput
              field="deployPolicy.branch"
              label="Branch that deploys"
              value={form.branch}
              onChange={(branch) => change({ branch }, 'deployPolicy.branch')}
              messages={messages}
              placeholder={CREATE_DEFAULTS.branch}
              description={`Pushes to it deploy. Default ${CREATE_DEFAULTS.branch}.`}
            />
          </div>
          <Checkbox
            className="react-aria-Checkbox sf-checkbox"
            name="autoRollback"
            isSelected={form.autoRollback}
            onChange={(autoRollback) => change({ autoRollback }, 'autoRollback')}
            isInvalid={messageOf(messages, 'autoRollback') !== undefined}
          >
            <span className="sf-box" aria-hidden="true" />
            Roll back to the last good release when a rollout fails
          </Checkbox>
          {messageOf(messages, 'autoRollback') ? (
            <p className="field-error">{messageOf(messages, 'autoRollback')}</p>
          ) : null}
        </section>

        <LabelsSection
          rows={form.labels}
          messages={messages}
          add={() => change({ labels: [...form.labels, newLabelRow()] })}
          update={(id, patch) => updateRow('labels', id, patch, labelKey(id))}
          remove={(id) => removeRow('labels', id)}
        />

        <div className="sf-actions">
          <Button type="submit" isDisabled={busy}>
            {busy ? 'Creating…' : 'Create service'}
          </Button>
          <Link to="/services">Cancel</Link>
          {busy ? (
            <span role="status" className="muted">
              Creating the service…
            </span>
          ) : null}
        </div>
      </Form>
    </div>
  );
}

function TeamField(props: {
  value: string;
  onChange: (team: string) => void;
  messages: FieldMessages;
  isAdmin: boolean;
  teams: readonly string[];
}) {
  const id = useId();
  const message = messageOf(props.messages, 'team');
  if (props.isAdmin)
    return (
      <TextInput
        field="team"
        label="Team"
        isRequired
        value={props.value}
        onChange={props.onChange}
        messages={props.messages}
        placeholder="payments"
        description="The team that owns it; it runs in namespace cite-<team>."
      />
    );
  return (
    <div className="field">
      <label htmlFor={`${id}-team`}>Team</label>
      <select
        id={`${id}-team`}
        name="team"
        value={props.value}
        required
        aria-invalid={message !== undefined || undefined}
        aria-describedby={message ? `${id}-team-error` : undefined}
        onChange={(event) => props.onChange(event.target.value)}
      >
        {props.value === '' ? <option value="">Choose a team</option> : null}
        {props.teams.map((team) => (
          <option key={team} value={team}>
            {team}
          </option>
        ))}
      </select>
      {message ? (
        <span className="field-error" id={`${id}-team-error`}>
          {message}
        </span>
      ) : null}
    </div>
  );
}

function SectionMessage({ messages, field }: { messages: FieldMessages; field: string }) {
  const message = messageOf(messages, field);
  return message ? <p className="field-error">{message}</p> : null;
}

function EnvSection(props: {
  rows: EnvRow[];
  messages: FieldMessages;
  add: () => void;
  update: (id: string, patch: Partial<EnvRow>, part: 'name' | 'value') => void;
  remove: (id: string) => void;
}) {
  return (
    <section className="panel sf-section" aria-labelledby="sf-env">
      <h2 id="sf-env">Environment</h2>
      <SectionMessage messages={props.messages} field="env" />
      {props.rows.length === 0 ? <p className="muted">No variables.</p> : null}
      {props.rows.length > 0 ? (
        <div className="sf-row sf-row-head" aria-hidden="true">
          <span>Name</span>
          <span>Value</span>
        </div>
      ) : null}
      {props.rows.map((row, index) => (
        <div key={row.id} className="sf-row-block">
          <div className="sf-row">
            <TextInput
              field={envKey(row.id, 'name')}
              ariaLabel={`Name of variable ${index + 1}`}
              value={row.name}
              onChange={(name) => props.update(row.id, { name }, 'name')}
              messages={props.messages}
              placeholder="NAME"
            />
            <TextInput
              field={envKey(row.id, 'value')}
              ariaLabel={`Value of variable ${index + 1}`}
              value={row.value}
              onChange={(value) => props.update(row.id, { value }, 'value')}
              messages={props.messages}
              placeholder="value"
            />
            <Button
              className="quiet sf-remove"
              aria-label={`Remove variable ${index + 1}${row.name ? ` (${row.name})` : ''}`}
              onPress={() => props.remove(row.id)}
            >
              Remove
            </Button>
          </div>
          <SectionMessage messages={props.messages} field={envKey(row.id)} />
        </div>
      ))}
      <Button className="quiet" onPress={props.add}>
        Add variable
      </Button>
      <p className="hint">
        Values are part of the service's spec: anyone who can read the service can read them.
      </p>
    </section>
  );
}

function DomainsSection(props: {
  rows: DomainRow[];
  messages: FieldMessages;
  add: () => void;
  update: (id: string, host: string) => void;
  remove: (id: string) => void;
}) {
  return (
    <section className="panel sf-section" aria-labelledby="sf-domains">
      <h2 id="sf-domains">Domains</h2>
      <SectionMessage messages={props.messages} field="domains" />
      {props.rows.length === 0 ? <p className="muted">No domains.</p> : null}
      {props.rows.map((row, index) => (
        <div key={row.id} className="sf-row sf-row-1">
          <TextInput
            field={domainKey(row.id)}
            ariaLabel={`Domain ${index + 1}`}
            value={row.host}
            onChange={(host) => props.update(row.id, host)}
            messages={props.messages}
            placeholder="app.example.com"
          />
          <Button
            className="quiet sf-remove"
            aria-label={`Remove domain ${index + 1}${row.host ? ` (${row.host})` : ''}`}
            onPress={() => props.remove(row.id)}
          >
            Remove
          </Button>
        </div>
      ))}
      <Button className="quiet" onPress={props.add}>
        Add domain
      </Button>
      <p className="hint">Hosts the service answers on; a host belongs to one service only.</p>
    </section>
  );
}

function LabelsSection(props: {
  rows: LabelRow[];
  messages: FieldMessages;
  add: () => void;
  update: (id: string, patch: Partial<LabelRow>) => void;
  remove: (id: string) => void;
}) {
  return (
    <section className="panel sf-section" aria-labelledby="sf-labels">
      <h2 id="sf-labels">Labels</h2>
      <SectionMessage messages={props.messages} field="labels" />
      {props.rows.length === 0 ? <p className="muted">No labels.</p> : null}
      {props.rows.length > 0 ? (
        <div className="sf-row sf-row-head" aria-hidden="true">
          <span>Key</span>
          <span>Value</span>
        </div>
      ) : null}
      {props.rows.map((row, index) => {
        const message = messageOf(props.messages, labelKey(row.id));
        return (
          <div key={row.id} className="sf-row-block">
            <div className="sf-row">
              <LabelPart
                label={`Key of label ${index + 1}`}
                value={row.key}
                invalid={message !== undefined}
                onChange={(key) => props.update(row.id, { key })}
                placeholder="app"
                errorId={`${row.id}-error`}
              />
              <LabelPart
                label={`Value of label ${index + 1}`}
                value={row.value}
                invalid={message !== undefined}
                onChange={(value) => props.update(row.id, { value })}
                placeholder="web"
                errorId={`${row.id}-error`}
              />
              <Button
                className="quiet sf-remove"
                aria-label={`Remove label ${index + 1}${row.key ? ` (${row.key})` : ''}`}
                onPress={() => props.remove(row.id)}
              >
                Remove
              </Button>
            </div>
            {message ? (
              <p className="field-error" id={`sf-${row.id}-error`}>
                {message}
              </p>
            ) : null}
          </div>
        );
      })}
      <Button className="quiet" onPress={props.add}>
        Add label
      </Button>
      <p className="hint">Added to the service's Kubernetes objects; the list filters by them.</p>
    </section>
  );
}

/** One half of a label row; the row's message (key or value) describes both halves. */
function LabelPart(props: {
  label: string;
  value: string;
  invalid: boolean;
  onChange: (value: string) => void;
  placeholder: string;
  errorId: string;
}) {
  return (
    <TextField
      className="react-aria-TextField"
      aria-label={props.label}
      value={props.value}
      onChange={props.onChange}
      isInvalid={props.invalid}
    >
      <Input
        placeholder={props.placeholder}
        spellCheck={false}
        autoComplete="off"
        aria-describedby={props.invalid ? `sf-${props.errorId}` : undefined}
      />
    </TextField>
  );
}
