import type { V1Deployment, V1Node, V1Pod } from '@kubernetes/client-node';
import { validatePool, DEFAULT_POOL } from '@cite/ip-pool';
import { LABELS } from '@cite/kube';
import { exampleRelease } from '@cite/model/testing';
import { paceDelayMs } from './gc';
import { driftOf, healthOf, restartingPods } from './health-check';
import { planRetention } from './log-retention';
import { nodeRows } from './node-report';
import { buildReport } from './run-task';

describe('planRetention', () => {
  const days = { logs: 14, deploys: 90, system: 30 };
  const now = new Date('2026-03-31T23:59:00Z');

  it.each([
    ['cite-logs-payments-2026.03.31', 'keep', "today's index"],
    ['cite-logs-payments-2026.04.01', 'keep', 'dated in the future'],
    ['cite-logs-payments-2026.03.17', 'keep', 'service logs, 14 days old, within 14 days'],
    ['cite-logs-payments-2026.03.16', 'delete', 'service logs, 15 days old, past 14 days'],
    ['cite-logs-team-with-dashes-2025.12.01', 'delete', 'service logs, 120 days old, past 14 days'],
    ['cite-deploys-payments-2026.01.01', 'keep', 'deploy logs, 89 days old, within 90 days'],
    ['cite-deploys-payments-2025.12.31', 'keep', 'deploy logs, 90 days old, within 90 days'],
    ['cite-deploys-payments-2025.12.30', 'delete', 'deploy logs, 91 days old, past 90 days'],
    ['cite-system-2026.03.01', 'keep', "cite's own logs, 30 days old, within 30 days"],
    ['cite-system-2026.02.28', 'delete', "cite's own logs, 31 days old, past 30 days"],
    ['cite-logs-payments-2026.02.30', 'keep', 'the date in its name is not a calendar date'],
    ['cite-logs-2026.01.01', 'keep', "matches none of cite's index names"],
    ['kibana-2020.01.01', 'keep', "matches none of cite's index names"],
    ['cite-logs-payments-2020.01.01-reindexed', 'keep', "matches none of cite's index names"],
  ])('%s: %s (%s)', (index, action, reason) => {
    expect(planRetention([index], now, days)).toEqual([{ index, action, reason }]);
  });
});

describe('nodeRows', () => {
  const pool = validatePool(DEFAULT_POOL);
  const first = pool.nodes[0]!;
  const node = (name: string, ready: string, cidr?: string): V1Node => ({
    metadata: { name },
    spec: {
      ...(cidr ? { podCIDR: cidr } : {}),
      taints: ready === 'True' ? [] : [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }],
    },
    status: { conditions: [{ type: 'Ready', status: ready }], allocatable: { cpu: '8', memory: '32Gi' } },
  });
  const pod = (nodeName: string, ip: string, phase = 'Running'): V1Pod => ({
    metadata: { name: `p-${ip}` },
    spec: {
      nodeName,
      containers: [{ name: 'app', resources: { requests: { cpu: '250m', memory: '128Mi' } } }],
    },
    status: { phase, podIP: ip },
  });

  it('counts pods, addresses, requests and backends per node, and warns of NotReady and full ranges', () => {
    const base = first.range.cidr.replace(/\.0\/24$/, '');
    const pods = Array.from({ length: 210 }, (_, i) => pod(first.name, `${base}.${i + 2}`));
    pods.push(pod(first.name, `${base}.250`, 'Succeeded'));
    const { rows, warnings } = nodeRows(
      [node(first.name, 'True', first.range.cidr), node(pool.nodes[1]!.name, 'Unknown')],
      pods,
      pool,
      [first.name, first.name, pool.nodes[1]!.name],
    );
    expect(rows[0]).toMatchObject({
      node: first.name,
      ready: 'True',
      pods: 210,
      ipsUsed: 210,
      ipsCapacity: 253,
      cpuRequestedMillis: 52_500,
      cpuAllocatableMillis: 8000,
      memoryRequestedBytes: 210 * 128 * 1024 * 1024,
      lbBackends: 2,
    });
    expect(rows[1]).toMatchObject({
      ready: 'Unknown',
      pods: 0,
      taints: ['node.kubernetes.io/unreachable:NoExecute'],
    });
    expect(warnings).toEqual([
      `node ${first.name}: pod range ${first.range.cidr} is 83 % used (210 of 253)`,
      `node ${pool.nodes[1]!.name} is NotReady (Ready=Unknown), with 1 load-balancer backends`,
    ]);
  });
});

describe('health-check decisions', () => {
  it('is up when every ready endpoint answers, degraded when some do, down when none does or none is ready', () => {
    const probe = (ok: boolean) => ({ pod: 'p', ok, latencyMs: 1 });
    expect(healthOf([probe(true), probe(true)])).toBe('up');
    expect(healthOf([probe(true), probe(false)])).toBe('degraded');
    expect(healthOf([probe(false)])).toBe('down');
    expect(healthOf([])).toBe('down');
  });

  it('tells release, image and replica drift apart', () => {
    const current = exampleRelease({ number: 4, image: 'reg/app:v4', status: 'succeeded' });
    const deployment = (release: string, image: string, replicas: number, ready: number): V1Deployment => ({
      metadata: { labels: { [LABELS.release]: release } },
      spec: { replicas, selector: {}, template: { spec: { containers: [{ name: 'app', image }] } } },
      status: { readyReplicas: ready },
    });
    const wanted = current.config.replicas;
    expect(
      driftOf(current, {
        deployment: deployment('4', 'reg/app:v4', wanted, wanted),
        pods: [],
        readyPods: [],
      }),
    ).toEqual([]);
    expect(
      driftOf(current, { deployment: deployment('3', 'reg/app:v3', wanted + 1, 0), pods: [], readyPods: [] }),
    ).toEqual([
      "Deployment is at release 3, cite's current release is 4",
      'Deployment runs image reg/app:v3, release 4 has reg/app:v4',
      `Deployment wants ${wanted + 1} replicas, release 4 declares ${wanted}`,
      `0 of ${wanted} replicas ready`,
    ]);
    expect(driftOf(current, { pods: [], readyPods: [] })).toEqual([
      'no Deployment, but release 4 is current',
    ]);
    expect(driftOf(undefined, { pods: [], readyPods: [] })).toEqual([]);
  });

  it('flags pods from the restart threshold on', () => {
    const pod = (name: string, restarts: number): V1Pod => ({
      metadata: { name },
      status: {
        containerStatuses: [{ name: 'app', restartCount: restarts, image: '', imageID: '', ready: true }],
      },
    });
    expect(restartingPods([pod('a', 4), pod('b', 5), pod('c', 9)], 5)).toEqual([
      { pod: 'b', restarts: 5 },
      { pod: 'c', restarts: 9 },
    ]);
  });
});

describe('paceDelayMs', () => {
  it('waits until the deletions so far fit the rate', () => {
    expect(paceDelayMs(0, 10, 0)).toBe(0);
    expect(paceDelayMs(20, 10, 1000)).toBe(1000);
    expect(paceDelayMs(20, 10, 2500)).toBe(0);
  });
});

describe('buildReport', () => {
  it("caps what a report keeps and takes a failure's reason as its summary", () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const report = buildReport(
      'gc',
      {
        summary: 'ignored',
        counts: { deleted: 3000 },
        warnings: [],
        items: Array.from({ length: 3000 }, (_, i) => ({ action: 'delete', target: `x${i}`, reason: 'r' })),
        details: {},
        failure: 'etcd unreachable',
      },
      {
        startedAt: at,
        finishedAt: new Date(at.getTime() + 1500),
        dryRun: false,
        trigger: 'manual',
        runner: 'h/1',
        id: 'i',
      },
    );
    expect(report).toMatchObject({
      outcome: 'failed',
      summary: 'etcd unreachable',
      durationMs: 1500,
      counts: { deleted: 3000 },
    });
    expect(report.items).toHaveLength(2000);
  });
});
