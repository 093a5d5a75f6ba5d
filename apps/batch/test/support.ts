/**
 * The batch app's harness: a local-cluster process over HTTP, a fresh prefix on the test etcd, and `cite-batch`
 * built and run as users run it (a subprocess, its stdout, stderr and exit code kept apart).
 */
import { spawn } from 'node:child_process';
import type { BatchReport } from '@cite/model';
import { MetadataStore } from '@cite/store';
import {
  buildApp,
  runLocalCluster,
  testEtcdEndpoint,
  uniquePrefix,
  type AppProcess,
} from '@cite/test-support';
import { AppsV1Api, CoreV1Api, KubeConfig, NetworkingV1Api } from '@kubernetes/client-node';

export interface Cluster {
  kubeconfig: string;
  core: CoreV1Api;
  apps: AppsV1Api;
  networking: NetworkingV1Api;
  process: AppProcess;
  stop(): Promise<void>;
}

export async function startCluster(env: Record<string, string> = {}): Promise<Cluster> {
  const cluster = await runLocalCluster(env);
  const config = new KubeConfig();
  config.loadFromFile(cluster.kubeconfig);
  return {
    kubeconfig: cluster.kubeconfig,
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    networking: config.makeApiClient(NetworkingV1Api),
    process: cluster.process,
    stop: cluster.stop,
  };
}

export async function testStore(): Promise<{ store: MetadataStore; prefix: string }> {
  const prefix = uniquePrefix('batch');
  const store = await MetadataStore.create({ endpoints: [testEtcdEndpoint()], prefix, timeoutMs: 3_000 });
  return { store, prefix };
}

export interface BatchRun {
  code: number | string;
  stdout: string;
  stderr: string;
  /** The `--json` report, when stdout holds one. */
  report?: BatchReport;
}

/** Runs `cite-batch <args>` to its end (at most `timeoutMs`). */
export async function runBatch(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<BatchRun> {
  const entry = await buildApp('batch');
  const child = spawn(process.execPath, ['--enable-source-maps', entry, ...args], {
    env: { PATH: process.env['PATH'] ?? '', CITE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | string>((resolve) =>
    child.once('exit', (exit, signal) => resolve(exit ?? signal ?? -1)),
  );
  clearTimeout(timer);
  let report: BatchReport | undefined;
  if (args.includes('--json') && stdout.trim().startsWith('{')) report = JSON.parse(stdout) as BatchReport;
  return { code, stdout, stderr, ...(report ? { report } : {}) };
}
