import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, renderAt, stubApi, type Call } from '../network/test-utils';
import { Locks } from './Locks';

afterEach(() => vi.unstubAllGlobals());

const lock = {
  name: 'service/web',
  owner: 'deployer-1/4242',
  acquiredAt: '2024-05-01T12:00:00.000Z',
  ttlSeconds: 15,
  ttlRemainingSeconds: 11,
  revision: 812,
};

/** Locks held: `service/web` until a DELETE of it answers `deleteAnswer`. */
function lockApi(deleteAnswer: { status: number; body?: unknown }) {
  let held = [lock];
  return (call: Call) => {
    if (call.method === 'GET' && call.path === '/api/v1/locks') return { status: 200, body: { items: held } };
    if (call.method === 'DELETE' && call.path.startsWith('/api/v1/locks/')) {
      if (deleteAnswer.status === 204) held = [];
      return deleteAnswer;
    }
    return undefined;
  };
}

describe('Locks', () => {
  it('lists the locks held', async () => {
    stubApi(lockApi({ status: 204 }));
    renderAt(<Locks />);
    const row = (await screen.findByText('service/web')).closest('tr') as HTMLElement;
    expect(within(row).getByText('deployer-1/4242')).toBeTruthy();
    expect(within(row).getByText('11 s of 15 s left')).toBeTruthy();
    expect(within(row).getByRole('link', { name: 'service web' }).getAttribute('href')).toBe('/services/web');
  });

  it('releases a lock only after confirmation, then shows the answer and the list without it', async () => {
    const { calls } = stubApi(lockApi({ status: 204 }));
    renderAt(<Locks />);
    await userEvent.click(await screen.findByRole('button', { name: 'Release lock service/web' }));

    const dialog = await screen.findByRole('alertdialog');
    expect(within(dialog).getByRole('heading').textContent).toBe('Release lock service/web?');
    expect(calls.some((call) => call.method === 'DELETE')).toBe(false);

    await userEvent.click(within(dialog).getByRole('button', { name: 'Release lock' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    const deletes = calls.filter((call) => call.method === 'DELETE');
    expect(deletes.map((call) => call.path)).toEqual(['/api/v1/locks/service/web']);
    expect((await screen.findByRole('status')).textContent).toMatch(/Lock service\/web released/);
    expect(await screen.findByText('No lock is held.')).toBeTruthy();
  });

  it('does nothing when the confirmation is cancelled', async () => {
    const { calls } = stubApi(lockApi({ status: 204 }));
    renderAt(<Locks />);
    await userEvent.click(await screen.findByRole('button', { name: 'Release lock service/web' }));
    await userEvent.click(
      within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Cancel' }),
    );
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(calls.some((call) => call.method === 'DELETE')).toBe(false);
    expect(screen.getByText('service/web')).toBeTruthy();
  });

  it("shows the API's refusal", async () => {
    stubApi(lockApi(apiError(404, 'not_found', 'lock service/web is not held', 'name')));
    renderAt(<Locks />);
    await userEvent.click(await screen.findByRole('button', { name: 'Release lock service/web' }));
    await userEvent.click(
      within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Release lock' }),
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/was not released: lock service\/web is not held \(HTTP 404\)/);
  });
});
