import { jest } from '@jest/globals';
import { METRICS } from '@cite/metrics';
import { parseExposition, scrape, sumOf, type MetricFamily } from '@cite/metrics/testing';
import type { AppProcess } from '@cite/test-support';
import { Harness, startTestCluster, type TestCluster } from './support';

jest.setTimeout(90_000);

const TOKEN = 'deployer-metrics-token-long-enough-0123456789';

/** The metrics URL the deployer printed in its `deployer ready` line. */
function metricsUrlOf(deployer: AppProcess): string {
  const ready = deployer
    .output()
    .split('\n')
    .map((line) => (line.startsWith('{') ? (JSON.parse(line) as { message?: string; metrics?: string }) : {}))
    .find((line) => line.message === 'deployer ready');
  if (!ready?.metrics) throw new Error(`no metrics URL in:\n${deployer.output()}`);
  return ready.metrics;
}

/** Scrapes until `done` holds (the deployer records a verdict just after etcd has it). */
async function scrapeUntil(
  url: string,
  done: (families: Map<string, MetricFamily>) => boolean,
  timeoutMs = 10_000,
): Promise<Map<string, MetricFamily>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const families = await scrape(url, TOKEN);
    if (done(families)) return families;
    if (Date.now() > deadline)
      throw new Error(`metrics never showed what was expected within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The deployer process's `/metrics` after real releases, against real etcd, Redis and local-cluster. */
describe('deployer /metrics', () => {
  let cluster: TestCluster;
  let harness: Harness;
  let url: string;
  let families: Map<string, MetricFamily>;

  beforeAll(async () => {
    cluster = await startTestCluster();
    harness = await Harness.create({ cluster });
    const deployer = await harness.startDeployer({
      CITE_METRICS_TOKEN: TOKEN,
      CITE_DEPLOYER_METRICS_PORT: '0',
    });
    url = metricsUrlOf(deployer);
    for (const name of ['metrics-api', 'metrics-shop']) {
      const service = await harness.createService(name);
      const release = await harness.deploy(service, `registry.local:5000/qa/${name}:v1`);
      await harness.waitForRelease(name, release.number, ['succeeded']);
    }
    families = await scrapeUntil(url, (f) => sumOf(f, 'cite_releases_total') >= 2);
  });
  afterAll(async () => {
    await harness?.close();
    await cluster?.stop();
  });

  it('serves /metrics behind the token, and /healthz', async () => {
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url.replace(/\/metrics$/, '/healthz'))).status).toBe(200);
    const text = await (await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    const parsed = parseExposition(text);
    for (const definition of Object.values(METRICS)) {
      expect(parsed.get(definition.name)).toMatchObject({ type: definition.type, help: definition.help });
    }
    expect(parsed.get('process_resident_memory_bytes')?.type).toBe('gauge');
  });

  it('counts the verdicts by cause and outcome, with their durations', () => {
    expect(sumOf(families, 'cite_releases_total', { cause: 'deploy', outcome: 'succeeded' })).toBe(2);
    const durations = { cause: 'deploy', outcome: 'succeeded' };
    expect(sumOf(families, 'cite_release_duration_seconds_count', durations)).toBe(2);
    expect(sumOf(families, 'cite_release_duration_seconds_sum', durations)).toBeGreaterThan(0);
    expect(sumOf(families, 'cite_rollout_verdict_seconds_count', { verdict: 'succeeded' })).toBe(2);
  });

  it('times the queue wait, the Kubernetes calls, etcd and Redis, with bounded labels', () => {
    expect(sumOf(families, 'cite_queue_wait_seconds_count', { queue: 'releases' })).toBe(2);
    const kube = (labels: Record<string, string>) =>
      sumOf(families, 'cite_kube_request_duration_seconds_count', labels);
    // Server-side apply: 201 when it creates the object. No Ingress is wanted, so its delete finds none (404).
    expect(kube({ verb: 'patch', resource: 'deployments', code: '201' })).toBe(2);
    expect(kube({ verb: 'delete', resource: 'ingresses', code: '404' })).toBe(2);
    expect(kube({ verb: 'patch', resource: 'namespaces' })).toBeGreaterThanOrEqual(1);
    expect(kube({ verb: 'watch', resource: 'deployments' })).toBeGreaterThanOrEqual(1);
    expect(
      sumOf(families, 'cite_etcd_request_duration_seconds_count', { op: 'txn', outcome: 'ok' }),
    ).toBeGreaterThan(0);
    expect(sumOf(families, 'cite_redis_command_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThan(
      0,
    );
    expect(families.get('cite_queue_jobs')?.samples.length).toBe(16);
    const labels = [...families.values()]
      .filter((family) => family.name.startsWith('cite_'))
      .flatMap((family) => family.samples.map((sample) => JSON.stringify(sample.labels)));
    expect(labels.join('\n')).not.toMatch(/metrics-(api|shop)|cite-qa/);
  });
});
