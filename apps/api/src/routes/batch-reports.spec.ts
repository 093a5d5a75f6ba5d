import type { BatchReport, BatchTask } from '@cite/model';
import request from 'supertest';
import { startHarness, type Harness } from '../testing/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('batch-reports');
});
afterAll(() => h?.close());

function report(task: BatchTask, minute: number, summary: string): BatchReport {
  const startedAt = new Date(Date.UTC(2026, 0, 1, 3, minute)).toISOString();
  return {
    task,
    id: `${startedAt}-abc${minute}`,
    startedAt,
    finishedAt: startedAt,
    durationMs: 0,
    outcome: 'succeeded',
    dryRun: false,
    trigger: 'schedule',
    runner: 'host/1',
    summary,
    counts: { deleted: minute },
    warnings: [],
    items: [],
    details: {},
  };
}

describe('GET /api/v1/batch/reports', () => {
  beforeAll(async () => {
    for (const minute of [1, 2, 3]) await h.store.batchReports.save(report('gc', minute, `gc run ${minute}`), 2);
    await h.store.batchReports.save(report('node-report', 5, 'all nodes Ready'));
  });

  it('answers the newest report of each task that has run, to admins', async () => {
    const res = await request(h.app).get('/api/v1/batch/reports').set('authorization', h.admin);
    expect(res.status).toBe(200);
    expect(res.body.items.map((r: BatchReport) => [r.task, r.summary])).toEqual([
      ['gc', 'gc run 3'],
      ['node-report', 'all nodes Ready'],
    ]);
  });

  it("pages one task's reports newest first, the oldest beyond the kept number gone", async () => {
    const first = await request(h.app).get('/api/v1/batch/reports/gc?limit=1').set('authorization', h.admin);
    expect(first.body.items.map((r: BatchReport) => r.summary)).toEqual(['gc run 3']);
    const second = await request(h.app)
      .get(`/api/v1/batch/reports/gc?limit=5&cursor=${first.body.nextCursor}`)
      .set('authorization', h.admin);
    // Saved with keep=2: run 1 was pruned when run 3 was saved.
    expect(second.body.items.map((r: BatchReport) => r.summary)).toEqual(['gc run 2']);
    expect(second.body.nextCursor).toBeUndefined();
  });

  it('refuses members (403), strangers (401) and an unknown task (400 at task)', async () => {
    const member = await h.token({ teams: ['payments'] });
    expect((await request(h.app).get('/api/v1/batch/reports').set('authorization', member)).status).toBe(403);
    expect((await request(h.app).get('/api/v1/batch/reports/gc')).status).toBe(401);
    const bad = await request(h.app).get('/api/v1/batch/reports/%2e%2e').set('authorization', h.admin);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ path: 'task', message: expect.stringContaining('gc, etcd-backup') }]);
  });
});
