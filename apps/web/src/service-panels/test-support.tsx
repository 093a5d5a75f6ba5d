/** What the panels' component tests share: a service, a query client around the panel, and a routed fetch stub. */
import type { Service } from '@cite/model';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { vi } from 'vitest';

export function serviceFixture(overrides: Partial<Service> = {}): Service {
  return {
    name: 'web',
    team: 'retail',
    image: 'registry.local:5000/retail/web',
    port: 8080,
    replicas: 2,
    resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' } },
    env: [],
    healthCheck: {
      path: '/',
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 1,
      failureThreshold: 3,
    },
    domains: [],
    deployPolicy: { branch: 'main', autoDeploy: true, previews: false, tagTemplate: '{sha7}' },
    autoRollback: true,
    labels: {},
    state: 'active',
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-02T00:00:00.000Z',
    ...overrides,
  };
}

export function renderPanel(ui: ReactElement) {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  return render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>);
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

type Route = (call: Call, init: RequestInit | undefined) => Response | Promise<Response> | undefined;

/** Stubs `fetch` with `routes` (the first to answer wins; none: 404) and records every call. */
export function stubFetch(...routes: Route[]) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (url: string, init?: RequestInit) => {
    const call: Call = {
      method: init?.method ?? 'GET',
      url,
      headers: { ...((init?.headers as Record<string, string> | undefined) ?? {}) },
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    for (const route of routes) {
      const answer = await route(call, init);
      if (answer) return answer;
    }
    return json(404, {
      error: { code: 'not_found', message: `no stub for ${call.method} ${url}`, details: [] },
    });
  });
  vi.stubGlobal('fetch', fetch);
  return calls;
}

/** A route answering `method path` (path without the query) with `answer`. */
export const on =
  (method: string, path: string, answer: (call: Call) => Response | Promise<Response>): Route =>
  (call) =>
    call.method === method && call.url.split('?')[0] === path ? answer(call) : undefined;
