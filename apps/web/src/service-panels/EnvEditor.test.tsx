import type { Service } from '@cite/model';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EnvEditor } from './EnvEditor';
import { clearDrafts } from './drafts';
import { json, on, renderPanel, serviceFixture, stubFetch, type Call } from './test-support';

afterEach(() => {
  vi.unstubAllGlobals();
  clearDrafts();
});

const SECRET = 'hunter2-very-secret';
const URL_SECRET = 'pg-pass-42';
const service = serviceFixture({
  env: [
    { name: 'LOG_LEVEL', value: 'info' },
    { name: 'DB_PASSWORD', value: SECRET },
    { name: 'DATABASE_URL', value: `postgres://app:${URL_SECRET}@db:5432/app` },
  ],
});

/** An API holding one service: GET answers it with its revision as ETag; PATCH env checks If-Match. */
function server(initial: Service, patch?: (call: Call) => Response | undefined) {
  let stored = initial;
  let revision = 7;
  const calls = stubFetch(
    on('GET', '/api/v1/services/web', () => json(200, stored, { etag: `"${revision}"` })),
    on('PATCH', '/api/v1/services/web', (call) => {
      const answer = patch?.(call);
      if (answer) return answer;
      if (call.headers['if-match'] !== `"${revision}"`) {
        const message = `service web changed: it is at revision ${revision}, not ${call.headers['if-match']}; read it again`;
        return json(409, {
          error: { code: 'conflict', message, details: [{ path: 'headers.if-match', message }] },
        });
      }
      const body = call.body as { env: Service['env'] };
      stored = {
        ...stored,
        env: body.env,
        updatedAt: new Date(Date.parse(stored.updatedAt) + 1000).toISOString(),
      };
      revision += 1;
      return json(202, {
        service: stored,
        release: { number: 4, cause: 'config', status: 'pending', service: 'web' },
        links: {},
      });
    }),
  );
  return {
    calls,
    stored: () => stored,
    /** Someone else saves in between. */
    change(next: Service['env']) {
      stored = {
        ...stored,
        env: next,
        updatedAt: new Date(Date.parse(stored.updatedAt) + 1000).toISOString(),
      };
      revision += 1;
    },
  };
}

const row = (name: string) => screen.getByRole('listitem', { name });
const valueOf = (name: string) => within(row(name)).getByLabelText(`Value of ${name}`) as HTMLInputElement;
const saveButton = () => screen.getByRole('button', { name: 'Save environment' });

function expectNoSecretInDom() {
  expect(document.body.innerHTML).not.toContain(SECRET);
  expect(document.body.innerHTML).not.toContain(URL_SECRET);
}

describe('EnvEditor', () => {
  it('never shows a secret, and keeps it when saving other changes', async () => {
    const user = userEvent.setup();
    const onChanged = vi.fn();
    const api = server(service);
    renderPanel(<EnvEditor service={service} onChanged={onChanged} />);

    expect(valueOf('LOG_LEVEL').value).toBe('info');
    expect(valueOf('DB_PASSWORD').type).toBe('password');
    expect(valueOf('DB_PASSWORD').value).toBe('');
    expect(valueOf('DATABASE_URL').type).toBe('password');
    expectNoSecretInDom();
    await waitFor(() => expect(api.calls.some((call) => call.method === 'GET')).toBe(true));
    expectNoSecretInDom();

    await user.clear(valueOf('LOG_LEVEL'));
    await user.type(valueOf('LOG_LEVEL'), 'debug');
    await waitFor(() => expect(saveButton()).toHaveProperty('disabled', false));
    await user.click(saveButton());

    await screen.findByText(/is on its way/);
    const patch = api.calls.find((call) => call.method === 'PATCH');
    expect(patch?.headers['if-match']).toBe('"7"');
    expect(patch?.body).toEqual({
      env: [
        { name: 'LOG_LEVEL', value: 'debug' },
        { name: 'DB_PASSWORD', value: SECRET },
        { name: 'DATABASE_URL', value: `postgres://app:${URL_SECRET}@db:5432/app` },
      ],
    });
    expect(onChanged).toHaveBeenCalledTimes(1);
    expect(valueOf('LOG_LEVEL').value).toBe('debug');
    expectNoSecretInDom();
  });

  it('replaces a secret with what is typed, and renames and removes rows', async () => {
    const user = userEvent.setup();
    const api = server(service);
    renderPanel(<EnvEditor service={service} />);
    await waitFor(() => expect(api.calls).toHaveLength(1));

    await user.type(valueOf('DB_PASSWORD'), 'rotated-42');
    expect(within(row('DB_PASSWORD')).getByText('Replaces the stored secret when saved.')).toBeTruthy();
    const name = within(row('DATABASE_URL')).getByLabelText('Name of variable 3');
    await user.clear(name);
    await user.type(name, 'PG_URL');
    await user.click(within(row('LOG_LEVEL')).getByRole('button', { name: 'Remove LOG_LEVEL' }));
    expect(
      screen.getByText(/Will change DB_PASSWORD; rename DATABASE_URL to PG_URL; remove LOG_LEVEL\./),
    ).toBeTruthy();
    await user.click(saveButton());

    await screen.findByText(/is on its way/);
    expect(api.stored().env).toEqual([
      { name: 'DB_PASSWORD', value: 'rotated-42' },
      { name: 'PG_URL', value: `postgres://app:${URL_SECRET}@db:5432/app` },
    ]);
    // Saved, the new secret is masked and no longer in the input either.
    expect(valueOf('DB_PASSWORD').value).toBe('');
    expect(document.body.innerHTML).not.toContain('rotated-42');
  });

  it("shows the API's messages next to the row and field they are about", async () => {
    const user = userEvent.setup();
    const api = server(service, (call) => {
      const env = (call.body as { env: Service['env'] }).env;
      return json(400, {
        error: {
          code: 'invalid_input',
          message: `patch is invalid: env.3.name: must be a C identifier (and 1 more)`,
          details: [
            {
              path: 'env.3.name',
              message: "must consist of alphabetic characters, digits, '_', '-', or '.'",
            },
            { path: 'env', message: `names and values take ${env.length} bytes; at most 131072` },
          ],
        },
      });
    });
    renderPanel(<EnvEditor service={service} />);
    await waitFor(() => expect(api.calls).toHaveLength(1));

    await user.click(screen.getByRole('button', { name: 'Add variable' }));
    const fresh = screen.getByLabelText('Name of variable 4');
    await user.type(fresh, 'BAD NAME');
    await user.type(valueOf('BAD NAME'), 'x');
    await user.click(saveButton());

    const input = await within(row('BAD NAME')).findByLabelText('Name of variable 4');
    await waitFor(() => expect(input.getAttribute('aria-invalid')).toBe('true'));
    expect(within(row('BAD NAME')).getByText(/must consist of alphabetic characters/)).toBeTruthy();
    expect(within(row('LOG_LEVEL')).queryByText(/must consist/)).toBeNull();
    const alert = screen
      .getAllByRole('alert')
      .find((element) => element.textContent?.includes('patch is invalid'));
    expect(alert?.textContent).toContain('env: names and values take 4 bytes');
    expectNoSecretInDom();
  });

  it('keeps the draft when the panel is unmounted (another tab) and shown again', async () => {
    const user = userEvent.setup();
    const api = server(service);
    const first = renderPanel(<EnvEditor service={service} />);
    await waitFor(() => expect(api.calls).toHaveLength(1));
    await user.click(screen.getByRole('button', { name: 'Add variable' }));
    const fresh = screen.getByLabelText('Name of variable 4');
    expect(document.activeElement).toBe(fresh);
    await user.type(fresh, 'FEATURE_X');
    await user.type(valueOf('DB_PASSWORD'), 'typed-secret');
    first.unmount();

    renderPanel(<EnvEditor service={service} />);
    expect(within(row('FEATURE_X')).getByLabelText('Name of variable 4')).toBeTruthy();
    expect(valueOf('DB_PASSWORD').type).toBe('password');
    await waitFor(() => expect(saveButton()).toHaveProperty('disabled', false));
    expect(screen.getByText(/Will add FEATURE_X; change DB_PASSWORD\./)).toBeTruthy();
  });

  it('on a stale ETag, brings in the saved environment under the edits to save again', async () => {
    const user = userEvent.setup();
    const api = server(service);
    renderPanel(<EnvEditor service={service} />);
    await waitFor(() => expect(api.calls).toHaveLength(1));

    await user.clear(valueOf('LOG_LEVEL'));
    await user.type(valueOf('LOG_LEVEL'), 'debug');
    api.change([...service.env, { name: 'REGION', value: 'eu' }]);
    await user.click(saveButton());

    expect((await screen.findByText(/service web changed: it is at revision 8/)).textContent).toContain(
      'review them and save again',
    );
    await waitFor(() => expect(valueOf('REGION').value).toBe('eu'));
    expect(valueOf('LOG_LEVEL').value).toBe('debug');
    await waitFor(() => expect(saveButton()).toHaveProperty('disabled', false));
    await user.click(saveButton());
    await screen.findByText(/is on its way/);
    expect(api.stored().env.map((variable) => `${variable.name}=${variable.value}`)).toEqual([
      'LOG_LEVEL=debug',
      `DB_PASSWORD=${SECRET}`,
      `DATABASE_URL=postgres://app:${URL_SECRET}@db:5432/app`,
      'REGION=eu',
    ]);
  });
});
