/**
 * "Whose IP is this?": an address (checked here first) → `GET /api/v1/network/ips/:ip` → the pod and its
 * service, a node's own address, a free address of the pool (404), or an address outside the pool (400, the
 * API's message). The address asked about is kept in the page address (`?ip=`), so back and reload keep it.
 */
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, FieldError, Form, Input, Label, Text, TextField } from 'react-aria-components';
import { Link, useSearchParams } from 'react-router';
import type { IpView } from '@cite/catalog';
import { api } from '../api';
import { checkIpv4 } from './ip';
import { lookupOutcome, lookupPath, type LookupOutcome } from './lookup';
import { utcTime } from '../operations/audit';
import './network.css';

export function IpLookup() {
  const [search, setSearch] = useSearchParams();
  const asked = search.get('ip') ?? '';
  const check = asked === '' ? undefined : checkIpv4(asked);
  const ip = check?.ok ? check.ip : undefined;

  // The field follows the page address when it changes (back, forward, a link); typing changes only the field.
  const [text, setText] = useState(asked);
  const [shown, setShown] = useState(asked);
  const [problem, setProblem] = useState<string | undefined>(check && !check.ok ? check.problem : undefined);
  if (shown !== asked) {
    setShown(asked);
    setText(asked);
    setProblem(check && !check.ok ? check.problem : undefined);
  }

  const lookup = useQuery({
    queryKey: ['network', 'ip', ip],
    queryFn: ({ signal }) => api<IpView>(lookupPath(ip ?? ''), { signal }),
    enabled: ip !== undefined,
    retry: false,
    staleTime: 0,
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const checked = checkIpv4(text);
    if (!checked.ok) {
      setProblem(checked.problem);
      return;
    }
    setProblem(undefined);
    setText(checked.ip);
    if (checked.ip === ip) {
      void lookup.refetch(); // The same address again: ask again (its pod may have changed); errors show below.
      return;
    }
    setSearch(
      (previous) => {
        const next = new URLSearchParams(previous);
        next.set('ip', checked.ip);
        return next;
      },
      { preventScrollReset: true },
    );
  }

  let outcome: LookupOutcome | undefined;
  if (ip !== undefined && lookup.data) outcome = lookupOutcome(ip, { view: lookup.data });
  else if (ip !== undefined && lookup.error) outcome = lookupOutcome(ip, { error: lookup.error });

  return (
    <section className="panel ip-lookup" aria-labelledby="ip-lookup-title">
      <h2 id="ip-lookup-title">Whose IP is this?</h2>
      <Form onSubmit={submit} validationErrors={problem ? { ip: problem } : {}} validationBehavior="aria">
        <TextField
          name="ip"
          value={text}
          onChange={(value) => {
            setText(value);
            if (problem) setProblem(undefined);
          }}
          isInvalid={problem !== undefined}
        >
          <Label>IPv4 address</Label>
          <Input placeholder="10.60.1.7" autoComplete="off" spellCheck={false} inputMode="decimal" />
          <Text slot="description">A pod&apos;s or a node&apos;s address in the IP pool.</Text>
          <FieldError>{problem}</FieldError>
        </TextField>
        <Button type="submit" isDisabled={lookup.isFetching}>
          {lookup.isFetching ? 'Looking up…' : 'Look up'}
        </Button>
      </Form>
      <div className="ip-answer" aria-live="polite" aria-busy={lookup.isFetching}>
        {lookup.isFetching && ip !== undefined ? (
          <p className="muted">Looking up {ip}…</p>
        ) : outcome ? (
          <Answer outcome={outcome} />
        ) : null}
      </div>
    </section>
  );
}

function Answer({ outcome }: { outcome: LookupOutcome }) {
  switch (outcome.kind) {
    case 'pod': {
      const { view } = outcome;
      return (
        <div className="notice">
          <p className="verdict">
            <code>{view.ip}</code> is held by pod <code>{view.pod.pod}</code>
          </p>
          <dl>
            <dt>Service</dt>
            <dd>
              {view.pod.service ? (
                <Link to={`/services/${encodeURIComponent(view.pod.service)}`}>{view.pod.service}</Link>
              ) : (
                <span className="muted">none (a pod outside cite)</span>
              )}
            </dd>
            <dt>Namespace</dt>
            <dd>
              <code>{view.pod.namespace}</code>
            </dd>
            <dt>Node</dt>
            <dd>{view.pod.node ?? <span className="muted">not recorded</span>}</dd>
            <dt>Pod range</dt>
            <dd>
              {view.range ? (
                <>
                  <code>{view.range}</code>
                  {view.rangeNode ? ` of node ${view.rangeNode}` : ' (spare, no node owns it)'}
                </>
              ) : (
                <span className="muted">outside the pool</span>
              )}
            </dd>
            <dt>Recorded</dt>
            <dd>
              <time dateTime={view.pod.updatedAt}>{utcTime(view.pod.updatedAt)}</time>
            </dd>
          </dl>
        </div>
      );
    }
    case 'node':
      return (
        <div className="notice">
          <p className="verdict">
            <code>{outcome.view.ip}</code> is the address of node <code>{outcome.view.node}</code>
          </p>
          <dl>
            <dt>Its pod range</dt>
            <dd>
              <code>{outcome.view.podCidr}</code>
            </dd>
          </dl>
        </div>
      );
    case 'free':
      return (
        <div className="notice">
          <p className="verdict status-ok">
            <code>{outcome.ip}</code> is free: no pod has this address
          </p>
          <p className="hint">{outcome.message}</p>
        </div>
      );
    case 'outside':
      return (
        <div className="notice" role="alert">
          <p className="verdict status-warn">
            <code>{outcome.ip}</code> is not in the IP pool
          </p>
          <p className="hint">{outcome.message}</p>
        </div>
      );
    case 'error':
      return (
        <p className="error" role="alert">
          The lookup of <code>{outcome.ip}</code> failed: {outcome.message}
        </p>
      );
  }
}
