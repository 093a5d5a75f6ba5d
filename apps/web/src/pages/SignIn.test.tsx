import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { session } from '../api';
import { makeQueryClient } from '../App';
import { SignIn } from './SignIn';

function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function renderSignIn(state?: unknown) {
  return render(
    <QueryClientProvider client={makeQueryClient()}>
      <MemoryRouter initialEntries={[{ pathname: '/sign-in', state }]}>
        <Routes>
          <Route path="/sign-in" element={<SignIn />} />
          <Route path="/services" element={<p>the services</p>} />
          <Route path="/network" element={<p>the network</p>} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('sign-in', () => {
  it('refuses a wrong token with the reason, then signs in with a right one and keeps it for the tab', async () => {
    const fetch = vi.fn(async (_url: string, init: RequestInit) =>
      (init.headers as Record<string, string>).authorization === 'Bearer cite_right'
        ? answer(200, { actor: 'admin:bootstrap', name: 'bootstrap admin', role: 'admin', teams: [] })
        : answer(401, { error: { code: 'unauthenticated', message: 'unknown token', details: [] } }),
    );
    vi.stubGlobal('fetch', fetch);
    renderSignIn({ from: '/network' });
    const user = userEvent.setup();
    const field = screen.getByLabelText('API token');
    await user.type(field, 'cite_wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText(/That token was not accepted: unknown token/)).toBeTruthy();
    expect(session.token()).toBeNull();
    await user.clear(field);
    await user.type(field, 'cite_right');
    expect(screen.queryByText(/That token was not accepted/)).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('the network')).toBeTruthy();
    expect(session.token()).toBe('cite_right');
  });

  it('says why the last session ended', () => {
    renderSignIn({ message: 'token expired' });
    expect(screen.getByRole('alert').textContent).toContain('Your session ended: token expired');
  });
});
