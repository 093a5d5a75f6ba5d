/**
 * Scale a service: replicas, and cpu / memory requests and limits → `POST /services/:name/scale` with what
 * changed. The API's messages show next to their fields; an accepted change shows the release it made.
 */
import type { Release } from '@cite/model';
import { useMutation } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import {
  Button,
  FieldError,
  Form,
  Group,
  Input,
  Label,
  NumberField,
  Text,
  TextField,
} from 'react-aria-components';
import { api, ApiError, type FieldIssue } from '../api';
import { useDraft } from './drafts';
import { errorText } from './field-errors';
import { Outcome, Problem } from './parts';
import {
  describeScale,
  SCALE_FIELDS,
  scaleBody,
  scaleFormOf,
  scaleMessages,
  type ScaleBody,
  type ScaleField,
  type ScaleForm,
  type ScalePath,
} from './scale-model';
import { servicePath, useServiceRead, type ChangeAnswer } from './service-read';
import { lockedReason, type PanelProps } from './types';
import './service-panels.css';

const formKey = (form: ScaleForm) => JSON.stringify(form);

function newKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `scale-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

interface AmountProps {
  field: Exclude<ScaleField, 'replicas'>;
  label: string;
  now: string;
  form: ScaleForm;
  error: string | undefined;
  disabled: boolean;
  onChange: (field: ScaleField, value: string) => void;
}

function Amount({ field, label, now, form, error, disabled, onChange }: AmountProps) {
  return (
    <TextField
      name={SCALE_FIELDS[field]}
      value={form[field]}
      onChange={(value) => onChange(field, value)}
      isInvalid={error !== undefined}
      isDisabled={disabled}
    >
      <Label>{label}</Label>
      <Input spellCheck={false} autoComplete="off" className="react-aria-Input mono" />
      <Text slot="description">now {now}</Text>
      <FieldError>{error}</FieldError>
    </TextField>
  );
}

/** Keyed by the service: another service is another form. */
export function ScalePanel(props: PanelProps) {
  return <ScaleEditor key={props.service.name} {...props} />;
}

function ScaleEditor({ service: pageService, onChanged }: PanelProps) {
  const { service, accept } = useServiceRead(pageService);
  const titleId = useId();
  const current = scaleFormOf(service);
  const [form, setForm] = useDraft<ScaleForm>(`scale-form:${service.name}`, () => current);
  const [seen, setSeen] = useDraft(`scale-seen:${service.name}`, () => formKey(current));
  const [errors, setErrors] = useState<Partial<Record<ScalePath, string>>>({});
  const [problem, setProblem] = useState<{ message: string; issues: FieldIssue[] } | null>(null);
  const [outcome, setOutcome] = useState<{ release: Release | null | undefined } | null>(null);
  // One key per body: a retry of the same request after a lost answer is not a second release.
  const idempotency = useRef<{ body: string; key: string } | null>(null);

  // The service changed underneath (a save elsewhere): an untouched form follows it.
  if (seen !== formKey(current)) {
    setSeen(formKey(current));
    if (formKey(form) === seen) setForm(current);
  }

  const mutation = useMutation({
    mutationFn: (body: ScaleBody) => {
      const text = JSON.stringify(body);
      if (idempotency.current?.body !== text) idempotency.current = { body: text, key: newKey() };
      return api<ChangeAnswer>(`${servicePath(service.name)}/scale`, {
        method: 'POST',
        body,
        headers: { 'idempotency-key': idempotency.current.key },
      });
    },
    onSuccess: (answer) => {
      idempotency.current = null;
      const next = scaleFormOf(answer.service);
      setForm(next);
      setSeen(formKey(next));
      setOutcome({ release: answer.release });
      accept(answer.service);
      onChanged?.();
    },
    onError: (error) => {
      // A refusal frees its key; a lost answer keeps it for the retry.
      if (error instanceof ApiError) idempotency.current = null;
      const { fields, other } = scaleMessages(error instanceof ApiError ? error.details : []);
      setErrors(fields as Partial<Record<ScalePath, string>>);
      setProblem({ message: errorText(error), issues: other });
    },
  });

  const locked = lockedReason(service.state);
  const busy = mutation.isPending;
  const build = scaleBody(form, service);

  function change(field: ScaleField, value: string | number) {
    setForm((before) => ({ ...before, [field]: value }));
    setErrors((before) => {
      const rest = { ...before };
      delete rest[SCALE_FIELDS[field]];
      return rest;
    });
    setOutcome(null);
  }

  function submit() {
    setProblem(null);
    setOutcome(null);
    if (build.kind === 'invalid') {
      setErrors(build.errors);
      return;
    }
    if (build.kind === 'unchanged') return;
    setErrors({});
    mutation.mutate(build.body);
  }

  const { cpu, memory } = service.resources;
  return (
    <section className="panel sp-scale" aria-labelledby={titleId}>
      <h2 id={titleId}>Scale</h2>
      <p className="hint">
        Running {service.replicas} {service.replicas === 1 ? 'replica' : 'replicas'}, each with cpu{' '}
        {cpu.request} requested / {cpu.limit} limit and memory {memory.request} / {memory.limit}.
      </p>
      {locked ? <p className="notice">{locked}</p> : null}
      <Form
        validationBehavior="aria"
        aria-label={`Scale ${service.name}`}
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <div className="sp-scale-grid">
          <NumberField
            className="react-aria-NumberField sp-replicas"
            name="replicas"
            value={form.replicas}
            onChange={(value) => change('replicas', value)}
            minValue={0}
            maxValue={1000}
            step={1}
            formatOptions={{ maximumFractionDigits: 0, useGrouping: false }}
            isInvalid={errors.replicas !== undefined}
            isDisabled={Boolean(locked) || busy}
          >
            <Label>Replicas</Label>
            <Group className="sp-stepper">
              <Button slot="decrement" className="quiet" aria-label="One replica fewer">
                −
              </Button>
              <Input />
              <Button slot="increment" className="quiet" aria-label="One replica more">
                +
              </Button>
            </Group>
            <Text slot="description">now {service.replicas}; 0 parks the service</Text>
            <FieldError>{errors.replicas}</FieldError>
          </NumberField>
          <fieldset className="sp-pair">
            <legend>CPU</legend>
            <Amount
              field="cpuRequest"
              label="Request"
              now={cpu.request}
              form={form}
              error={errors['cpu.request']}
              disabled={Boolean(locked) || busy}
              onChange={change}
            />
            <Amount
              field="cpuLimit"
              label="Limit"
              now={cpu.limit}
              form={form}
              error={errors['cpu.limit']}
              disabled={Boolean(locked) || busy}
              onChange={change}
            />
            <p className="hint">Cores: 250m is a quarter core, 1 a whole one.</p>
          </fieldset>
          <fieldset className="sp-pair">
            <legend>Memory</legend>
            <Amount
              field="memoryRequest"
              label="Request"
              now={memory.request}
              form={form}
              error={errors['memory.request']}
              disabled={Boolean(locked) || busy}
              onChange={change}
            />
            <Amount
              field="memoryLimit"
              label="Limit"
              now={memory.limit}
              form={form}
              error={errors['memory.limit']}
              disabled={Boolean(locked) || busy}
              onChange={change}
            />
            <p className="hint">Bytes: 256Mi, 1Gi, 512M…</p>
          </fieldset>
        </div>
        {problem ? <Problem message={problem.message} issues={problem.issues} /> : null}
        {outcome ? <Outcome release={outcome.release} what="Scale" /> : null}
        <div className="toolbar sp-actions">
          {/* Not disabled while unchanged: the replicas field takes a typed number when it loses focus, which a
              press of this button is what causes. */}
          <Button type="submit" isDisabled={Boolean(locked) || busy}>
            {busy ? 'Scaling…' : 'Scale'}
          </Button>
          <Button
            className="quiet"
            isDisabled={busy || build.kind === 'unchanged'}
            onPress={() => {
              setForm(current);
              setErrors({});
              setProblem(null);
            }}
          >
            Reset
          </Button>
          <span className="muted" aria-live="polite">
            {build.kind === 'ready' ? `Will change ${describeScale(build.body, service)}.` : ''}
            {build.kind === 'unchanged' && !outcome ? 'No changes.' : ''}
          </span>
        </div>
      </Form>
    </section>
  );
}
