import { Histogram, Registry } from 'prom-client';
import { createMetrics } from './cite-metrics';
import { CITE_METRIC_NAMES } from './definitions';
import { parseExposition, sumOf } from './exposition';
import { NO_METRICS, releaseVerdictOf } from './recorders';
import { timeCall } from './time-call';

const parsed = async (metrics: ReturnType<typeof createMetrics>) =>
  parseExposition(await metrics.exposition());

describe('createMetrics', () => {
  it('gives each caller a registry of its own, with every cite metric typed and documented', async () => {
    const one = createMetrics({ processMetrics: false });
    const two = createMetrics({ processMetrics: false });
    one.releaseFinished({ cause: 'deploy', outcome: 'succeeded', seconds: 3, rolloutSeconds: 2 });
    const families = await parsed(one);
    expect([...families.keys()].sort()).toEqual([...CITE_METRIC_NAMES].sort());
    for (const family of families.values()) expect(family.help).not.toBe('');
    expect(families.get('cite_releases_total')?.type).toBe('counter');
    expect(families.get('cite_queue_jobs')?.type).toBe('gauge');
    expect(families.get('cite_http_request_duration_seconds')?.type).toBe('histogram');
    expect(sumOf(await parsed(two), 'cite_releases_total')).toBe(0);
  });

  it('adds the process metrics unless told not to', async () => {
    const families = await parsed(createMetrics());
    expect(families.get('process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(families.get('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
  });

  it('records each kind of event with bounded labels', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.httpRequest('get', '/api/v1/services/:name', 200, 0.01);
    metrics.etcdRequest('get /cite/v1/services/web', 'ok', 0.002);
    metrics.etcdRequest('txn', 'unavailable', 3);
    metrics.lockWait('timeout', 30);
    metrics.redisCommand('EVALSHA', 'ok', 0.001);
    metrics.queueWait('releases', 0.2);
    metrics.kubeRequest('PATCH', '/apis/apps/v1/namespaces/team-a/deployments/web', 200, 0.03);
    metrics.kubeRequest('GET', '/version', undefined, 5);
    metrics.releaseFinished({ cause: 'scale', outcome: 'superseded', seconds: 1 });
    metrics.releaseFinished({ cause: 'deploy', outcome: 'failed', seconds: 9, rolloutSeconds: 8 });
    const f = await parsed(metrics);
    const count = (name: string, labels: Record<string, string>) => sumOf(f, `${name}_count`, labels);
    expect(
      count('cite_http_request_duration_seconds', { method: 'GET', route: '/api/v1/services/:name' }),
    ).toBe(1);
    expect(count('cite_etcd_request_duration_seconds', { op: 'get', outcome: 'ok' })).toBe(1);
    expect(count('cite_etcd_request_duration_seconds', { op: 'txn', outcome: 'unavailable' })).toBe(1);
    expect(count('cite_lock_wait_seconds', { outcome: 'timeout' })).toBe(1);
    expect(count('cite_redis_command_duration_seconds', { command: 'evalsha' })).toBe(1);
    expect(count('cite_queue_wait_seconds', { queue: 'releases' })).toBe(1);
    expect(count('cite_kube_request_duration_seconds', { verb: 'patch', resource: 'deployments' })).toBe(1);
    expect(
      count('cite_kube_request_duration_seconds', { verb: 'get', resource: 'version', code: 'none' }),
    ).toBe(1);
    expect(sumOf(f, 'cite_releases_total', { cause: 'scale', outcome: 'superseded' })).toBe(1);
    expect(count('cite_release_duration_seconds', { cause: 'deploy', outcome: 'failed' })).toBe(1);
    // A superseded release never rolled out: only the failed one has a verdict latency.
    expect(count('cite_rollout_verdict_seconds', {})).toBe(1);
    expect(count('cite_rollout_verdict_seconds', { verdict: 'failed' })).toBe(1);
    const values = [...f.values()].flatMap((family) =>
      family.samples.flatMap((s) => Object.values(s.labels)),
    );
    expect(values).not.toContain('web');
    expect(values.some((value) => value.includes('/cite/v1/'))).toBe(false);
  });

  it('reads the queue depths at each scrape, and leaves the gauge empty when they cannot be read', async () => {
    const metrics = createMetrics({ processMetrics: false, collectTimeoutMs: 100 });
    let depths: () => Promise<Record<string, Record<string, number>>> = async () => ({
      releases: { waiting: 4, active: 1 },
      deletions: { waiting: 0, active: 0 },
    });
    metrics.collectQueueDepths(() => depths());
    let f = await parsed(metrics);
    expect(sumOf(f, 'cite_queue_jobs', { queue: 'releases', state: 'waiting' })).toBe(4);
    expect(f.get('cite_queue_jobs')?.samples).toHaveLength(4);
    depths = async () => ({ releases: { waiting: 7 } });
    expect(sumOf(await parsed(metrics), 'cite_queue_jobs', { queue: 'releases', state: 'waiting' })).toBe(7);
    depths = () => Promise.reject(new Error('redis is down'));
    f = await parsed(metrics);
    expect(f.get('cite_queue_jobs')?.samples).toEqual([]);
    depths = () => new Promise(() => undefined); // never answers: the scrape still does, after collectTimeoutMs
    f = await parsed(metrics);
    expect(f.get('cite_queue_jobs')?.samples).toEqual([]);
  });

  it('NO_METRICS accepts every call and records nothing', () => {
    expect(() => {
      NO_METRICS.httpRequest('GET', '/', 200, 1);
      NO_METRICS.releaseFinished({ cause: 'deploy', outcome: 'succeeded', seconds: 1 });
    }).not.toThrow();
  });
});

describe('timeCall', () => {
  it('observes a call that resolves and one that throws, with labels chosen by the outcome', async () => {
    const registry = new Registry();
    const histogram = new Histogram({
      name: 'test_call_seconds',
      help: 'test',
      labelNames: ['outcome'],
      registers: [registry],
    });
    const outcome = (error: unknown) => ({ outcome: error === undefined ? 'ok' : 'error' });
    await expect(timeCall(histogram, outcome, async () => 42)).resolves.toBe(42);
    await expect(timeCall(histogram, outcome, () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    await timeCall(histogram, { outcome: 'fixed' }, async () => undefined);
    const f = parseExposition(await registry.metrics());
    expect(sumOf(f, 'test_call_seconds_count', { outcome: 'ok' })).toBe(1);
    expect(sumOf(f, 'test_call_seconds_count', { outcome: 'error' })).toBe(1);
    expect(sumOf(f, 'test_call_seconds_count', { outcome: 'fixed' })).toBe(1);
  });
});

describe('releaseVerdictOf', () => {
  it('measures from creation, and from the start of the apply when there was one', () => {
    expect(
      releaseVerdictOf({
        cause: 'deploy',
        status: 'succeeded',
        createdAt: '2025-01-01T00:00:00.000Z',
        startedAt: '2025-01-01T00:00:02.000Z',
        finishedAt: '2025-01-01T00:00:12.500Z',
      }),
    ).toEqual({ cause: 'deploy', outcome: 'succeeded', seconds: 12.5, rolloutSeconds: 10.5 });
    expect(
      releaseVerdictOf({
        cause: 'scale',
        status: 'superseded',
        createdAt: '2025-01-01T00:00:00.000Z',
        finishedAt: '2025-01-01T00:00:01.000Z',
      }),
    ).toEqual({ cause: 'scale', outcome: 'superseded', seconds: 1 });
    expect(releaseVerdictOf({ cause: 'deploy', status: 'failed', createdAt: 'garbage' }).seconds).toBe(0);
  });
});
