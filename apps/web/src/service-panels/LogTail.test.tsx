import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LogTail } from './LogTail';
import { clearDrafts } from './drafts';
import { json, on, renderPanel, serviceFixture, stubFetch } from './test-support';

afterEach(() => {
  vi.unstubAllGlobals();
  clearDrafts();
});

const service = serviceFixture();
const encoder = new TextEncoder();

/** A log stream the test writes events into. */
function logStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  let id = 0;
  return {
    route: on(
      'GET',
      '/api/v1/services/web/logs',
      () => new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    ),
    send(event: string, data: unknown) {
      id += 1;
      act(() =>
        controller.enqueue(encoder.encode(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`)),
      );
    },
    line(pod: string, message: string) {
      this.send('log', { pod, container: 'app', time: '2025-01-01T12:00:00.000000000Z', message });
    },
  };
}

const box = () => screen.getByTestId('log-tail');

describe('LogTail', () => {
  it('shows the merged lines with their pods, filters them, and holds new ones while paused', async () => {
    const user = userEvent.setup();
    const stream = logStream();
    const calls = stubFetch(stream.route);
    renderPanel(<LogTail service={service} />);
    expect(box().getAttribute('role')).toBe('log');

    stream.send('pods', { service: 'web', pods: ['web-a1-x', 'web-b2-y'] });
    stream.line('web-a1-x', 'GET /health 200');
    stream.line('web-b2-y', 'ERROR database timeout');
    await waitFor(() => expect(box().textContent).toContain('ERROR database timeout'));
    expect(screen.getByText('Live: following 2 pods.')).toBeTruthy();
    expect(within(box()).getByTitle('web-a1-x (app)').textContent).toBe('a1-x');
    expect(calls[0]?.url).toContain('tailLines=100');
    expect(calls[0]?.headers.accept).toBe('text/event-stream');

    await user.type(screen.getByRole('searchbox', { name: 'Filter' }), 'error');
    expect(box().textContent).not.toContain('GET /health');
    expect(box().textContent).toContain('ERROR database timeout');
    await user.clear(screen.getByRole('searchbox', { name: 'Filter' }));

    await user.click(screen.getByRole('button', { name: 'Pause' }));
    stream.line('web-a1-x', 'while paused 1');
    stream.line('web-a1-x', 'while paused 2');
    expect(await screen.findByText(/2 new lines\./)).toBeTruthy();
    expect(box().textContent).not.toContain('while paused');
    await user.click(screen.getAllByRole('button', { name: 'Resume' })[0]!);
    expect(box().textContent).toContain('while paused 2');
  });

  it('says plainly when the API has no cluster (501), does not keep asking, and can try again', async () => {
    const user = userEvent.setup();
    const calls = stubFetch(
      on('GET', '/api/v1/services/web/logs', () =>
        json(501, {
          error: { code: 'not_configured', message: 'live logs need CITE_KUBECONFIG', details: [] },
        }),
      ),
    );
    renderPanel(<LogTail service={service} />);
    expect(
      await screen.findByText(/Live logs are not available: the API has no cluster configured/),
    ).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(calls).toHaveLength(1);
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(calls).toHaveLength(2));
  });

  it('says when too many streams are open (429)', async () => {
    stubFetch(
      on('GET', '/api/v1/services/web/logs', () =>
        json(429, {
          error: {
            code: 'too_many_requests',
            message: 'at most 5 live log streams per token; close one first',
            details: [
              {
                path: 'headers.authorization',
                message: 'at most 5 live log streams per token; close one first',
              },
            ],
          },
        }),
      ),
    );
    renderPanel(<LogTail service={service} />);
    expect(
      await screen.findByText(/Too many live log streams are open for your token: at most 5/),
    ).toBeTruthy();
  });
});
