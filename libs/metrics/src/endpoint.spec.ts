import { createMetrics } from './cite-metrics';
import { serveMetrics, type RunningMetricsServer } from './endpoint';
import { sumOf } from './exposition';
import { scrape } from './testing';

const TOKEN = 'metrics-token-that-is-long-enough-0123456789';

describe('serveMetrics and metricsEndpoint', () => {
  const metrics = createMetrics({ processMetrics: false });
  let open: RunningMetricsServer;
  let guarded: RunningMetricsServer;

  beforeAll(async () => {
    metrics.lockWait('acquired', 0.01);
    open = await serveMetrics(metrics, { host: '127.0.0.1', port: 0 });
    guarded = await serveMetrics(metrics, { host: '127.0.0.1', port: 0, token: TOKEN });
  });
  afterAll(async () => {
    await open.close();
    await guarded.close();
  });

  it('answers the exposition text without a token when none is configured', async () => {
    const families = await scrape(`${open.url}/metrics`);
    expect(sumOf(families, 'cite_lock_wait_seconds_count', { outcome: 'acquired' })).toBe(1);
  });

  it('asks for the bearer token when one is configured, in the error shape of every cite answer', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${TOKEN}`]) {
      const response = await fetch(
        `${guarded.url}/metrics`,
        authorization ? { headers: { authorization } } : {},
      );
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    }
    const families = await scrape(`${guarded.url}/metrics`, TOKEN);
    expect(families.has('cite_lock_wait_seconds')).toBe(true);
  });

  it('refuses other methods, says it is up at /healthz and knows no other path', async () => {
    const post = await fetch(`${open.url}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = await fetch(`${open.url}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect(await (await fetch(`${open.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const missing = await fetch(`${open.url}/nothing-here`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});
