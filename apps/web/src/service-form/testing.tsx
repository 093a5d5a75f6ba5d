/** Test harness for the pages: a signed-in session, a router at a given URL and a stubbed API. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter, Route, Routes, useLocation, useParams } from 'react-router';
import { vi } from 'vitest';
import { session } from '../api';
import { SignedIn, type WhoAmI } from '../session';

export interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export type Answer = { status: number; body?: unknown };

/** Stubs `fetch`: `/whoami` answers `me`; everything else goes to `route`. Returns the calls made. */
export function stubApi(me: WhoAmI, route: (call: Call) => Answer | Promise<Answer>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) => {
    const call: Call = {
      method: init.method ?? 'GET',
      url: String(input),
      headers: (init.headers ?? {}) as Record<string, string>,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    const answer = call.url === '/api/v1/whoami' ? { status: 200, body: me } : await route(call);
    if (call.url !== '/api/v1/whoami') calls.push(call);
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json' },
    });
  });
  return calls;
}

function ServiceStub() {
  const { name } = useParams();
  return <p>Service page {name}</p>;
}

/** Where the router is now (path and search), for assertions. */
function Where() {
  const location = useLocation();
  return <output data-testid="where">{`${location.pathname}${location.search}`}</output>;
}

/** Renders `page` signed in at `url` (the route `path`), with `/services/:name` as a stub page. */
export function renderPage(page: ReactNode, path: string, url: string) {
  session.set('cite_test');
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[url]}>
        <Where />
        <Routes>
          <Route path={path} element={<SignedIn>{page}</SignedIn>} />
          <Route path="/services/:name" element={<ServiceStub />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

/** The text of everything an element's `aria-describedby` points at. */
export function descriptionOf(element: HTMLElement): string {
  return (element.getAttribute('aria-describedby') ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ');
}
