import type { ServiceStatusView } from '@cite/catalog';
import type { Release, Service } from '@cite/model';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import ServicePage from '../pages/ServicePage';
import { ReleaseProgress } from './ReleaseProgress';

afterEach(() => vi.unstubAllGlobals());

const service = {
  name: 'web',
  team: 'pay',
  repo: 'acme/web',
  image: 'registry.local:5000/pay/web',
  port: 8080,
  replicas: 2,
  resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' } },
  env: [],
  healthCheck: { path: '/' },
  domains: ['web.example.com'],
  deployPolicy: { branch: 'main', autoDeploy: true, previews: false, webhookSecretSet: false },
  autoRollback: true,
  labels: {},
  state: 'active',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  currentRelease: 3,
} as unknown as Service;

function release(number: number, extra: Partial<Release> = {}): Release {
  return {
    service: 'web',
    number,
    image: `registry.local:5000/pay/web:1.${number}`,
    config: {} as Release['config'],
    cause: 'deploy',
    actor: 'user:ann',
    status: 'succeeded',
    createdAt: '2026-03-01T11:00:00Z',
    ...extra,
  };
}

const status: ServiceStatusView = {
  service: 'web',
  state: 'active',
  desired: {
    replicas: 2,
    resources: service.resources,
    release: { number: 5, status: 'in_progress', image: 'registry.local:5000/pay/web:1.5', cause: 'deploy' },
    running: 3,
  },
  observed: {
    service: 'web',
    namespace: 'cite-pay',
    release: 3,
    replicas: { desired: 2, updated: 2, ready: 2, available: 2 },
    pods: [{ name: 'web-old', phase: 'Running', ready: true, restarts: 0, release: 3, ageSeconds: 100 }],
    events: [
      { time: '2026-03-01T11:59:00Z', type: 'Warning', reason: 'Failed', message: 'Back-off pulling image' },
    ],
    conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }],
    observedAt: '2026-03-01T11:59:30Z',
  },
};

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** An event stream that stays open after `text` (as a live one does). */
function sse(text: string): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}
const event = (name: string, id: number, data: unknown) =>
  `id: ${id}\nevent: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

function renderAt(path: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/services/:name" element={<ServicePage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('service page', () => {
  it('says plainly when there is no such service, and asks nothing else', async () => {
    const fetch = vi.fn(async () =>
      json({ error: { code: 'not_found', message: 'service nope not found', details: [] } }, 404),
    );
    vi.stubGlobal('fetch', fetch);
    renderAt('/services/nope');
    expect(await screen.findByRole('heading', { name: 'No such service' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('service nope not found');
    expect(screen.getByRole('link', { name: 'All services' }).getAttribute('href')).toBe('/services');
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('shows the header, live pods and the progress of a release that fails and is rolled back', async () => {
    let releaseReads = 0;
    const fetch = vi.fn(async (input: RequestInfo | URL) => {
      const url = String(input);
      if (url === '/api/v1/services/web') return json(service);
      if (url === '/api/v1/services/web/status') return json(status);
      if (url === '/api/v1/services/web/previews') return json({ items: [] });
      if (url.startsWith('/api/v1/services/web/releases?')) {
        releaseReads += 1;
        const failed = release(5, { status: 'failed', failureReason: 'ImagePullBackOff' });
        const items =
          releaseReads === 1
            ? [release(5, { status: 'in_progress', message: 'applying' }), release(3), release(2)]
            : [
                release(6, {
                  cause: 'rollback',
                  rollbackOf: 3,
                  actor: 'system:deployer',
                  status: 'pending',
                  message: 'automatic rollback to release 3: release 5 failed (ImagePullBackOff)',
                }),
                failed,
                release(3),
                release(2),
              ];
        return json({ items });
      }
      if (url === '/api/v1/services/web/pods/events')
        return sse(
          event('snapshot', 40, {
            service: 'web',
            observedAt: '2026-03-01T11:59:30Z',
            pods: [
              {
                name: 'web-a',
                phase: 'Running',
                ready: true,
                restarts: 0,
                release: 3,
                node: 'n1',
                ip: '10.0.0.4',
              },
              {
                name: 'web-b',
                phase: 'Pending',
                ready: false,
                restarts: 2,
                release: 5,
                waitingReason: 'ImagePullBackOff',
                message: 'Back-off pulling image',
              },
            ],
          }),
        );
      if (url === '/api/v1/services/web/releases/5/events')
        return sse(
          event('status', 50, { ...release(5), status: 'in_progress', message: 'applying' }) +
            event('progress', 51, {
              service: 'web',
              number: 5,
              status: 'in_progress',
              message: 'applying',
              replicas: { desired: 2, updated: 1, ready: 0, available: 0 },
            }) +
            event('status', 55, { ...release(5), status: 'failed', failureReason: 'ImagePullBackOff' }) +
            event('done', 55, {
              service: 'web',
              number: 5,
              status: 'failed',
              failureReason: 'ImagePullBackOff',
            }),
        );
      if (url === '/api/v1/services/web/releases/6/events') return sse('');
      return json({ error: { code: 'not_found', message: `unexpected ${url}`, details: [] } }, 404);
    });
    vi.stubGlobal('fetch', fetch);
    renderAt('/services/web');

    expect(await screen.findByRole('heading', { name: 'web', level: 1 })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'web.example.com' }).getAttribute('href')).toBe(
      'https://web.example.com',
    );

    // The stream's snapshot replaces the status endpoint's pods.
    const table = screen.getByTestId('pods-table');
    await waitFor(() => expect(within(table).queryByText('web-b')).toBeTruthy());
    expect(within(table).queryByText('web-old')).toBeNull();
    const waiting = within(table).getByText('ImagePullBackOff');
    expect(waiting.className).toContain('waiting-bad');
    expect(screen.getByTestId('pods-ready').textContent).toBe('1 of 2');

    const bar = await screen.findByRole('progressbar', { name: 'Release 5 progress' });
    const panel = screen.getByTestId('release-progress');
    expect(panel.contains(bar)).toBe(true);
    expect(panel.getAttribute('aria-label')).toBe('Release progress');
    await waitFor(() => expect(bar.textContent).toContain('Release 5 failed: ImagePullBackOff'));
    await waitFor(() =>
      expect(bar.textContent).toContain('automatic rollback to release 3 started as release 6'),
    );
    // …and the rollback release gets a bar of its own.
    expect(await screen.findByRole('progressbar', { name: 'Release 6 progress' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Release 6' })).toBeTruthy();
  });
  it('keeps the selected section in the address, and opens on it', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL) => {
        const url = String(input);
        if (url === '/api/v1/services/web') return json(service);
        if (url === '/api/v1/services/web/status')
          return json({ ...status, observed: null, reason: 'not reported yet' });
        if (url.startsWith('/api/v1/services/web/releases?')) return json({ items: [release(3)] });
        if (url === '/api/v1/services/web/previews') return json({ items: [] });
        return sse('');
      }),
    );
    renderAt('/services/web?tab=environment');
    const environment = await screen.findByRole('tab', { name: 'Environment' });
    expect(environment.getAttribute('aria-selected')).toBe('true');
    expect(screen.queryByTestId('pods-table')).toBeNull();

    const user = userEvent.setup();
    await user.click(screen.getByRole('tab', { name: 'Overview' }));
    expect(screen.getByRole('tab', { name: 'Overview' }).getAttribute('aria-selected')).toBe('true');
    const table = await screen.findByTestId('pods-table');
    expect(table.textContent).toContain('No pods: not reported yet.');
    expect(screen.getAllByRole('tab').map((tab) => tab.textContent)).toEqual([
      'Overview',
      'Logs',
      'Scale',
      'Environment',
      'Domains',
    ]);
  });
});

describe('release progress bar', () => {
  it('ends in success with its final state visible and an accessible name', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        sse(
          event('status', 10, { ...release(3), status: 'in_progress', message: 'applying' }) +
            event('progress', 11, {
              service: 'web',
              number: 3,
              status: 'in_progress',
              message: 'applying',
              replicas: { desired: 2, updated: 2, ready: 2, available: 2 },
            }) +
            event('status', 12, { ...release(3), status: 'succeeded' }) +
            event('done', 12, { service: 'web', number: 3, status: 'succeeded' }),
        ),
      ),
    );
    const onDone = vi.fn();
    render(<ReleaseProgress service="web" number={3} known={{ status: 'pending' }} onDone={onDone} />);
    const bar = screen.getByRole('progressbar', { name: 'Release 3 progress' });
    await waitFor(() => expect(bar.textContent).toContain('Release 3 succeeded'));
    expect(bar.getAttribute('aria-valuenow')).toBe('100');
    expect(bar.getAttribute('aria-valuetext')).toBe('Release 3 succeeded');
    expect(onDone).toHaveBeenCalledWith(3, 'succeeded');
  });
});
