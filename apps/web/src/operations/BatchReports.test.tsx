import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, renderAt, stubApi, type Call } from '../network/test-utils';
import { batchReport } from './batch-fixtures';
import { BatchReports } from './BatchReports';

afterEach(() => vi.unstubAllGlobals());

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

const nodeReport = batchReport({
  task: 'node-report',
  id: 'n3',
  startedAt: minutesAgo(3),
  durationMs: 420,
  trigger: 'manual',
  summary: '2 of 3 nodes Ready, 9 pods, 1 warnings',
  counts: { nodes: 3, ready: 2, notReady: 1, warnings: 1 },
  warnings: ['node cite-node-3 is NotReady'],
  items: [
    { action: 'ready', target: 'node cite-node-1', reason: '4 pods, 4/254 IPs' },
    { action: 'ready', target: 'node cite-node-2', reason: '5 pods, 5/254 IPs' },
    { action: 'not-ready', target: 'node cite-node-3', reason: '0 pods, 0/254 IPs' },
  ],
  details: { poolSource: 'default' },
});
const olderNodeReport = batchReport({
  task: 'node-report',
  id: 'n2',
  startedAt: minutesAgo(90),
  summary: '3 of 3 nodes Ready, 8 pods',
  counts: { nodes: 3, ready: 3 },
});
const oldestNodeReport = batchReport({
  task: 'node-report',
  id: 'n1',
  startedAt: minutesAgo(600),
  outcome: 'failed',
  summary: 'the cluster did not answer',
  counts: {},
});
const gcDryRun = batchReport({
  task: 'gc',
  id: 'g1',
  startedAt: minutesAgo(120),
  dryRun: true,
  outcome: 'failed',
  summary: 'etcd did not answer',
  items: [
    { action: 'would delete', target: 'ReplicaSet cite-web/web-1', reason: 'older than the 10 kept' },
    { action: 'keep', target: 'ReplicaSet cite-web/web-2', reason: 'running' },
    { action: 'keep', target: 'ReplicaSet cite-web/web-3', reason: 'rollback target' },
  ],
});

function batchApi(call: Call) {
  if (call.path === '/api/v1/batch/reports') return { status: 200, body: { items: [gcDryRun, nodeReport] } };
  if (call.path === '/api/v1/batch/reports/node-report') {
    if (call.search.get('cursor') === 'page2') return { status: 200, body: { items: [oldestNodeReport] } };
    return { status: 200, body: { items: [nodeReport, olderNodeReport], nextCursor: 'page2' } };
  }
  if (call.path === '/api/v1/batch/reports/gc') return { status: 200, body: { items: [gcDryRun] } };
  return undefined;
}

const row = (task: string) => screen.getByTestId(`batch-task-${task}`);
const cells = (element: HTMLElement) =>
  within(element)
    .getAllByRole('cell')
    .map((cell) => cell.textContent);

describe('BatchReports', () => {
  it('lists all six tasks in order, with the newest report or "never run"', async () => {
    stubApi(batchApi);
    renderAt(<BatchReports />);
    const table = await screen.findByRole('table', { name: 'Batch tasks' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual([
      'gc',
      'etcd-backup',
      'etcd-restore',
      'log-retention',
      'health-check',
      'node-report',
    ]);

    expect(cells(row('node-report'))).toEqual([
      'succeeded',
      '3 min ago',
      '0.4 s',
      'manual',
      '2 of 3 nodes Ready, 9 pods, 1 warnings',
      '1 warning',
    ]);
    const ran = within(row('node-report')).getByText('3 min ago');
    expect(ran.getAttribute('title')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(within(row('node-report')).getByText('succeeded').className).toBe('batch-badge status-ok');

    expect(cells(row('gc')).slice(0, 2)).toEqual(['faileddry run', '2 h ago']);
    expect(within(row('gc')).getByText('failed').className).toBe('batch-badge status-bad');
    expect(within(row('gc')).getByText('dry run')).toBeTruthy();

    expect(cells(row('etcd-backup'))).toEqual([
      'never run',
      '—',
      '—',
      '—',
      'No report: the task has not run.',
      '—',
    ]);
    // A task that never ran has nothing to open.
    expect(within(row('etcd-backup')).queryByRole('button')).toBeNull();
  });

  it("opens a task's history: the newest report in full, kept items hidden, more pages by cursor", async () => {
    const { calls } = stubApi(batchApi);
    renderAt(<BatchReports />, { path: '/operations' });
    const open = await screen.findByRole('button', { name: 'node-report' });
    expect(open.getAttribute('aria-pressed')).toBe('false');
    await userEvent.click(open);
    expect(open.getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('location').textContent).toBe('/operations?batch=node-report');

    const history = await screen.findByRole('table', { name: 'History of node-report' });
    expect(within(history).getAllByRole('row')).toHaveLength(3);
    const report = screen.getByTestId('batch-report');
    expect(within(report).getByText('2 of 3 nodes Ready, 9 pods, 1 warnings')).toBeTruthy();
    // Counts, by name for people.
    expect(within(report).getByText('not ready').nextElementSibling?.textContent).toBe('1');
    // Warnings, set apart.
    const warnings = within(report).getByRole('group', { name: /Warnings \(1\)/ });
    expect(within(warnings).getByText('node cite-node-3 is NotReady')).toBeTruthy();
    // Items.
    const items = within(report).getByRole('table', { name: /Items/ });
    const itemRows = within(items).getAllByRole('row').slice(1);
    expect(itemRows.map((r) => cells(r))).toEqual([
      ['ready', 'node cite-node-1', '4 pods, 4/254 IPs'],
      ['ready', 'node cite-node-2', '5 pods, 5/254 IPs'],
      ['not-ready', 'node cite-node-3', '0 pods, 0/254 IPs'],
    ]);
    expect(within(itemRows[2] as HTMLElement).getByText('not-ready').className).toBe('status-bad');
    // Nothing was kept: no toggle.
    expect(within(report).queryByRole('checkbox')).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(within(history).getAllByRole('row')).toHaveLength(4));
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    const asked = calls.filter((call) => call.path === '/api/v1/batch/reports/node-report');
    expect(asked.map((call) => call.search.toString())).toEqual(['limit=20', 'limit=20&cursor=page2']);

    // An older report, picked from the history.
    const oldest = within(history).getAllByRole('row')[3] as HTMLElement;
    await userEvent.click(within(oldest).getByRole('button', { name: /^Show the report of/ }));
    const shown = screen.getByTestId('batch-report');
    expect(within(shown).getByText('the cluster did not answer')).toBeTruthy();
    expect(within(shown).getByText('failed').className).toBe('batch-badge status-bad');
    expect(within(shown).getByText('No counts.')).toBeTruthy();
    expect(within(shown).getByText('No warnings.')).toBeTruthy();
    expect(within(oldest).getByRole('button', { name: /^Show/ }).getAttribute('aria-pressed')).toBe('true');

    // Pressing the task again closes its history.
    await userEvent.click(screen.getByRole('button', { name: 'node-report' }));
    expect(screen.queryByRole('table', { name: 'History of node-report' })).toBeNull();
    expect(screen.getByTestId('location').textContent).toBe('/operations');
  });

  it('hides kept items until asked, and marks a dry run', async () => {
    stubApi(batchApi);
    renderAt(<BatchReports />, { path: '/operations?batch=gc' });
    const report = await screen.findByTestId('batch-report');
    expect(within(report).getByText(/A dry run: the items say what would be done/)).toBeTruthy();
    const items = within(report).getByRole('table', { name: /Items/ });
    expect(
      within(items)
        .getAllByRole('row')
        .slice(1)
        .map((r) => cells(r)[0]),
    ).toEqual(['would delete']);
    expect(within(report).getByText('2 kept items are hidden.')).toBeTruthy();
    expect(within(report).getByRole('heading', { name: 'Items (1 of 3)' })).toBeTruthy();

    const toggle = within(report).getByRole('checkbox', { name: 'Show kept items (2)' });
    expect((toggle as HTMLInputElement).checked).toBe(false);
    await userEvent.click(toggle);
    expect(
      within(items)
        .getAllByRole('row')
        .slice(1)
        .map((r) => cells(r)[0]),
    ).toEqual(['would delete', 'keep', 'keep']);
    expect(within(report).queryByText(/kept items are hidden/)).toBeNull();
  });

  it('says when a task has no reports, and ignores a task it does not know in the address', async () => {
    const { calls } = stubApi((call) => {
      if (call.path === '/api/v1/batch/reports') return { status: 200, body: { items: [] } };
      if (call.path === '/api/v1/batch/reports/gc') return { status: 200, body: { items: [] } };
      return undefined;
    });
    renderAt(<BatchReports />, { path: '/operations?batch=gc' });
    expect(await screen.findByText(/gc has no reports/)).toBeTruthy();
    const table = screen.getByRole('table', { name: 'Batch tasks' });
    expect(within(table).getAllByText('never run')).toHaveLength(6);
    expect(calls.map((call) => call.path).sort()).toEqual([
      '/api/v1/batch/reports',
      '/api/v1/batch/reports/gc',
    ]);
  });

  it('does not ask for a task it does not know', async () => {
    const { calls } = stubApi(batchApi);
    renderAt(<BatchReports />, { path: '/operations?batch=..%2Flocks' });
    await screen.findByRole('table', { name: 'Batch tasks' });
    expect(calls.map((call) => call.path)).toEqual(['/api/v1/batch/reports']);
    expect(screen.queryByTestId('batch-report')).toBeNull();
  });

  it("shows the API's refusal", async () => {
    stubApi((call) =>
      call.path === '/api/v1/batch/reports'
        ? apiError(403, 'forbidden', 'this needs an admin token', 'headers.authorization')
        : undefined,
    );
    renderAt(<BatchReports />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('The batch reports could not be loaded: this needs an admin token');
  });

  it("shows a history's error", async () => {
    stubApi((call) => {
      if (call.path === '/api/v1/batch/reports') return { status: 200, body: { items: [nodeReport] } };
      if (call.path === '/api/v1/batch/reports/node-report')
        return apiError(503, 'unavailable', 'etcd is unavailable');
      return undefined;
    });
    renderAt(<BatchReports />, { path: '/operations?batch=node-report' });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('The reports of node-report could not be loaded: etcd is unavailable');
  });
});
