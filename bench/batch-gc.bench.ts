/**
 * cite-batch gc planning (issue 17, "Speed"): 2,000 services with 5 releases each in etcd and 10,000 cite
 * ReplicaSets (5 revisions per service, all scaled to zero but the newest) in local-cluster without controllers,
 * each its own process on loopback. `cite-batch gc --dry-run --json` runs as the CronJob would: the time from its
 * start to its exit (reading both sides, planning, the report saved) and its peak resident memory (VmHWM).
 * Aim: < 5 s and < 256 MiB.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeCluster, KubeHttp } from '../libs/kube/src/index';
import { APP_ENV_DEFAULTS, startEtcd } from '../libs/local-services/src/index';
import { exampleRelease, exampleService } from '../libs/model/src/testing';
import { MetadataStore } from '../libs/store/src/index';
import { beside } from './support/aims';
import { root, startApp, stopApp } from './support/app-process';
import { pool } from './support/pool';
import { waitFor } from './support/wait-for';

const SERVICES = 2_000;
const REVISIONS = 5;
const TEAMS = 20;
const AIM = { seconds: 5, rssMiB: 256 };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-bench-gc-'));
const etcd = await startEtcd({ dataDir: path.join(dir, 'etcd') });
const kubeconfig = path.join(dir, 'kubeconfig');
const cluster = startApp(
  'local-cluster',
  {
    CITE_LOCAL_CLUSTER_PORT: '0',
    CITE_LOCAL_CLUSTER_KUBECONFIG: kubeconfig,
    CITE_LOCAL_CLUSTER_CONTROLLERS: 'false',
  },
  { logDir: dir },
);
try {
  await waitFor('local-cluster', () => /listening on/.test(cluster.output()) && fs.existsSync(kubeconfig));
  const http = new KubeHttp(KubeCluster.fromKubeconfig({ kubeconfigPath: kubeconfig }).kubeConfig);
  const store = await MetadataStore.create({
    endpoints: [etcd.endpoint],
    prefix: '/cite/v1/',
    timeoutMs: 10_000,
  });
  const names = Array.from({ length: SERVICES }, (_, i) => `svc-${String(i).padStart(4, '0')}`);
  const teamOf = (i: number) => `team-${i % TEAMS}`;
  const started = performance.now();
  for (let t = 0; t < TEAMS; t++) {
    await http.json('/api/v1/namespaces', { method: 'POST', body: { metadata: { name: `cite-team-${t}` } } });
  }
  await pool(
    names.map((name, i) => ({ name, i })),
    32,
    async ({ name, i }) => {
      await store.services.create(name, exampleService({ name, team: teamOf(i), currentRelease: REVISIONS }));
      for (let n = 1; n <= REVISIONS; n++) {
        await store.releases.records.create(
          `${name}/${String(n).padStart(10, '0')}`,
          exampleRelease({ service: name, number: n, status: 'succeeded', image: `reg/${name}:v${n}` }),
        );
      }
      const labels = {
        'app.kubernetes.io/managed-by': 'cite',
        'app.kubernetes.io/name': name,
        'cite.dev/team': teamOf(i),
      };
      for (let n = 1; n <= REVISIONS; n++) {
        await http.json(`/apis/apps/v1/namespaces/cite-${teamOf(i)}/replicasets`, {
          method: 'POST',
          body: {
            metadata: {
              name: `${name}-r${n}`,
              labels: { ...labels, 'pod-template-hash': `r${n}` },
              annotations: { 'deployment.kubernetes.io/revision': String(n) },
            },
            spec: {
              replicas: n === REVISIONS ? 1 : 0,
              selector: { matchLabels: { 'app.kubernetes.io/name': name, 'pod-template-hash': `r${n}` } },
              template: {
                metadata: { labels: { ...labels, 'pod-template-hash': `r${n}` } },
                spec: { containers: [{ name: 'app', image: `reg/${name}:v${n}` }] },
              },
            },
          },
        });
      }
    },
  );
  process.stdout.write(
    `loaded ${SERVICES} services, ${SERVICES * REVISIONS} releases and ${SERVICES * REVISIONS} ReplicaSets in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  await store.close();
  await http.close();

  for (let round = 1; round <= 2; round++) {
    const begin = performance.now();
    const child = spawn(
      process.execPath,
      [path.join(root, 'dist/apps/batch/main.mjs'), 'gc', '--dry-run', '--json'],
      {
        env: {
          ...APP_ENV_DEFAULTS,
          PATH: process.env['PATH'] ?? '',
          CITE_LOG_LEVEL: 'warn',
          CITE_ETCD_ENDPOINTS: etcd.endpoint,
          CITE_KUBECONFIG: kubeconfig,
          CITE_BATCH_GC_KEEP_RELEASES: '2',
        },
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    let peakKiB = 0;
    const sample = setInterval(() => {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
        peakKiB = Math.max(peakKiB, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      } catch {
        // exited
      }
    }, 20);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearInterval(sample);
    const seconds = (performance.now() - begin) / 1000;
    const report = JSON.parse(out) as { summary: string; counts: Record<string, number> };
    process.stdout.write(
      `round ${round} (exit ${code}): ${report.summary}\n` +
        `  ${beside('gc --dry-run wall time', seconds, AIM.seconds, 's', 2)}\n` +
        `  ${beside('gc peak RSS', peakKiB / 1024, AIM.rssMiB, 'MiB', 0)}\n`,
    );
  }
} finally {
  await stopApp(cluster);
  await etcd.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
