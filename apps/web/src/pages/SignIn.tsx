/** Sign in with an API token: checked with `whoami` before it is kept (session storage only). */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, FieldError, Form, Input, Label, TextField } from 'react-aria-components';
import { useLocation, useNavigate } from 'react-router';
import { ApiError, session } from '../api';
import { checkToken } from '../session';

export function SignIn() {
  const navigate = useNavigate();
  const location = useLocation();
  const client = useQueryClient();
  const state = (location.state ?? {}) as { message?: string; from?: string };
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit() {
    setBusy(true);
    setError(undefined);
    try {
      const me = await checkToken(token.trim());
      session.set(token.trim());
      client.setQueryData(['whoami'], me);
      const from = state.from && state.from !== '/sign-in' ? state.from : '/services';
      navigate(from, { replace: true });
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.status === 401
          ? `That token was not accepted: ${caught.message}`
          : `The API did not answer: ${(caught as Error).message}`,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="centered sign-in">
      <h1>Sign in to cite</h1>
      {state.message ? (
        <p role="alert" className="notice">
          Your session ended: {state.message}
        </p>
      ) : null}
      {/* ARIA validation: a refused token must never block the next try the way native validity would. */}
      <Form
        validationBehavior="aria"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <TextField
          name="token"
          type="password"
          isRequired
          value={token}
          onChange={(value) => {
            setToken(value);
            setError(undefined);
          }}
          isInvalid={Boolean(error)}
        >
          <Label>API token</Label>
          <Input autoComplete="off" spellCheck={false} />
          <FieldError>{error}</FieldError>
        </TextField>
        <p className="hint">
          An admin creates tokens (<code>POST /api/v1/tokens</code>); <code>npm start</code> writes the local
          admin token to <code>.local/admin-token</code>. It is kept for this browser tab only.
        </p>
        <Button type="submit" isDisabled={busy || token.trim() === ''}>
          {busy ? 'Checking…' : 'Sign in'}
        </Button>
      </Form>
    </main>
  );
}
