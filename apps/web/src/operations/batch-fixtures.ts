/** A batch report for the component tests, as the API answers one. */
import type { BatchReport } from '@cite/model';

export function batchReport(overrides: Partial<BatchReport> = {}): BatchReport {
  const startedAt = overrides.startedAt ?? '2024-05-01T03:00:00.000Z';
  return {
    task: 'gc',
    id: `${startedAt}-ab12`,
    startedAt,
    finishedAt: '2024-05-01T03:00:02.500Z',
    durationMs: 2500,
    outcome: 'succeeded',
    dryRun: false,
    trigger: 'schedule',
    runner: 'host/42',
    summary: 'deleted 3 of 120 ReplicaSets',
    counts: { deleted: 3, kept: 117 },
    warnings: [],
    items: [],
    details: {},
    ...overrides,
  };
}
