import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ScalePanel } from './ScalePanel';
import { clearDrafts } from './drafts';
import { json, on, renderPanel, serviceFixture, stubFetch } from './test-support';

afterEach(() => {
  vi.unstubAllGlobals();
  clearDrafts();
});

const service = serviceFixture();
let stored = service;
const read = on('GET', '/api/v1/services/web', () => json(200, stored, { etag: '"7"' }));

beforeEach(() => {
  stored = service;
});

function cpuField(name: 'Request' | 'Limit') {
  return within(screen.getByRole('group', { name: 'CPU' })).getByRole('textbox', { name });
}

describe('ScalePanel', () => {
  it('shows the current values and asks the API for what changed, then shows the release it made', async () => {
    const user = userEvent.setup();
    const onChanged = vi.fn();
    const scaled = serviceFixture({
      replicas: 3,
      resources: { ...service.resources, cpu: { request: '100m', limit: '1' } },
      updatedAt: '2025-01-03T00:00:00.000Z',
    });
    const calls = stubFetch(
      read,
      on('POST', '/api/v1/services/web/scale', () => {
        stored = scaled;
        return json(202, {
          service: scaled,
          release: { number: 12, cause: 'scale', status: 'pending', service: 'web' },
          links: {},
        });
      }),
    );
    renderPanel(<ScalePanel service={service} onChanged={onChanged} />);

    const replicas = screen.getByRole('textbox', { name: 'Replicas' });
    expect(replicas).toHaveProperty('value', '2');
    expect(cpuField('Limit')).toHaveProperty('value', '500m');
    // Pressing Scale with nothing changed asks the API nothing.
    await user.click(screen.getByRole('button', { name: 'Scale' }));
    expect(calls.filter((call) => call.method === 'POST')).toHaveLength(0);
    expect(screen.getByText('No changes.')).toBeTruthy();

    await user.clear(replicas);
    await user.type(replicas, '3');
    await user.tab();
    await user.clear(cpuField('Limit'));
    await user.type(cpuField('Limit'), '1');
    expect(screen.getByText('Will change replicas 2 → 3, cpu limit 500m → 1.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Scale' }));

    const outcome = await screen.findByText(/is on its way/);
    expect(outcome.textContent).toContain('release #12');
    expect(outcome.textContent).toContain('Overview');
    const post = calls.find((call) => call.method === 'POST');
    expect(post?.body).toEqual({ replicas: 3, cpu: { limit: '1' } });
    expect(post?.headers['idempotency-key']).toMatch(/.+/);
    expect(onChanged).toHaveBeenCalledTimes(1);
    // The form now shows the scaled service and has nothing more to send.
    expect(screen.getByRole('textbox', { name: 'Replicas' })).toHaveProperty('value', '3');
    expect(screen.getByRole('button', { name: 'Reset' })).toHaveProperty('disabled', true);
  });

  it("shows the API's messages next to their fields and the rest above the button", async () => {
    const user = userEvent.setup();
    const onChanged = vi.fn();
    stubFetch(
      read,
      on('POST', '/api/v1/services/web/scale', () =>
        json(400, {
          error: {
            code: 'invalid_input',
            message:
              'scale is invalid: cpu.request: must be less than or equal to cpu limit of 500m (and 1 more)',
            details: [
              { path: 'cpu.request', message: 'must be less than or equal to cpu limit of 500m' },
              { path: 'headers.idempotency-key', message: 'must be 1-255 visible ASCII characters' },
            ],
          },
        }),
      ),
    );
    renderPanel(<ScalePanel service={service} onChanged={onChanged} />);
    await user.clear(cpuField('Request'));
    await user.type(cpuField('Request'), '2');
    await user.click(screen.getByRole('button', { name: 'Scale' }));

    await waitFor(() => expect(cpuField('Request').getAttribute('aria-invalid')).toBe('true'));
    const describedBy = cpuField('Request').getAttribute('aria-describedby') ?? '';
    const descriptions = describedBy
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent)
      .join(' | ');
    expect(descriptions).toContain('must be less than or equal to cpu limit of 500m');
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('scale is invalid');
    expect(alert.textContent).toContain('headers.idempotency-key: must be 1-255 visible ASCII characters');
    expect(onChanged).not.toHaveBeenCalled();

    // Editing the field takes its message away.
    await user.type(cpuField('Request'), '0');
    expect(cpuField('Request').getAttribute('aria-invalid')).toBeNull();
  });

  it('refuses an empty amount without asking the API', async () => {
    const user = userEvent.setup();
    const calls = stubFetch(read);
    renderPanel(<ScalePanel service={service} />);
    await user.clear(cpuField('Limit'));
    await user.click(screen.getByRole('button', { name: 'Scale' }));
    await waitFor(() => expect(cpuField('Limit').getAttribute('aria-invalid')).toBe('true'));
    expect(calls.filter((call) => call.method === 'POST')).toHaveLength(0);
  });
});
