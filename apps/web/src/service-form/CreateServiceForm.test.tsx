import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CreateServiceForm } from './CreateServiceForm';
import { descriptionOf, renderPage, stubApi } from './testing';

// Typing through user-event takes seconds on a busy machine.
vi.setConfig({ testTimeout: 20_000 });
afterEach(() => vi.unstubAllGlobals());

const member = { actor: 'token:t1', name: 'dev', role: 'member' as const, teams: ['payments', 'search'] };

function renderForm() {
  return renderPage(<CreateServiceForm />, '/services/new', '/services/new');
}

async function fillBasics(user: ReturnType<typeof userEvent.setup>) {
  await user.type(await screen.findByLabelText('Name'), 'api');
  await user.type(screen.getByLabelText('Image'), 'registry.local:5000/payments/api');
  await user.type(screen.getByLabelText('Port'), '8080');
}

describe('create service form', () => {
  it("shows the API's messages next to their fields, the rest at the top, and keeps what was typed", async () => {
    const calls = stubApi(member, () => ({
      status: 400,
      body: {
        error: {
          code: 'invalid_input',
          message: 'service is invalid: replicas: must be less than or equal to 1000 (and 5 more)',
          details: [
            { path: 'replicas', message: 'must be less than or equal to 1000' },
            { path: 'resources.cpu.request', message: 'must be less than or equal to cpu limit of 500m' },
            { path: 'env.1.name', message: "duplicate environment variable 'MODE'" },
            { path: 'domains[0]', message: 'must be lowercase RFC 1123 hostname' },
            { path: 'labels.tier', message: 'value must be 63 characters or less' },
            { path: 'healthCheck.path', message: "must start with '/'" },
          ],
        },
      },
    }));
    const user = userEvent.setup({ delay: null });
    renderForm();
    await fillBasics(user);
    await user.type(screen.getByLabelText('Replicas'), '5000');
    await user.type(screen.getByLabelText('CPU request'), '2');

    await user.click(screen.getByRole('button', { name: 'Add variable' }));
    await user.click(screen.getByRole('button', { name: 'Add variable' }));
    await user.click(screen.getByRole('button', { name: 'Add variable' }));
    await user.type(screen.getByLabelText('Name of variable 1'), 'MODE');
    await user.type(screen.getByLabelText('Value of variable 1'), 'a');
    // Variable 2 stays empty and is not sent, so the API's env.1 is the form's variable 3.
    await user.type(screen.getByLabelText('Name of variable 3'), 'MODE');
    await user.type(screen.getByLabelText('Value of variable 3'), 'b');

    await user.click(screen.getByRole('button', { name: 'Add domain' }));
    await user.type(screen.getByLabelText('Domain 1'), 'pay.example.com');
    await user.click(screen.getByRole('button', { name: 'Add label' }));
    await user.type(screen.getByLabelText('Key of label 1'), 'tier');
    await user.type(screen.getByLabelText('Value of label 1'), 'gold');

    await user.click(screen.getByRole('button', { name: 'Create service' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The service was not created.');
    expect(alert.textContent).toContain('service is invalid');
    expect(within(alert).getByText("healthCheck.path: must start with '/'")).toBeTruthy();
    // Messages that belong to a field are not repeated at the top.
    expect(alert.textContent).not.toContain("duplicate environment variable 'MODE'");

    const replicas = screen.getByLabelText('Replicas');
    expect(replicas.getAttribute('aria-invalid')).toBe('true');
    expect(descriptionOf(replicas)).toContain('must be less than or equal to 1000');
    expect(descriptionOf(screen.getByLabelText('CPU request'))).toContain(
      'must be less than or equal to cpu limit of 500m',
    );
    expect(descriptionOf(screen.getByLabelText('CPU limit'))).not.toContain('cpu limit of 500m');
    expect(descriptionOf(screen.getByLabelText('Name of variable 3'))).toContain(
      "duplicate environment variable 'MODE'",
    );
    expect(screen.getByLabelText('Name of variable 1').getAttribute('aria-invalid')).not.toBe('true');
    expect(descriptionOf(screen.getByLabelText('Domain 1'))).toContain('must be lowercase RFC 1123 hostname');
    expect(descriptionOf(screen.getByLabelText('Value of label 1'))).toContain(
      'value must be 63 characters or less',
    );
    expect(descriptionOf(screen.getByLabelText('Port'))).not.toContain('must');

    // Nothing typed is lost.
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('api');
    expect((screen.getByLabelText('Image') as HTMLInputElement).value).toBe(
      'registry.local:5000/payments/api',
    );
    expect((screen.getByLabelText('Replicas') as HTMLInputElement).value).toBe('5000');
    expect((screen.getByLabelText('Value of variable 3') as HTMLInputElement).value).toBe('b');
    expect((screen.getByLabelText('Domain 1') as HTMLInputElement).value).toBe('pay.example.com');

    // Only what was filled went out, with an idempotency key.
    expect(calls).toHaveLength(1);
    expect(calls[0]!.method).toBe('POST');
    expect(calls[0]!.url).toBe('/api/v1/services');
    expect(calls[0]!.headers['idempotency-key']).toMatch(/\S{16,}/);
    expect(calls[0]!.body).toEqual({
      name: 'api',
      team: 'payments',
      image: 'registry.local:5000/payments/api',
      port: 8080,
      replicas: 5000,
      resources: { cpu: { request: '2' } },
      env: [
        { name: 'MODE', value: 'a' },
        { name: 'MODE', value: 'b' },
      ],
      domains: ['pay.example.com'],
      labels: { tier: 'gold' },
    });

    // Changing a field clears its message; the others stay.
    await user.clear(screen.getByLabelText('Replicas'));
    await user.type(screen.getByLabelText('Replicas'), '3');
    await user.tab();
    await waitFor(() =>
      expect(screen.getByLabelText('Replicas').getAttribute('aria-invalid')).not.toBe('true'),
    );
    expect(descriptionOf(screen.getByLabelText('Domain 1'))).toContain('must be lowercase RFC 1123 hostname');
  });

  it('puts a 409 on the name and sends the same key again for the same request', async () => {
    const calls = stubApi(member, () => ({
      status: 409,
      body: {
        error: {
          code: 'conflict',
          message: 'service api already exists',
          details: [{ path: 'name', message: 'service api already exists' }],
        },
      },
    }));
    const user = userEvent.setup({ delay: null });
    renderForm();
    await fillBasics(user);
    await user.click(screen.getByRole('button', { name: 'Create service' }));
    await waitFor(() => expect(descriptionOf(screen.getByLabelText('Name'))).toContain('already exists'));
    await user.click(screen.getByRole('button', { name: 'Create service' }));
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[1]!.headers['idempotency-key']).toBe(calls[0]!.headers['idempotency-key']);
  });

  it('asks for the required fields without calling the API', async () => {
    const calls = stubApi(member, () => ({ status: 500 }));
    const user = userEvent.setup({ delay: null });
    renderForm();
    await user.click(await screen.findByRole('button', { name: 'Create service' }));
    expect(await screen.findByRole('alert')).toBeTruthy();
    expect(descriptionOf(screen.getByLabelText('Name'))).toContain('Enter a name.');
    expect(descriptionOf(screen.getByLabelText('Image'))).toContain('Enter an image repository.');
    expect(descriptionOf(screen.getByLabelText('Port'))).toContain('Enter the port');
    expect(calls).toHaveLength(0);
  });

  it('opens the new service on 201', async () => {
    const calls = stubApi(member, () => ({
      status: 201,
      body: { name: 'api', team: 'search', image: 'reg/api', port: 80 },
    }));
    const user = userEvent.setup({ delay: null });
    renderForm();
    await fillBasics(user);
    await user.selectOptions(screen.getByLabelText('Team'), 'search');
    await user.click(screen.getByRole('checkbox', { name: /Roll back/ }));
    await user.click(screen.getByRole('button', { name: 'Create service' }));
    expect(await screen.findByText('Service page api')).toBeTruthy();
    expect(screen.getByTestId('where').textContent).toBe('/services/api');
    expect(calls[0]!.body).toEqual({
      name: 'api',
      team: 'search',
      image: 'registry.local:5000/payments/api',
      port: 8080,
      autoRollback: false,
    });
  });

  it('says so when the API cannot be reached, keeping the form', async () => {
    stubApi(member, () => {
      throw new TypeError('Failed to fetch');
    });
    const user = userEvent.setup({ delay: null });
    renderForm();
    await fillBasics(user);
    await user.click(screen.getByRole('button', { name: 'Create service' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'The API could not be reached: Failed to fetch',
    );
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('api');
  });
});
