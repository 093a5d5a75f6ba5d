/**
 * local-cluster at scale (issue 3): 1,000 deployments and 5,000 pods.
 * - list all pods: p50/p99 over 50 lists (JSON, as client-node asks)
 * - 50 concurrent pod watchers: each must receive every ADDED event in resourceVersion order; lag = receipt
 *   time − the create request's send time (stamped in an annotation)
 * - resident memory of the emulator process
 * - a 10-replica deployment reaching Available with zero simulated delays (controllers on), p50 over 5 runs
 * The emulator runs as its own process from the same bundle `npm start` uses; traffic is loopback only.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { percentile, summary } from './stats';

const root = path.resolve(import.meta.dirname, '../..');
const DEPLOYMENTS = 1_000;
const PODS = 5_000;
const WATCHERS = 50;
const LISTS = 50;

interface Emulator {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function startEmulator(controllers: boolean): Promise<Emulator> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-bench-lc-'));
  const child = spawn(process.execPath, [path.join(root, 'dist/apps/local-cluster/main.mjs')], {
    env: {
      ...process.env,
      CITE_LOCAL_CLUSTER_PORT: '0',
      CITE_LOCAL_CLUSTER_KUBECONFIG: path.join(dir, 'kubeconfig'),
      CITE_LOCAL_CLUSTER_CONTROLLERS: String(controllers),
      CITE_LOCAL_CLUSTER_WATCH_CACHE_SIZE: '20000',
      CITE_LOCAL_CLUSTER_CONTAINER_CREATING_MS: '0',
      CITE_LOCAL_CLUSTER_START_MS: '0',
      CITE_LOCAL_CLUSTER_READY_MS: '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`local-cluster exited ${code}: ${out}`)));
  });
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

async function send(url: string, method: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300)
    throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

function deployment(name: string, replicas: number) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: 'web', image: `registry.local/bench/${name}:1`, ports: [{ containerPort: 8080 }] },
          ],
        },
      },
    },
  };
}

/** A watcher that checks ADDED events arrive in resourceVersion order and records each one's lag. */
function watchPods(base: string, fromRv: string, expected: number, lags: number[]) {
  const controller = new AbortController();
  const done = (async () => {
    const res = await fetch(`${base}/api/v1/pods?watch=true&resourceVersion=${fromRv}`, {
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let seen = 0;
    let lastRv = 0n;
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) throw new Error(`watch ended after ${seen} events`);
      buffer += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!line.trim()) continue;
        const event = JSON.parse(line) as {
          type: string;
          object: { metadata: { resourceVersion: string; annotations?: Record<string, string> } };
        };
        if (event.type !== 'ADDED') continue;
        const rv = BigInt(event.object.metadata.resourceVersion);
        if (rv <= lastRv) throw new Error(`out of order: ${rv} after ${lastRv}`);
        lastRv = rv;
        const sent = Number(event.object.metadata.annotations?.['bench/sent']);
        lags.push(performance.timeOrigin + performance.now() - sent);
        seen += 1;
        if (seen === expected) {
          controller.abort();
          return seen;
        }
      }
    }
  })().catch((error: unknown) => {
    if ((error as Error).name === 'AbortError') return expected;
    throw error;
  });
  return done;
}

async function scaleFigures() {
  const emulator = await startEmulator(false);
  const base = emulator.url;
  try {
    const ns = 'bench';
    await send(`${base}/api/v1/namespaces`, 'POST', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns },
    });
    let started = performance.now();
    await pool(
      Array.from({ length: DEPLOYMENTS }, (_, i) => i),
      16,
      async (i) => {
        await send(`${base}/apis/apps/v1/namespaces/${ns}/deployments`, 'POST', deployment(`app-${i}`, 5));
      },
    );
    console.log(
      `created ${DEPLOYMENTS} deployments in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const list = (await send(`${base}/api/v1/pods?limit=1`, 'GET')) as {
      metadata: { resourceVersion: string };
    };
    const lags: number[] = [];
    const watchers = Array.from({ length: WATCHERS }, () =>
      watchPods(base, list.metadata.resourceVersion, PODS, lags),
    );
    started = performance.now();
    await pool(
      Array.from({ length: PODS }, (_, i) => i),
      16,
      async (i) => {
        const app = `app-${i % DEPLOYMENTS}`;
        await send(`${base}/api/v1/namespaces/${ns}/pods`, 'POST', {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: `${app}-pod-${i}`,
            labels: { app },
            annotations: { 'bench/sent': String(performance.timeOrigin + performance.now()) },
          },
          spec: { containers: [{ name: 'web', image: `registry.local/bench/${app}:1` }] },
        });
      },
    );
    console.log(
      `created ${PODS} pods in ${((performance.now() - started) / 1000).toFixed(1)} s with ${WATCHERS} watchers open`,
    );
    const counts = await Promise.all(watchers);
    console.log(
      `watchers: ${counts.filter((c) => c === PODS).length}/${WATCHERS} received all ${PODS} events in order`,
    );
    console.log(`watch lag: ${summary(lags)}`);

    const samples: number[] = [];
    let size = 0;
    for (let i = 0; i < LISTS; i++) {
      const t = performance.now();
      const res = await fetch(`${base}/api/v1/pods`, { headers: { accept: 'application/json' } });
      const text = await res.text();
      samples.push(performance.now() - t);
      size = text.length;
      if (i === 0 && (JSON.parse(text) as { items: unknown[] }).items.length !== PODS)
        throw new Error('list size wrong');
    }
    console.log(`list ${PODS} pods (${(size / 1e6).toFixed(1)} MB): ${summary(samples)}`);
    console.log(`emulator RSS: ${rssOf(emulator.pid)} MB`);
  } finally {
    await emulator.stop();
  }
}

async function rolloutFigures() {
  const emulator = await startEmulator(true);
  const base = emulator.url;
  try {
    const samples: number[] = [];
    for (let run = 0; run < 5; run++) {
      const name = `ten-${run}`;
      const started = performance.now();
      await send(`${base}/apis/apps/v1/namespaces/default/deployments`, 'POST', deployment(name, 10));
      const deadline = Date.now() + 60_000;
      for (;;) {
        const d = (await send(`${base}/apis/apps/v1/namespaces/default/deployments/${name}`, 'GET')) as {
          status?: { availableReplicas?: number; conditions?: { type: string; status: string }[] };
        };
        const available = d.status?.conditions?.find((c) => c.type === 'Available')?.status === 'True';
        if (available && d.status?.availableReplicas === 10) break;
        if (Date.now() > deadline)
          throw new Error(`${name} not Available after 60 s: ${JSON.stringify(d.status)}`);
        await new Promise((r) => setTimeout(r, 5));
      }
      samples.push(performance.now() - started);
    }
    console.log(
      `10-replica deployment to Available (zero delays): ${summary(samples)} (p50 ${percentile(samples, 50).toFixed(0)} ms)`,
    );
  } finally {
    await emulator.stop();
  }
}

await scaleFigures();
await rolloutFigures();
