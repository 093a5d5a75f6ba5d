/**
 * The runner and log-retention against real parts: the test etcd (a fresh prefix) and the test run's search
 * engine. Indices are named with a team unique to this run, so other suites' indices are never looked at.
 */
import { ConflictError } from '@cite/errors';
import { LogStore } from '@cite/log-store';
import { lockNames, MetadataStore } from '@cite/store';
import { testEtcdEndpoint, testLogsUrl, uniquePrefix } from '@cite/test-support';
import { logRetentionTask } from './log-retention';
import { runTask } from './run-task';
import { emptyResult, type BatchTaskRun } from './task';

let store: MetadataStore;
let logs: LogStore;

beforeAll(async () => {
  store = await MetadataStore.create({
    endpoints: [testEtcdEndpoint()],
    prefix: uniquePrefix('batch'),
    timeoutMs: 3_000,
  });
  logs = LogStore.connect({ url: testLogsUrl() });
});
afterAll(async () => {
  await store?.close();
  await logs?.close();
});

describe('runTask', () => {
  const task = (run: BatchTaskRun['run']): BatchTaskRun => ({ task: 'node-report', run });

  it('saves a report of what the task answered, and frees the lock', async () => {
    const outcome = await runTask(
      task(async (context) => {
        context.progress.phase('x');
        const result = emptyResult('3 nodes Ready');
        result.counts = { nodes: 3 };
        return result;
      }),
      { store, runner: 'test/1', trigger: 'schedule' },
    );
    expect(outcome).toMatchObject({
      exitCode: 0,
      saved: true,
      report: { outcome: 'succeeded', summary: '3 nodes Ready', trigger: 'schedule' },
    });
    const stored = await store.batchReports.list('node-report');
    expect(stored.items.map((i) => i.value)).toEqual([outcome.report]);
    expect(await store.etcd.listLocks()).toEqual([]);
  });

  it('records a thrown error as a failed run with its first line', async () => {
    const outcome = await runTask(
      task(async () => {
        throw new Error('engine said no\nstack and more');
      }),
      { store, runner: 'test/1' },
    );
    expect(outcome.exitCode).toBe(1);
    expect(outcome.report).toMatchObject({ outcome: 'failed', summary: 'engine said no' });
  });

  it('refuses to start while another run holds the lock, saving nothing', async () => {
    const held = await store.etcd.acquireLock(lockNames.batch('node-report'), { owner: 'other-host/9' });
    const before = (await store.batchReports.list('node-report')).items.length;
    let ran = false;
    try {
      const error = await runTask(
        task(async () => {
          ran = true;
          return emptyResult('');
        }),
        { store, runner: 'test/1' },
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as Error).message).toMatch(
        /node-report is already running: lock batch\/node-report is held by other-host\/9/,
      );
    } finally {
      await held.release();
    }
    expect(ran).toBe(false);
    expect((await store.batchReports.list('node-report')).items).toHaveLength(before);
  });
});

describe('log-retention against the search engine', () => {
  const team = `rt${Date.now().toString(36)}`;
  const names = [
    `cite-logs-${team}-2026.03.31`,
    `cite-logs-${team}-2026.03.16`,
    `cite-logs-${team}-2026.03.17`,
    `cite-deploys-${team}-2025.12.01`,
    `cite-deploys-${team}-2026.01.15`,
    `cite-other-${team}-2020.01.01`,
  ];
  const indices = () => logs.indices(`cite-*${team}*`);

  beforeAll(async () => {
    for (const name of names) {
      const response = await fetch(`${testLogsUrl()}/${name}`, { method: 'PUT' });
      expect(response.status).toBe(200);
    }
  });
  afterAll(async () => {
    for (const name of await indices()) await logs.deleteIndex(name);
  });

  const run = (dryRun: boolean) =>
    runTask(
      logRetentionTask({ logs, days: { logs: 14, deploys: 90, system: 30 }, pattern: `cite-*${team}*` }),
      {
        store,
        runner: 'test/1',
        dryRun,
        now: () => new Date('2026-03-31T10:00:00Z'),
      },
    );

  it('lists what would go on a dry run and deletes nothing', async () => {
    const { report } = await run(true);
    expect(report.items.filter((i) => i.action === 'would delete').map((i) => i.target)).toEqual([
      `cite-deploys-${team}-2025.12.01`,
      `cite-logs-${team}-2026.03.16`,
    ]);
    expect(await indices()).toHaveLength(names.length);
  });

  it("deletes indices past retention and keeps today's, recent ones and foreign names", async () => {
    const { report } = await run(false);
    expect(report.counts).toEqual({ indices: 6, deleted: 2, kept: 4 });
    expect(await indices()).toEqual(
      [
        `cite-deploys-${team}-2026.01.15`,
        `cite-logs-${team}-2026.03.17`,
        `cite-logs-${team}-2026.03.31`,
        `cite-other-${team}-2020.01.01`,
      ].sort(),
    );
    // Idempotent: a second run finds nothing more.
    expect((await run(false)).report.counts['deleted']).toBe(0);
  });
});
