/** Test helpers for the network and operations pages: a fetch stub that answers by path, and a render frame. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { vi } from 'vitest';
import { session } from '../api';
import { SignedIn } from '../session';

export interface Call {
  method: string;
  path: string;
  search: URLSearchParams;
  headers: Record<string, string>;
}

export type Route_ = (call: Call) => { status: number; body?: unknown } | undefined;

export function json(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

export const apiError = (status: number, code: string, message: string, path?: string) => ({
  status,
  body: { error: { code, message, details: path ? [{ path, message }] : [] } },
});

/** Stubs `fetch`: each call goes to `route`; what it does not answer is a 500 the test will notice. */
export function stubApi(route: Route_) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://cite.test');
    const call: Call = {
      method: init?.method ?? 'GET',
      path: url.pathname,
      search: url.searchParams,
      headers: (init?.headers ?? {}) as Record<string, string>,
    };
    calls.push(call);
    const answer = route(call);
    if (!answer)
      return json(500, { error: { code: 'unexpected', message: `unexpected ${call.method} ${call.path}` } });
    return json(answer.status, answer.body);
  });
  vi.stubGlobal('fetch', fetch);
  return { fetch, calls };
}

function Where() {
  const location = useLocation();
  return <div data-testid="location" hidden>{`${location.pathname}${location.search}`}</div>;
}

/** Renders `ui` at `path` with a fresh query client (no retries), a router and, when `signedIn`, a session. */
export function renderAt(
  ui: ReactNode,
  { path = '/', signedIn = false }: { path?: string; signedIn?: boolean } = {},
) {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  if (signedIn) session.set('cite_test');
  const page = signedIn ? <SignedIn>{ui}</SignedIn> : ui;
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route
            path="*"
            element={
              <>
                {page}
                <Where />
              </>
            }
          />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}
