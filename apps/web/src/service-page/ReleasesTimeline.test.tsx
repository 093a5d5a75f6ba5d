import type { Release, Service } from '@cite/model';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { session } from '../api';
import { DeployDialog } from './dialogs';
import { ReleasesTimeline } from './ReleasesTimeline';

afterEach(() => vi.unstubAllGlobals());

const NOW = Date.parse('2026-03-01T12:00:00Z');

const service: Service = {
  name: 'web',
  team: 'pay',
  repo: 'acme/web',
  image: 'registry.local:5000/pay/web',
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
  deployPolicy: { branch: 'main', autoDeploy: true, previews: false },
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
    startedAt: '2026-03-01T11:00:01Z',
    finishedAt: '2026-03-01T11:00:49Z',
    ...extra,
  };
}

const releases = [
  release(4, {
    status: 'failed',
    failureReason: 'ImagePullBackOff',
    message: 'cannot pull registry.local:5000/pay/web:1.4',
  }),
  release(3, { gitSha: 'abc1234def5678', gitRef: 'main' }),
  release(2),
  release(1, { createdAt: '2025-12-01T00:00:00Z' }),
];

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function wrap(children: ReactNode) {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  return (
    <QueryClientProvider client={client}>
      <MemoryRouter>{children}</MemoryRouter>
    </QueryClientProvider>
  );
}

function calls(fetch: ReturnType<typeof vi.fn>) {
  return fetch.mock.calls.map(([url, init]) => ({
    url: String(url),
    method: (init as RequestInit | undefined)?.method ?? 'GET',
    headers: ((init as RequestInit | undefined)?.headers ?? {}) as Record<string, string>,
    body: (init as RequestInit | undefined)?.body as string | undefined,
  }));
}

function renderTimeline(onStarted = vi.fn()) {
  render(
    wrap(
      <ReleasesTimeline service={service} releases={releases} running={3} now={NOW} onStarted={onStarted} />,
    ),
  );
  return onStarted;
}

describe('releases timeline', () => {
  it('offers "Roll back to this" only for releases that succeeded, are not running and are of this service', () => {
    renderTimeline();
    const list = screen.getByRole('list', { name: /Releases of web/ });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(4);
    const offered = screen.getAllByRole('button', { name: /^Roll back to this/ });
    expect(offered.map((button) => button.getAttribute('aria-label'))).toEqual([
      'Roll back to this: release 2',
    ]);
    expect(within(items[1]!).getByText('running')).toBeTruthy();
  });

  it('shows the failure reason and message, and links the commit to GitHub', () => {
    renderTimeline();
    expect(screen.getByText('ImagePullBackOff')).toBeTruthy();
    expect(screen.getByText(/cannot pull registry.local:5000\/pay\/web:1.4/)).toBeTruthy();
    const link = screen.getByRole('link', { name: 'abc1234' });
    expect(link.getAttribute('href')).toBe('https://github.com/acme/web/commit/abc1234def5678');
    expect(screen.getAllByText('took 48 s', { exact: false }).length).toBeGreaterThan(0);
  });

  it('rolls back with { to } and an Idempotency-Key, and hands the new release on', async () => {
    session.set('cite_t');
    const started = release(5, { cause: 'rollback', rollbackOf: 2, status: 'pending' });
    const fetch = vi.fn(async () => json(202, { release: started, links: {} }));
    vi.stubGlobal('fetch', fetch);
    const onStarted = renderTimeline();
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'Roll back to this: release 2' }));
    const dialog = await screen.findByRole('dialog', { name: 'Roll back web to release 2?' });
    await user.click(within(dialog).getByRole('button', { name: 'Roll back to release 2' }));

    await waitFor(() => expect(onStarted).toHaveBeenCalledWith(started));
    const [call] = calls(fetch);
    expect(call).toMatchObject({ url: '/api/v1/services/web/rollback', method: 'POST' });
    expect(JSON.parse(call!.body!)).toEqual({ to: 2 });
    expect(call!.headers['Idempotency-Key']).toMatch(/^[0-9a-f]{32}$/);
    expect(call!.headers.authorization).toBe('Bearer cite_t');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it("shows the API's 409 message in the dialog and keeps it open; a retry reuses the key", async () => {
    const fetch = vi.fn(async () =>
      json(409, {
        error: {
          code: 'conflict',
          message: 'release 2 is already running',
          details: [{ path: 'to', message: 'release 2 is already running' }],
        },
      }),
    );
    vi.stubGlobal('fetch', fetch);
    const onStarted = renderTimeline();
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'Roll back to this: release 2' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Roll back to release 2' }));

    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('release 2 is already running');
    expect(onStarted).not.toHaveBeenCalled();
    expect(screen.getByRole('dialog')).toBeTruthy();

    await user.click(within(dialog).getByRole('button', { name: 'Roll back to release 2' }));
    await waitFor(() => expect(fetch).toHaveBeenCalledTimes(2));
    const [first, second] = calls(fetch);
    expect(second!.headers['Idempotency-Key']).toBe(first!.headers['Idempotency-Key']);
  });

  it('closes the dialog on Cancel without calling the API', async () => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    renderTimeline();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Roll back to this: release 2' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(fetch).not.toHaveBeenCalled();
  });

  it('opens the deploy log of a release, following it until done', async () => {
    const lines = [
      {
        seq: 1,
        time: '2026-03-01T11:00:01Z',
        level: 'info',
        message: 'release 4: deploy of web:1.4 by user:ann',
      },
      { seq: 2, time: '2026-03-01T11:00:30Z', level: 'error', message: 'ImagePullBackOff: cannot pull' },
    ];
    const stream =
      'retry: 2000\n\n' +
      lines.map((line) => `id: ${line.seq}\nevent: log\ndata: ${JSON.stringify(line)}\n\n`).join('') +
      `id: 2\nevent: done\ndata: {"service":"web","number":4,"status":"failed"}\n\n`;
    const fetch = vi.fn(
      async () => new Response(stream, { headers: { 'content-type': 'text/event-stream' } }),
    );
    vi.stubGlobal('fetch', fetch);
    renderTimeline();
    const user = userEvent.setup();

    const toggles = screen.getAllByRole('button', { name: 'Show log' });
    await user.click(toggles[0]!);
    const log = await screen.findByRole('log', { name: 'Deploy log of release 4' });
    await waitFor(() => expect(log.textContent).toContain('ImagePullBackOff: cannot pull'));
    expect(log.textContent).toContain('release 4: deploy of web:1.4 by user:ann');
    expect(log.classList.contains('log')).toBe(true);
    expect(screen.getByRole('button', { name: 'Hide log' }).getAttribute('aria-expanded')).toBe('true');
    const [call] = calls(fetch);
    expect(call!.url).toBe('/api/v1/services/web/releases/4/log?follow=true');
    expect(call!.headers.accept).toBe('text/event-stream');
  });

  it('says when there are no releases yet', () => {
    render(
      wrap(
        <ReleasesTimeline
          service={service}
          releases={[]}
          running={undefined}
          now={NOW}
          onStarted={vi.fn()}
        />,
      ),
    );
    expect(screen.getByText(/No releases yet/)).toBeTruthy();
  });
});

describe('deploy dialog', () => {
  it("puts the API's field errors next to the fields", async () => {
    const fetch = vi.fn(async () =>
      json(400, {
        error: {
          code: 'invalid_input',
          message: 'invalid deploy',
          details: [
            { path: 'image', message: 'must be a tag (1.4.2), a digest (sha256:…) or an image reference' },
            { path: 'gitSha', message: 'must be 7-40 lowercase hex digits' },
          ],
        },
      }),
    );
    vi.stubGlobal('fetch', fetch);
    const onStarted = vi.fn();
    render(wrap(<DeployDialog service={service} onStarted={onStarted} />));
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'Deploy…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Deploy web' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Image' }), 'bad image!');
    await user.type(within(dialog).getByRole('textbox', { name: 'Git commit (optional)' }), 'xyz');
    await user.click(within(dialog).getByRole('button', { name: 'Deploy' }));

    await within(dialog).findByText('must be 7-40 lowercase hex digits');
    const image = within(dialog).getByRole('textbox', { name: 'Image' });
    expect(image.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (image.getAttribute('aria-describedby') ?? '').split(' ');
    const descriptions = describedBy.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
    expect(descriptions).toContain('must be a tag (1.4.2), a digest (sha256:…) or an image reference');
    expect(JSON.parse(calls(fetch)[0]!.body!)).toEqual({ image: 'bad image!', gitSha: 'xyz' });
    expect(calls(fetch)[0]!.url).toBe('/api/v1/services/web/deploys');
    expect(onStarted).not.toHaveBeenCalled();
  });

  it('deploys a tag and hands the new release on', async () => {
    const started = release(5, { status: 'pending' });
    const fetch = vi.fn(async () => json(202, { release: started, links: {} }));
    vi.stubGlobal('fetch', fetch);
    const onStarted = vi.fn();
    render(wrap(<DeployDialog service={service} onStarted={onStarted} />));
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'Deploy…' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByRole('textbox', { name: 'Image' }), ' 1.5.0 ');
    await user.click(within(dialog).getByRole('button', { name: 'Deploy' }));

    await waitFor(() => expect(onStarted).toHaveBeenCalledWith(started));
    const [call] = calls(fetch);
    expect(JSON.parse(call!.body!)).toEqual({ image: '1.5.0' });
    expect(call!.headers['Idempotency-Key']).toMatch(/^[0-9a-f]{32}$/);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('cannot be opened for a service being deleted', () => {
    render(wrap(<DeployDialog service={{ ...service, state: 'deleting' }} onStarted={vi.fn()} isDisabled />));
    expect(screen.getByRole('button', { name: 'Deploy…' }).hasAttribute('disabled')).toBe(true);
  });
});
