import {
  canTransitionRelease,
  isTerminalReleaseStatus,
  ReleaseCause,
  releaseConfigOf,
  ReleaseSchema,
  ReleaseStatus,
} from './release';
import { exampleRelease, exampleService, EXAMPLE_TIME } from './testing';

const SHA = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('ReleaseSchema', () => {
  it('round-trips a finished release through JSON unchanged', () => {
    const release = exampleRelease({
      number: 7,
      digest: SHA,
      status: 'failed',
      message: 'rollout did not become ready',
      failureReason: 'ProgressDeadlineExceeded',
      startedAt: EXAMPLE_TIME,
      finishedAt: '2024-05-01T12:05:00.250Z',
    });
    expect(ReleaseSchema.parse(JSON.parse(JSON.stringify(release)))).toEqual(release);
  });

  it('takes rollbacks that name an earlier release', () => {
    expect(
      ReleaseSchema.safeParse(exampleRelease({ number: 5, cause: 'rollback', rollbackOf: 3 })).success,
    ).toBe(true);
  });

  it.each([
    [{ image: 'registry.local:5000/payments/payments-api' }, 'image'],
    [{ image: `registry.local:5000/payments/payments-api@${SHA}` }, null],
    [{ digest: 'sha256:abc' }, 'digest'],
    [{ gitSha: '4f2a9c' }, 'gitSha'],
    [{ gitSha: 'ABCDEF1' }, 'gitSha'],
    [{ number: 0 }, 'number'],
    [{ cause: 'rollback' }, 'rollbackOf'],
    [{ rollbackOf: 1, number: 2 }, 'rollbackOf'],
    [{ cause: 'rollback', rollbackOf: 4, number: 4 }, 'rollbackOf'],
    [{ status: 'done' }, 'status'],
    [{ cause: 'push' }, 'cause'],
    [{ actor: '' }, 'actor'],
    [{ service: 'Payments' }, 'service'],
    [{ finishedAt: 'soon' }, 'finishedAt'],
    [{ config: { ...exampleRelease().config, replicas: -1 } }, 'config.replicas'],
    [
      {
        config: {
          ...exampleRelease().config,
          resources: { cpu: { request: '1', limit: '1m' }, memory: { request: '1Mi', limit: '1Mi' } },
        },
      },
      'config.resources.cpu.request',
    ],
  ] as [Record<string, unknown>, string | null][])('%p → issue at %p', (overrides, path) => {
    const result = ReleaseSchema.safeParse({ ...exampleRelease(), ...overrides });
    expect(result.error?.issues.map((issue) => issue.path.join('.')) ?? []).toEqual(
      path === null ? [] : [path],
    );
  });
});

describe('release config', () => {
  it('snapshots the service and does not follow later changes', () => {
    const service = exampleService();
    const config = releaseConfigOf(service);
    expect(config).toEqual({
      port: service.port,
      replicas: service.replicas,
      resources: service.resources,
      env: service.env,
      healthCheck: service.healthCheck,
      domains: service.domains,
    });
    service.env.push({ name: 'LATER', value: '1' });
    service.resources.cpu.limit = '4';
    expect(config.env).toHaveLength(1);
    expect(config.resources.cpu.limit).toBe('500m');
  });
});

describe('release statuses', () => {
  it('enumerates the statuses and causes', () => {
    expect(ReleaseStatus.options).toEqual(['pending', 'in_progress', 'succeeded', 'failed', 'superseded']);
    expect(ReleaseCause.options).toEqual(['deploy', 'rollback', 'config', 'scale', 'preview']);
  });

  it.each([
    ['pending', 'in_progress', true],
    ['pending', 'superseded', true],
    ['pending', 'failed', true],
    ['pending', 'succeeded', false],
    ['in_progress', 'succeeded', true],
    ['in_progress', 'failed', true],
    ['in_progress', 'superseded', true],
    ['in_progress', 'pending', false],
    ['succeeded', 'failed', false],
    ['failed', 'in_progress', false],
    ['superseded', 'pending', false],
    ['pending', 'pending', false],
  ] as [ReleaseStatus, ReleaseStatus, boolean][])('%s → %s allowed: %p', (from, to, allowed) => {
    expect(canTransitionRelease(from, to)).toBe(allowed);
  });

  it('knows the terminal statuses', () => {
    expect(ReleaseStatus.options.filter(isTerminalReleaseStatus)).toEqual([
      'succeeded',
      'failed',
      'superseded',
    ]);
  });
});
