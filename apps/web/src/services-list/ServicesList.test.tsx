import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderPage, stubApi, type Call } from '../service-form/testing';
import type { ServiceListItem } from './model';
import { ServicesList } from './ServicesList';

// Typing through user-event takes seconds on a busy machine.
vi.setConfig({ testTimeout: 20_000 });
afterEach(() => vi.unstubAllGlobals());

const member = { actor: 'token:t1', name: 'dev', role: 'member' as const, teams: ['payments'] };
const admin = { actor: 'token:root', name: 'root', role: 'admin' as const, teams: [] };
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

function item(name: string, over: Partial<ServiceListItem> = {}): ServiceListItem {
  return {
    name,
    team: 'payments',
    state: 'active',
    image: 'reg/app',
    replicas: 2,
    domains: [],
    labels: {},
    status: {
      release: {
        number: 3,
        status: 'succeeded',
        image: 'reg/app:3',
        cause: 'deploy',
        createdAt: minutesAgo(10),
        finishedAt: minutesAgo(3),
      },
      running: 3,
      pods: { desired: 2, ready: 2 },
      observedAt: minutesAgo(0),
    },
    ...over,
  };
}

const firstPage = [
  item('pay-api', {
    domains: ['pay.example.com', 'api.pay.example.com', 'old.pay.example.com'],
    labels: { tier: 'gold' },
  }),
  item('pay-api-pr-4', {
    preview: { parent: 'pay-api', pullRequest: 4, branch: 'fix' },
    status: {
      release: {
        number: 2,
        status: 'failed',
        image: 'reg/app:2',
        cause: 'preview',
        createdAt: minutesAgo(20),
        finishedAt: minutesAgo(15),
        failureReason: 'ImagePullBackOff',
      },
      running: 1,
      pods: { desired: 2, ready: 1 },
      observedAt: minutesAgo(1),
    },
  }),
];

function pages(call: Call) {
  const url = new URL(call.url, 'http://cite.test');
  if (url.pathname !== '/api/v1/services') return { status: 404 };
  if (url.searchParams.get('cursor') === 'n1') return { status: 200, body: { items: [item('pay-worker')] } };
  return { status: 200, body: { items: firstPage, nextCursor: 'n1' } };
}

const queryOf = (call: Call) => new URL(call.url, 'http://cite.test').searchParams;

describe('services list', () => {
  it("shows a page of services at a glance, with the session's team and the URL's search", async () => {
    const calls = stubApi(member, pages);
    renderPage(<ServicesList />, '/services', '/services?q=pay');

    const rows = await screen.findAllByTestId('service-row');
    expect(rows).toHaveLength(2);
    expect(screen.getByTestId('services-table').tagName).toBe('TABLE');

    const query = queryOf(calls[0]!);
    expect(query.get('team')).toBe('payments');
    expect(query.get('q')).toBe('pay');
    expect(query.get('include')).toBe('status');
    expect(query.get('limit')).toBe('50');
    expect(query.has('cursor')).toBe(false);
    expect(calls).toHaveLength(1); // one request for the page, none per row

    const first = within(rows[0]!);
    expect(first.getByRole('link', { name: 'pay-api' }).getAttribute('href')).toBe('/services/pay-api');
    expect(rows[0]!.textContent).toContain('#3');
    expect(rows[0]!.textContent).toContain('Succeeded');
    expect(rows[0]!.textContent).toContain('3 min ago');
    expect(rows[0]!.textContent).toContain('2/2 ready');
    expect(rows[0]!.textContent).toContain('pay.example.com');
    expect(rows[0]!.textContent).toContain('+1 more');
    expect(first.getByRole('button', { name: 'Show only services labelled tier=gold' })).toBeTruthy();

    expect(rows[1]!.textContent).toContain('preview #4');
    expect(rows[1]!.textContent).toContain('Failed: ImagePullBackOff');
    expect(rows[1]!.textContent).toContain('15 min ago');
    expect(rows[1]!.textContent).toContain('1/2 ready');
    expect(rows[1]!.textContent).toContain('#1');
  });

  it('pages forward with the cursor and back again', async () => {
    const calls = stubApi(member, pages);
    const user = userEvent.setup({ delay: null });
    renderPage(<ServicesList />, '/services', '/services');
    await screen.findAllByTestId('service-row');
    expect(screen.getByRole('button', { name: 'Previous' }).hasAttribute('disabled')).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(screen.getAllByTestId('service-row')).toHaveLength(1));
    expect(queryOf(calls.at(-1)!).get('cursor')).toBe('n1');
    expect(screen.getByText('Page 2')).toBeTruthy();
    expect(screen.getByText(/Showing 51–51/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Next' }).hasAttribute('disabled')).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Previous' }));
    await waitFor(() => expect(screen.getAllByTestId('service-row')).toHaveLength(2));
    expect(screen.getByText('Page 1')).toBeTruthy();
  });

  it('sends the search after a pause and keeps it in the URL; refuses what is not part of a name', async () => {
    const calls = stubApi(member, pages);
    const user = userEvent.setup({ delay: null });
    renderPage(<ServicesList />, '/services', '/services');
    await screen.findAllByTestId('service-row');

    await user.type(screen.getByRole('searchbox', { name: 'Search' }), 'api');
    await waitFor(() => expect(queryOf(calls.at(-1)!).get('q')).toBe('api'));
    expect(calls.filter((call) => queryOf(call).has('q'))).toHaveLength(1); // debounced: one request
    expect(screen.getByTestId('where').textContent).toBe('/services?q=api');

    await user.type(screen.getByRole('searchbox', { name: 'Search' }), ' x');
    expect(await screen.findByText('Names have only letters, digits and hyphens.')).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(calls.some((call) => (queryOf(call).get('q') ?? '').includes(' '))).toBe(false);
  });

  it('filters by state and by a label from a row, in the URL', async () => {
    const calls = stubApi(member, pages);
    const user = userEvent.setup({ delay: null });
    renderPage(<ServicesList />, '/services', '/services');
    const rows = await screen.findAllByTestId('service-row');

    await user.selectOptions(screen.getByLabelText('State'), 'all');
    await waitFor(() => expect(queryOf(calls.at(-1)!).get('state')).toBe('all'));

    await user.click(within(rows[0]!).getByRole('button', { name: /tier=gold/ }));
    await waitFor(() => expect(queryOf(calls.at(-1)!).getAll('label')).toEqual(['tier=gold']));
    expect(screen.getByTestId('where').textContent).toBe('/services?state=all&label=tier%3Dgold');
    expect((screen.getByLabelText('Labels') as HTMLInputElement).value).toBe('tier=gold');

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(screen.getByTestId('where').textContent).toBe('/services'));
  });

  it('lets an admin see all teams or type one', async () => {
    const calls = stubApi(admin, pages);
    const user = userEvent.setup({ delay: null });
    renderPage(<ServicesList />, '/services', '/services');
    await screen.findAllByTestId('service-row');
    expect(queryOf(calls[0]!).has('team')).toBe(false);
    expect(screen.getByText('All teams')).toBeTruthy();

    await user.type(screen.getByLabelText('Team'), 'search');
    await waitFor(() => expect(queryOf(calls.at(-1)!).get('team')).toBe('search'));
    await waitFor(() => expect(screen.getByTestId('where').textContent).toBe('/services?team=search'));
  });

  it('invites creating the first service when there is none', async () => {
    stubApi(member, () => ({ status: 200, body: { items: [] } }));
    renderPage(<ServicesList />, '/services', '/services');
    expect(await screen.findByText(/No services yet/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Create one' }).getAttribute('href')).toBe('/services/new');
    expect(screen.getByRole('link', { name: 'Create service' }).getAttribute('href')).toBe('/services/new');
    expect(screen.queryByTestId('services-table')).toBeNull();
  });

  it("shows the API's message when the list cannot be read", async () => {
    stubApi(member, () => ({
      status: 400,
      body: { error: { code: 'invalid_input', message: "include: must be 'status'", details: [] } },
    }));
    renderPage(<ServicesList />, '/services', '/services');
    expect((await screen.findByRole('alert')).textContent).toContain("include: must be 'status'");
  });
});
