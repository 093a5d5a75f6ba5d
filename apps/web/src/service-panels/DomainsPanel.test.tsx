import type { Domain } from '@cite/model';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DomainsPanel } from './DomainsPanel';
import { clearDrafts } from './drafts';
import { json, on, renderPanel, serviceFixture, stubFetch } from './test-support';

afterEach(() => {
  vi.unstubAllGlobals();
  clearDrafts();
});

const service = serviceFixture({ domains: ['shop.example.com', 'www.example.com'] });
const record = (host: string, extra: Partial<Domain> = {}): Domain => ({
  host,
  service: 'web',
  namespace: 'cite-retail',
  paths: ['/'],
  targets: ['10.0.0.5'],
  ingress: 'cite-retail/web',
  updatedAt: '2025-01-02T00:00:00Z',
  ...extra,
});

const row = (name: string) => screen.getByRole('listitem', { name });

describe('DomainsPanel', () => {
  it("shows each host's record: served, or also claimed by someone else", async () => {
    const calls = stubFetch(
      on('GET', '/api/v1/services/web', () => json(200, service, { etag: '"3"' })),
      on('GET', '/api/v1/domains', () =>
        json(200, {
          items: [
            record('shop.example.com'),
            record('www.example.com', { conflict: { with: 'legacy/www', since: '2025-01-01T00:00:00Z' } }),
          ],
        }),
      ),
    );
    renderPanel(<DomainsPanel service={service} />);
    expect(await within(row('shop.example.com')).findByText('Served')).toBeTruthy();
    expect(within(row('shop.example.com')).getByText('Served by cite-retail/web at 10.0.0.5.')).toBeTruthy();
    expect(within(row('www.example.com')).getByText('Also claimed')).toBeTruthy();
    expect(within(row('www.example.com')).getByText(/the Ingress legacy\/www \(outside cite\)/)).toBeTruthy();
    expect(calls.find((call) => call.url.startsWith('/api/v1/domains'))?.url).toContain('service=web');
  });

  it("sends the whole list with If-Match and shows the API's 409 next to the host at fault", async () => {
    const user = userEvent.setup();
    const calls = stubFetch(
      on('GET', '/api/v1/services/web', () => json(200, service, { etag: '"3"' })),
      on('GET', '/api/v1/domains', () =>
        json(200, { items: [record('shop.example.com'), record('www.example.com')] }),
      ),
      on('PATCH', '/api/v1/services/web', () =>
        json(409, {
          error: {
            code: 'conflict',
            message: 'domain taken.example.com is already used by another service',
            details: [
              { path: 'domains.1', message: 'domain taken.example.com is already used by another service' },
            ],
          },
        }),
      ),
    );
    renderPanel(<DomainsPanel service={service} />);
    await within(row('shop.example.com')).findByText('Served');

    await user.click(within(row('www.example.com')).getByRole('button', { name: 'Remove www.example.com' }));
    await user.click(screen.getByRole('button', { name: 'Add domain' }));
    await user.type(screen.getByLabelText('Domain 2'), 'Taken.Example.com');
    expect(within(row('taken.example.com')).getByText('Not saved')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Save domains' }));

    const input = within(row('taken.example.com')).getByLabelText('Domain 2');
    await waitFor(() => expect(input.getAttribute('aria-invalid')).toBe('true'));
    expect(
      within(row('taken.example.com')).getByText(
        'domain taken.example.com is already used by another service',
      ),
    ).toBeTruthy();
    expect(within(row('shop.example.com')).queryByText(/already used/)).toBeNull();
    const patch = calls.find((call) => call.method === 'PATCH');
    expect(patch?.body).toEqual({ domains: ['shop.example.com', 'taken.example.com'] });
    expect(patch?.headers['if-match']).toBe('"3"');
  });
});
