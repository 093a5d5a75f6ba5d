/**
 * `/metrics` of the api process, built and started the way users run it, on the test etcd and a Redis of its own:
 * real requests, then a scrape parsed strictly.
 */
import { CITE_METRIC_NAMES, METRICS } from '@cite/metrics';
import { scrape, sumOf, type MetricFamily } from '@cite/metrics/testing';
import {
  freePort,
  runApp,
  startRedis,
  testEtcdEndpoint,
  uniquePrefix,
  type AppProcess,
  type RunningRedis,
} from '@cite/test-support';
import { eventually } from './testing/harness';

const ADMIN = 'metrics-admin-token-that-is-long-enough-0123';
const METRICS_TOKEN = 'metrics-scrape-token-that-is-long-enough-012';

describe('api /metrics', () => {
  let redis: RunningRedis;
  let api: AppProcess;
  let base: string;
  let families: Map<string, MetricFamily>;

  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    redis = await startRedis({ appendOnly: false });
    const port = await freePort();
    api = await runApp('api', {
      CITE_ETCD_ENDPOINTS: testEtcdEndpoint(),
      CITE_ETCD_PREFIX: uniquePrefix('api-metrics'),
      CITE_REDIS_URL: redis.url,
      CITE_API_PORT: String(port),
      CITE_ADMIN_TOKEN: ADMIN,
      CITE_METRICS_TOKEN: METRICS_TOKEN,
      CITE_LOG_LEVEL: 'warn',
    });
    base = `http://127.0.0.1:${port}`;
    await eventually(
      () =>
        fetch(`${base}/readyz`).then(
          (r) => (r.status === 200 ? true : undefined),
          () => undefined,
        ),
      30_000,
    );
    const service = (name: string) => ({ name, team: 'qa', image: 'registry.local:5000/qa/app', port: 8080 });
    expect((await call('POST', '/api/v1/services', service('metrics-web'))).status).toBe(201);
    expect((await call('POST', '/api/v1/services', service('metrics-shop'))).status).toBe(201);
    expect((await call('GET', '/api/v1/services/metrics-web')).status).toBe(200);
    expect((await call('GET', '/api/v1/services/metrics-shop')).status).toBe(200);
    expect((await call('GET', '/api/v1/services/metrics-none')).status).toBe(404);
    expect((await call('POST', '/api/v1/services/metrics-web/deploys', { image: '2' })).status).toBe(202);
    expect((await call('GET', '/no/such/path')).status).toBe(404);
    families = await scrape(`${base}/metrics`, METRICS_TOKEN);
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
    await redis?.stop();
  });

  it('asks for the metrics token', async () => {
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    expect((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })).status).toBe(
      401,
    );
  });

  it('declares every cite metric with its type and help, and the process metrics', () => {
    for (const definition of Object.values(METRICS)) {
      expect(families.get(definition.name)).toMatchObject({ type: definition.type, help: definition.help });
    }
    expect(CITE_METRIC_NAMES.every((name) => families.has(name))).toBe(true);
    expect(families.get('process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(families.get('nodejs_heap_size_used_bytes')?.type).toBe('gauge');
  });

  it('times requests by route template and status, with no service name in any label', () => {
    const count = (labels: Record<string, string>) =>
      sumOf(families, 'cite_http_request_duration_seconds_count', labels);
    expect(count({ method: 'POST', route: '/api/v1/services', status: '201' })).toBe(2);
    expect(count({ method: 'GET', route: '/api/v1/services/:name', status: '200' })).toBe(2);
    expect(count({ method: 'GET', route: '/api/v1/services/:name', status: '404' })).toBe(1);
    expect(count({ method: 'POST', route: '/api/v1/services/:name/deploys', status: '202' })).toBe(1);
    expect(count({ method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(count({ method: 'GET', route: '/readyz' })).toBeGreaterThanOrEqual(1);
    const samples = families.get('cite_http_request_duration_seconds')!.samples;
    expect(new Set(samples.flatMap((sample) => Object.keys(sample.labels)))).toEqual(
      new Set(['method', 'route', 'status', 'le']),
    );
    for (const sample of samples) {
      expect(sample.labels['route']).toMatch(/^(\/[a-z0-9/:.]*|unmatched)$/);
      expect(JSON.stringify(sample.labels)).not.toMatch(/metrics-(web|shop|none)|no\/such/);
    }
  });

  it('times the etcd calls and Redis commands behind them, and reads the queue depth', () => {
    expect(
      sumOf(families, 'cite_etcd_request_duration_seconds_count', { op: 'txn', outcome: 'ok' }),
    ).toBeGreaterThan(0);
    expect(sumOf(families, 'cite_etcd_request_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThan(2);
    expect(sumOf(families, 'cite_redis_command_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThan(
      0,
    );
    // The deploy's job waits: no deployer runs here.
    expect(sumOf(families, 'cite_queue_jobs', { queue: 'releases', state: 'waiting' })).toBe(1);
    expect(sumOf(families, 'cite_queue_jobs', { queue: 'deletions', state: 'waiting' })).toBe(0);
  });
});
