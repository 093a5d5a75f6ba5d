/**
 * One keep-alive connection pool per cluster: `KubeCluster`'s calls (plain-JSON reads and applies, client-node's
 * typed calls, watches) reuse connections instead of opening one per request. Observed from the kernel's socket
 * table, so it holds whatever the HTTP client does inside.
 */
import { jest } from '@jest/globals';
import fs from 'node:fs';
import { KubeCluster, renderService } from '@cite/kube';
import { exampleRelease, exampleService } from '@cite/model/testing';
import { startTestCluster, type TestCluster } from './support';

jest.setTimeout(60_000);

/** Socket inodes this process holds open. */
function ownSockets(): Set<string> {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/self/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/** Local ports of this process's established TCP connections to `port` (client side), IPv4 and IPv6. */
function clientPortsTo(port: number): Set<number> {
  const found = new Set<number>();
  const own = ownSockets();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 4 || fields[3] !== '01') continue; // 01: ESTABLISHED
      const local = Number.parseInt(fields[1]!.split(':')[1]!, 16);
      const remote = Number.parseInt(fields[2]!.split(':')[1]!, 16);
      if (remote === port && own.has(fields[9]!)) found.add(local);
    }
  }
  return found;
}

const service = exampleService({ name: 'pool-web', team: 'pool', replicas: 1, domains: [] });
const rendered = renderService(
  service,
  exampleRelease({ service: service.name, number: 1, image: 'registry.local/pool/web:1' }),
);

describe('KubeCluster connections', () => {
  let test: TestCluster;
  let cluster: KubeCluster;
  let port: number;

  beforeAll(async () => {
    test = await startTestCluster({ delays: { containerCreatingMs: 0, startMs: 0, readyMs: 0 } });
    cluster = KubeCluster.fromKubeconfig({ kubeconfigPath: test.kubeconfig });
    port = Number(new URL(cluster.server).port);
  });

  afterAll(async () => {
    await cluster?.close();
    await test?.stop();
  });

  it('reuses one pool: 60 calls one after another use at most two connections', async () => {
    await cluster.apply(rendered.namespace);
    const seen = new Set<number>();
    for (let i = 0; i < 15; i++) {
      await cluster.apply(rendered.deployment);
      await cluster.getDeployment('cite-pool', 'pool-web');
      await cluster.listPods('cite-pool', 'app.kubernetes.io/name=pool-web');
      await cluster.ping();
      for (const local of clientPortsTo(port)) seen.add(local);
    }
    // A pool per request would leave a new lingering connection behind each of the 60 calls.
    expect(seen.size).toBeGreaterThan(0);
    expect(seen.size).toBeLessThanOrEqual(2);
  });

  it('keeps concurrent calls to a bounded set of connections that later calls reuse', async () => {
    await Promise.all(Array.from({ length: 10 }, () => cluster.getDeployment('cite-pool', 'pool-web')));
    const afterBurst = clientPortsTo(port);
    for (let i = 0; i < 20; i++) await cluster.listPods('cite-pool', 'app.kubernetes.io/name=pool-web');
    const afterMore = clientPortsTo(port);
    expect(afterBurst.size).toBeLessThanOrEqual(12);
    for (const local of afterMore) expect(afterBurst.has(local)).toBe(true);
  });
});
