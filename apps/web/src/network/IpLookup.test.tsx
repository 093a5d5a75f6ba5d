import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IpLookup } from './IpLookup';
import { apiError, renderAt, stubApi, type Call } from './test-utils';

afterEach(() => vi.unstubAllGlobals());

const pod = {
  ip: '10.60.1.7',
  kind: 'pod',
  pod: {
    ip: '10.60.1.7',
    pod: 'web-7d9c-abcde',
    namespace: 'cite-pay',
    node: 'node-a',
    service: 'web',
    updatedAt: '2024-05-01T12:00:00.000Z',
  },
  range: '10.60.1.0/24',
  rangeNode: 'node-a',
};

function lookups(call: Call) {
  if (call.path === '/api/v1/network/ips/10.60.1.7') return { status: 200, body: pod };
  if (call.path === '/api/v1/network/ips/10.60.1.9')
    return apiError(
      404,
      'not_found',
      'no pod you can see holds 10.60.1.9: it is a free pod address of pod range 10.60.1.0/24 of node node-a',
      'ip',
    );
  if (call.path === '/api/v1/network/ips/8.8.8.8')
    return apiError(
      400,
      'invalid_input',
      "ip: 8.8.8.8 is outside the IP pool: not in a pod range nor a node's address (supernets 10.60.0.0/16)",
      'ip',
    );
  return undefined;
}

async function lookUp(text: string) {
  const field = screen.getByRole('textbox', { name: 'IPv4 address' });
  await userEvent.clear(field);
  await userEvent.type(field, text);
  await userEvent.click(screen.getByRole('button', { name: 'Look up' }));
}

describe('IpLookup', () => {
  it('shows the pod that holds an address, linking its service', async () => {
    const { calls } = stubApi(lookups);
    renderAt(<IpLookup />, { path: '/network' });
    await lookUp('10.60.1.7');
    expect(await screen.findByText('web-7d9c-abcde')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'web' }).getAttribute('href')).toBe('/services/web');
    expect(screen.getByText('cite-pay')).toBeTruthy();
    expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual(['GET /api/v1/network/ips/10.60.1.7']);
    // The address asked about is kept in the page address.
    expect(screen.getByTestId('location').textContent).toBe('/network?ip=10.60.1.7');
  });

  it('says a 404 is a free address, with the API message naming its range', async () => {
    stubApi(lookups);
    renderAt(<IpLookup />, { path: '/network' });
    await lookUp(' 10.60.1.9 ');
    expect(await screen.findByText(/free: no pod has this address/)).toBeTruthy();
    expect(screen.getByText(/pod range 10\.60\.1\.0\/24 of node node-a/)).toBeTruthy();
  });

  it("says a 400 is outside the pool, with the API's message", async () => {
    stubApi(lookups);
    renderAt(<IpLookup />, { path: '/network' });
    await lookUp('8.8.8.8');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/not in the IP pool/);
    expect(alert.textContent).toMatch(/ip: 8\.8\.8\.8 is outside the IP pool: not in a pod range/);
  });

  it('refuses malformed text without asking the API', async () => {
    const { calls } = stubApi(lookups);
    renderAt(<IpLookup />, { path: '/network' });
    await lookUp('010.1.1.1');
    expect(await screen.findByText(/"010" has a leading zero/)).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'IPv4 address' }).getAttribute('aria-invalid')).toBe('true');
    await lookUp('10.60.300.1');
    expect(await screen.findByText(/"300" is above 255/)).toBeTruthy();
    expect(calls).toEqual([]);
    expect(screen.getByTestId('location').textContent).toBe('/network');
  });

  it('looks up the address a link carries', async () => {
    stubApi(lookups);
    renderAt(<IpLookup />, { path: '/network?ip=10.60.1.7' });
    expect(await screen.findByText('web-7d9c-abcde')).toBeTruthy();
    expect((screen.getByRole('textbox', { name: 'IPv4 address' }) as HTMLInputElement).value).toBe(
      '10.60.1.7',
    );
  });

  it('asks again when the same address is looked up again', async () => {
    const { calls } = stubApi(lookups);
    renderAt(<IpLookup />, { path: '/network' });
    await lookUp('10.60.1.7');
    await screen.findByText('web-7d9c-abcde');
    await userEvent.click(screen.getByRole('button', { name: 'Look up' }));
    await waitFor(() => expect(calls).toHaveLength(2));
  });
});
