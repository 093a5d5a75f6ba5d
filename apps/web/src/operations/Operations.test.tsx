import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Operations from '../pages/Operations';
import { apiError, renderAt, stubApi, type Call } from '../network/test-utils';

afterEach(() => vi.unstubAllGlobals());

const admin = { actor: 'admin:bootstrap', name: 'bootstrap', role: 'admin', teams: [] };
const member = { actor: 'token:m1', name: 'Mo', role: 'member', teams: ['pay'] };

const entry = (id: string, time: string, overrides: object = {}) => ({
  id,
  time,
  actor: 'token:abc',
  action: 'service.create',
  target: 'service/web',
  sourceIp: '10.0.0.5',
  outcome: 'ok',
  details: { actorName: 'Ada', status: 201 },
  ...overrides,
});

function adminApi(call: Call) {
  if (call.path === '/api/v1/whoami') return { status: 200, body: admin };
  if (call.path === '/api/v1/locks') return { status: 200, body: { items: [] } };
  if (call.path === '/api/v1/batch/reports') return { status: 200, body: { items: [] } };
  if (call.path === '/api/v1/audit') {
    if (call.search.get('cursor') === 'page2')
      return {
        status: 200,
        body: { items: [entry('e3', '2024-05-01T09:00:00.000Z', { outcome: 'denied' })] },
      };
    return {
      status: 200,
      body: {
        items: [
          entry('e1', '2024-05-01T12:30:05.000Z'),
          entry('e2', '2024-05-01T11:00:00.000Z', {
            action: 'lock.break',
            target: 'lock/service/web',
            outcome: 'failed',
          }),
        ],
        nextCursor: 'page2',
      },
    };
  }
  return undefined;
}

describe('Operations', () => {
  it("tells a member it is for admins only, from the API's 403", async () => {
    const { calls } = stubApi((call) => {
      if (call.path === '/api/v1/whoami') return { status: 200, body: member };
      if (call.path === '/api/v1/locks')
        return apiError(403, 'forbidden', 'this needs an admin token', 'headers.authorization');
      return undefined;
    });
    renderAt(<Operations />, { path: '/operations', signedIn: true });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/for admins only/);
    expect(alert.textContent).toMatch(/The API answered: this needs an admin token/);
    expect(calls.map((call) => call.path)).toEqual(['/api/v1/whoami', '/api/v1/locks']);
  });

  it('shows an admin the batch tasks beside the locks and the audit log', async () => {
    stubApi(adminApi);
    renderAt(<Operations />, { path: '/operations', signedIn: true });
    const batch = await screen.findByRole('table', { name: 'Batch tasks' });
    expect(within(batch).getAllByText('never run')).toHaveLength(6);
    expect(screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent)).toEqual([
      'Locks',
      'Batch tasks',
      'Audit log',
    ]);
  });

  it('shows the audit log newest first and loads older pages with the cursor', async () => {
    const { calls } = stubApi(adminApi);
    renderAt(<Operations />, { path: '/operations', signedIn: true });
    expect(await screen.findByText('No lock is held.')).toBeTruthy();
    const table = await screen.findByRole('table', { name: 'Audit log' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getAllByRole('cell')[0]?.textContent)).toEqual([
      '2024-05-01 12:30:05',
      '2024-05-01 11:00:00',
    ]);
    expect(within(rows[0] as HTMLElement).getByText('Ada (token:abc)')).toBeTruthy();
    expect(
      within(rows[0] as HTMLElement)
        .getByRole('link', { name: 'service/web' })
        .getAttribute('href'),
    ).toBe('/services/web');
    expect(within(rows[1] as HTMLElement).getByText('failed').className).toBe('status-bad');

    await userEvent.click(screen.getByRole('button', { name: 'Load older entries' }));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(4));
    expect(screen.queryByRole('button', { name: 'Load older entries' })).toBeNull();
    const audits = calls.filter((call) => call.path === '/api/v1/audit');
    expect(audits.map((call) => call.search.toString())).toEqual(['limit=50', 'limit=50&cursor=page2']);
  });

  it('filters by a UTC time prefix, checking it before it is sent', async () => {
    const { calls } = stubApi(adminApi);
    renderAt(<Operations />, { path: '/operations', signedIn: true });
    await screen.findByRole('table', { name: 'Audit log' });
    const field = screen.getByRole('textbox', { name: 'During (UTC)' });

    await userEvent.type(field, '2024-13');
    await userEvent.click(screen.getByRole('button', { name: 'Show' }));
    expect(await screen.findByText('Month 13 is not 01–12.')).toBeTruthy();
    expect(calls.filter((call) => call.path === '/api/v1/audit')).toHaveLength(1);

    await userEvent.clear(field);
    await userEvent.type(field, '2024-05-01T12');
    await userEvent.click(screen.getByRole('button', { name: 'Show' }));
    await waitFor(() =>
      expect(
        calls
          .filter((call) => call.path === '/api/v1/audit')
          .at(-1)
          ?.search.get('during'),
      ).toBe('2024-05-01T12'),
    );
    expect(screen.getByTestId('location').textContent).toBe('/operations?during=2024-05-01T12');
  });

  it('changes the page size', async () => {
    const { calls } = stubApi(adminApi);
    renderAt(<Operations />, { path: '/operations', signedIn: true });
    await screen.findByRole('table', { name: 'Audit log' });
    await userEvent.click(screen.getByRole('button', { name: /Per page/ }));
    await userEvent.click(await screen.findByRole('option', { name: '250' }));
    await waitFor(() =>
      expect(
        calls
          .filter((call) => call.path === '/api/v1/audit')
          .at(-1)
          ?.search.get('limit'),
      ).toBe('250'),
    );
    expect(screen.getByTestId('location').textContent).toBe('/operations?limit=250');
  });

  it('reads the filter from the page address', async () => {
    const { calls } = stubApi(adminApi);
    renderAt(<Operations />, { path: '/operations?during=2024-05&limit=100', signedIn: true });
    await screen.findByRole('table', { name: 'Audit log' });
    expect(calls.find((call) => call.path === '/api/v1/audit')?.search.toString()).toBe(
      'limit=100&during=2024-05',
    );
    expect((screen.getByRole('textbox', { name: 'During (UTC)' }) as HTMLInputElement).value).toBe('2024-05');
  });
});
