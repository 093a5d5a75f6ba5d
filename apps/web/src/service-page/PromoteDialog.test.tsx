import type { Service } from '@cite/model';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { session } from '../api';
import { ServiceHeader } from './ServiceHeader';

afterEach(() => vi.unstubAllGlobals());

const preview = {
  name: 'web-pr-7',
  team: 'pay',
  repo: 'acme/web',
  image: 'registry.local:5000/pay/web',
  port: 8080,
  replicas: 1,
  domains: [],
  state: 'active',
  preview: { parent: 'web', pullRequest: 7, branch: 'feature' },
} as unknown as Service;

function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function renderHeader(service: Service) {
  session.set('cite_token');
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={['/services/web-pr-7']}>
        <Routes>
          <Route
            path="/services/web-pr-7"
            element={
              <ServiceHeader
                service={service}
                running={3}
                runningRelease={{
                  number: 3,
                  image: 'registry.local:5000/pay/web:pr-7-abc1234',
                  status: 'succeeded',
                  gitSha: 'abc1234def',
                }}
                ready={1}
                desired={1}
                onStarted={() => undefined}
              />
            }
          />
          <Route path="/services/web" element={<p>the parent page</p>} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('Promote (a preview to its parent)', () => {
  it("deploys the preview's running image and commit to the parent, then opens the parent", async () => {
    const fetch = vi.fn(async (url: string, init?: RequestInit) =>
      init?.method === 'POST'
        ? answer(202, { release: { number: 9, service: 'web', status: 'pending' }, links: {} })
        : answer(200, {}),
    );
    vi.stubGlobal('fetch', fetch);
    renderHeader(preview);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Promote…' }));
    expect(screen.getByRole('dialog').textContent).toContain('Promote web-pr-7 to web?');
    await user.click(screen.getByRole('button', { name: 'Deploy to web' }));
    expect(await screen.findByText('the parent page')).toBeTruthy();
    const post = fetch.mock.calls.find(([, init]) => init?.method === 'POST')!;
    expect(post[0]).toBe('/api/v1/services/web/deploys');
    expect(JSON.parse(String(post[1]!.body))).toEqual({
      image: 'registry.local:5000/pay/web:pr-7-abc1234',
      gitSha: 'abc1234def',
    });
    expect((post[1]!.headers as Record<string, string>)['Idempotency-Key']).toMatch(/.+/);
  });

  it("shows the API's refusal and stays", async () => {
    vi.stubGlobal('fetch', async () =>
      answer(409, { error: { code: 'conflict', message: 'web is being deleted', details: [] } }),
    );
    renderHeader(preview);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Promote…' }));
    await user.click(screen.getByRole('button', { name: 'Deploy to web' }));
    expect(await screen.findByText(/web is being deleted/)).toBeTruthy();
    expect(screen.queryByText('the parent page')).toBeNull();
  });

  it('is offered on previews only', () => {
    renderHeader({ ...preview, name: 'web', preview: undefined } as unknown as Service);
    expect(screen.queryByRole('button', { name: 'Promote…' })).toBeNull();
  });
});
