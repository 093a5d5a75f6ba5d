import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Network from '../pages/Network';
import { apiError, renderAt, stubApi, type Call } from './test-utils';

afterEach(() => vi.unstubAllGlobals());

const member = { actor: 'token:m1', name: 'Mo', role: 'member', teams: ['pay', 'retail'] };

const node = (name: string, used: number | null, extra: object = {}) => ({
  name,
  address: `10.60.25.${name === 'node-a' ? 1 : 2}`,
  podCidr: name === 'node-a' ? '10.60.1.0/24' : '10.60.2.0/24',
  inPool: true,
  reported: used !== null,
  ready: used === null ? null : true,
  capacity: 253,
  used,
  free: used === null ? null : 253 - used,
  usedPercent: used === null ? null : Math.round((used / 253) * 1000) / 10,
  updatedAt: used === null ? null : '2024-05-01T12:00:00.000Z',
  ...extra,
});

const network = {
  pool: {
    source: 'etcd',
    supernets: ['10.60.0.0/16'],
    ranges: [
      { range: '10.60.1.0/24', node: 'node-a', addresses: 256, capacity: 253 },
      { range: '10.60.2.0/24', node: 'node-b', addresses: 256, capacity: 253 },
      { range: '10.60.3.0/24', node: null, addresses: 256, capacity: 253 },
    ],
    spareRanges: ['10.60.3.0/24'],
  },
  nodes: [node('node-a', 12), node('node-b', 230), node('node-c', null, { inPool: false, podCidr: null })],
  totals: {
    addresses: 768,
    capacity: 759,
    assigned: 506,
    spare: 253,
    used: 242,
    free: 264,
    usedPercent: 47.8,
  },
  warnings: [
    {
      node: 'node-b',
      kind: 'usage',
      message: 'node node-b uses 230 of 253 pod addresses (90.9 %), above 80 %',
    },
  ],
};

const domain = (host: string, overrides: object = {}) => ({
  host,
  service: 'web',
  namespace: 'cite-pay',
  ingress: 'cite-pay/web',
  paths: ['/'],
  tls: { secretName: 'web-tls' },
  targets: ['192.0.2.10'],
  updatedAt: '2024-05-01T12:00:00.000Z',
  ...overrides,
});

function networkApi(call: Call) {
  if (call.path === '/api/v1/whoami') return { status: 200, body: member };
  if (call.path === '/api/v1/network') return { status: 200, body: network };
  if (call.path === '/api/v1/domains') {
    if (call.search.get('service') === 'nope')
      return apiError(404, 'not_found', 'service nope not found', 'name');
    return {
      status: 200,
      body: {
        items: [
          domain('shop.example.com', { service: 'shop', namespace: 'cite-retail', tls: undefined }),
          domain('web.example.com', { conflict: { with: 'web2', since: '2024-05-02T08:00:00.000Z' } }),
        ],
      },
    };
  }
  if (call.path === '/api/v1/network/ips/10.60.1.9')
    return apiError(404, 'not_found', 'no pod you can see holds 10.60.1.9: it is a free pod address', 'ip');
  return undefined;
}

describe('Network page', () => {
  it("shows each node's use as a meter with the numbers, warning above 80 %", async () => {
    stubApi(networkApi);
    renderAt(<Network />, { path: '/network', signedIn: true });

    const a = await screen.findByRole('meter', { name: 'Pod addresses used on node-a' });
    expect(a.getAttribute('aria-valuenow')).toBe('4.7');
    expect(a.getAttribute('aria-valuetext')).toBe('12 / 253 (4.7 %) used');
    expect(a.querySelector('.bar')?.className).toBe('bar');

    const b = screen.getByRole('meter', { name: 'Pod addresses used on node-b' });
    expect(b.getAttribute('aria-valuenow')).toBe('90.9');
    expect(b.querySelector('.bar')?.className).toBe('bar warn');
    expect(within(b).getByText('230 / 253 (90.9 %)')).toBeTruthy();
    expect(within(b).getByText(/above 80 %/)).toBeTruthy();

    const total = screen.getByRole('meter', { name: "Pod addresses used on the pool's nodes" });
    expect(total.getAttribute('aria-valuetext')).toBe('242 / 506 (47.8 %) used');

    // A node the watcher has not reported, and one the pool does not know.
    const rowC = screen.getByRole('rowheader', { name: /node-c/ }).closest('tr') as HTMLElement;
    expect(within(rowC).getByText(/not reported yet/)).toBeTruthy();
    expect(within(rowC).getByText('not in the pool')).toBeTruthy();

    expect(
      screen.getByText(/node node-b uses 230 of 253 pod addresses \(90\.9 %\), above 80 %/),
    ).toBeTruthy();
    expect(screen.getByText(/Spare \(no node yet\): 10\.60\.3\.0\/24/)).toBeTruthy();
  });

  it('lists domains with their owner, TLS, targets and conflicts', async () => {
    stubApi(networkApi);
    renderAt(<Network />, { path: '/network', signedIn: true });
    const table = await screen.findByRole('table', { name: 'Domains' });
    const web = within(table)
      .getByRole('rowheader', { name: 'web.example.com' })
      .closest('tr') as HTMLElement;
    expect(within(web).getByRole('link', { name: 'web' }).getAttribute('href')).toBe('/services/web');
    expect(within(web).getByText(/also claimed by/).textContent).toMatch(
      /web2 since 2024-05-02 08:00:00 UTC/,
    );
    expect(within(web).getByText('web-tls')).toBeTruthy();
    expect(within(web).getByText('192.0.2.10')).toBeTruthy();
    expect(screen.getByText('1 conflict among 2 shown')).toBeTruthy();

    await userEvent.click(screen.getByRole('checkbox', { name: 'Conflicts only' }));
    expect(within(table).queryByRole('rowheader', { name: 'shop.example.com' })).toBeNull();
  });

  it("shows one service's domains through the API's filter, and its refusal", async () => {
    const { calls } = stubApi(networkApi);
    renderAt(<Network />, { path: '/network', signedIn: true });
    await screen.findByRole('table', { name: 'Domains' });
    await userEvent.type(screen.getByRole('searchbox', { name: 'Service' }), 'nope');
    await userEvent.click(screen.getByRole('button', { name: 'Show' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /No domains for service nope: service nope not found/,
    );
    expect(
      calls
        .filter((call) => call.path === '/api/v1/domains')
        .at(-1)
        ?.search.get('service'),
    ).toBe('nope');
  });

  it('looks up an address from the page', async () => {
    stubApi(networkApi);
    renderAt(<Network />, { path: '/network', signedIn: true });
    await userEvent.type(await screen.findByRole('textbox', { name: 'IPv4 address' }), '10.60.1.9');
    await userEvent.click(screen.getByRole('button', { name: 'Look up' }));
    expect(await screen.findByText(/free: no pod has this address/)).toBeTruthy();
  });

  it('shows why the pool could not be loaded', async () => {
    stubApi((call) =>
      call.path === '/api/v1/network'
        ? apiError(503, 'unavailable', 'etcd unavailable during read')
        : networkApi(call),
    );
    renderAt(<Network />, { path: '/network', signedIn: true });
    expect((await screen.findByText(/The IP pool could not be loaded/)).textContent).toMatch(
      /etcd unavailable/,
    );
  });
});
