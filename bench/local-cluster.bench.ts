/**
 * local-cluster at scale (issue 3): 1,000 deployments and 5,000 pods.
 * - list all pods: p50/p99 over 50 lists (JSON, as client-node asks), after 3 unmeasured ones
 * - 50 concurrent pod watchers: each must receive every ADDED event in resourceVersion order; lag = receipt
 *   time − the create's send time (stamped in an annotation), for 2,500 pods created at 1,000/s and for 2,500
 *   created by 16 concurrent clients as fast as they go (where lag includes the create's queueing); after a
 *   warm-up of 2,500 pods created and deleted at 1,000/s with the watchers open
 * - resident memory of the emulator process
 * - a 10-replica deployment reaching Available with zero simulated delays (controllers on), p50 over 5 runs
 * The emulator runs as its own process from the same bundle `npm start` uses; traffic is loopback only. The
 * client is kept cheap (node:http, watch lines scanned rather than parsed) as it shares the emulator's cores.
 *
 * `CITE_BENCH_LOCAL_CLUSTER_ONLY=watch` runs the watch-lag figures alone (no lists, no memory figure, no
 * rollout), for quicker runs while working on the watch path.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { percentile, summary } from './support/stats';

const root = path.resolve(import.meta.dirname, '../..');
const DEPLOYMENTS = 1_000;
const PODS = 5_000;
const WATCHERS = 50;
/** Pods created at a steady CREATE_RATE per second while the watchers watch; the rest as fast as possible. */
const PACED = 2_500;
const CREATE_RATE = 1_000;
/**
 * Pods created, then deleted, at CREATE_RATE before anything is measured. V8 optimizes the create path (in the
 * emulator) and the client's keep-alive request path only after some 2,000 creates; with 1,000 that burst of
 * compiling landed in the measured phase, its background threads taking both cores for 30–40 ms at a time.
 */
const WARM_UP = 2_500;
const LISTS = 50;
/** The paced phase's lag is also reported per slice of this many pods: stalls show up as a slice's tail. */
const SLICE = 250;
const WATCH_ONLY = process.env.CITE_BENCH_LOCAL_CLUSTER_ONLY === 'watch';

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

/** Keep-alive connections for the request/response traffic (creates, gets, lists), as client-go keeps them. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

/** One request over node:http (cheaper per call than fetch, so the client leaves the cores to the server). */
async function request(
  url: string,
  method: string,
  body?: string,
): Promise<{ status: number; text: string }> {
  const { status, bytes } = await requestBytes(url, method, body);
  return { status, text: bytes.toString('utf8') };
}

/**
 * A GET whose answer is counted, not kept: the measured lists are 8 MB each, and collecting them would make
 * the bench's own garbage collector part of the figure.
 */
function requestLength(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: { accept: 'application/json' } }, (res) => {
      let length = 0;
      res.on('data', (chunk: Buffer) => (length += chunk.length));
      res.on('end', () =>
        res.statusCode === 200 ? resolve(length) : reject(new Error(`list: ${res.statusCode}`)),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** A request's answer as bytes, resolved at its last byte: what a latency is measured to. */
function requestBytes(
  url: string,
  method: string,
  body?: string,
): Promise<{ status: number; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: {
          accept: 'application/json',
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends a JSON request; the parsed answer when `parse` (creates only check the status). */
async function send(
  url: string,
  method: string,
  body?: unknown,
  parse = true,
): Promise<Record<string, unknown>> {
  const res = await request(url, method, body === undefined ? undefined : JSON.stringify(body));
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${res.text.slice(0, 300)}`);
  return parse ? (JSON.parse(res.text) as Record<string, unknown>) : {};
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/**
 * Open loop: item i is due at start + i / CREATE_RATE and stamped with its due time, so a create the client
 * could only send late (all 16 in flight) counts that wait as lag too (no coordinated omission).
 */
async function paced(count: number, create: (i: number, due: number) => Promise<void>): Promise<void> {
  const start = performance.now();
  await pool(
    Array.from({ length: count }, (_, i) => i),
    16,
    async (i) => {
      const due = start + (i * 1000) / CREATE_RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await create(i, due);
    },
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

const RV_KEY = Buffer.from('"resourceVersion":"');
const SENT_KEY = Buffer.from('"bench/sent":"');
const ADDED_PREFIX = Buffer.from('{"type":"ADDED"');
const DELETED_PREFIX = Buffer.from('{"type":"DELETED"');
const startsWith = (line: Buffer, prefix: Buffer) =>
  line.length >= prefix.length && line.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
const QUOTE = 0x22;
const NEWLINE = 0x0a;

/** The string value after `key` (which ends with the opening quote) in `line`, or undefined. */
function valueAfter(line: Buffer, key: Buffer): string | undefined {
  const at = line.indexOf(key);
  if (at < 0) return undefined;
  const from = at + key.length;
  return line.toString('latin1', from, line.indexOf(QUOTE, from));
}

/**
 * A watcher that checks ADDED events arrive in resourceVersion order and records each one's lag. It reads the
 * stream with node:http and scans each line's bytes for the two values it needs (the object's first
 * resourceVersion, which is metadata's, and the `bench/sent` annotation) instead of JSON.parse-ing every
 * event: with 50 watchers the client shares the emulator's cores, and the lag should measure the server.
 */
function watchPods(
  base: string,
  fromRv: string,
  expected: number,
  record: (index: number, lag: number) => void,
  deleted: (count: number) => void,
) {
  return new Promise<number>((resolve, reject) => {
    let deletions = 0;
    let seen = 0;
    let lastRv = 0;
    let pending: Buffer | undefined;
    const request = http.get(`${base}/api/v1/pods?watch=true&resourceVersion=${fromRv}`, (response) => {
      response.on('data', (chunk: Buffer) => {
        const now = performance.timeOrigin + performance.now();
        let data = pending ? Buffer.concat([pending, chunk]) : chunk;
        let start = 0;
        let nl: number;
        while ((nl = data.indexOf(NEWLINE, start)) >= 0) {
          const line = data.subarray(start, nl);
          start = nl + 1;
          if (!startsWith(line, ADDED_PREFIX)) {
            if (startsWith(line, DELETED_PREFIX)) deleted(++deletions);
            continue;
          }
          const rv = Number(valueAfter(line, RV_KEY));
          if (!(rv > lastRv)) {
            request.destroy();
            reject(new Error(`out of order: ${rv} after ${lastRv}`));
            return;
          }
          lastRv = rv;
          record(seen, now - Number(valueAfter(line, SENT_KEY)));
          seen += 1;
          if (seen === expected) {
            request.destroy();
            resolve(seen);
            return;
          }
        }
        data = data.subarray(start);
        pending = data.length > 0 ? Buffer.from(data) : undefined;
      });
      response.on('end', () => reject(new Error(`watch ended after ${seen} events`)));
    });
    request.on('error', (error) => {
      if (seen < expected) reject(error);
    });
  });
}

async function scaleFigures() {
  const emulator = await startEmulator(false);
  const base = emulator.url;
  try {
    const ns = 'bench';
    const namespace = (name: string) =>
      send(`${base}/api/v1/namespaces`, 'POST', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    await namespace(ns);
    let started = performance.now();
    const deployments = `${base}/apis/apps/v1/namespaces/${ns}/deployments`;
    await pool(
      Array.from({ length: DEPLOYMENTS }, (_, i) => i),
      16,
      (i) => send(deployments, 'POST', deployment(`app-${i}`, 5), false).then(() => undefined),
    );
    console.log(
      `created ${DEPLOYMENTS} deployments in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const list = (await send(`${base}/api/v1/pods?limit=1`, 'GET')) as {
      metadata: { resourceVersion: string };
    };
    // Every watcher sees, in resourceVersion order: the warm-up pods (not measured), then PACED pods created at a
    // steady rate (lag = delivery under a stated load), then the rest created by 16 clients as fast as they go
    // (lag then also holds each create's queueing at saturation). Each phase ends before the next begins.
    const lags = { paced: [] as number[], saturated: [] as number[] };
    /** The paced phase's lags by pod, for the per-slice figures. */
    const pacedByPod: number[][] = Array.from({ length: PACED }, () => []);
    // A barrier: resolves once every watcher has seen `count` events of one kind.
    const barrier = (count: number) => {
      let reached = 0;
      let done!: () => void;
      const promise = new Promise<void>((resolve) => (done = resolve));
      return { promise, seen: (n: number) => n === count && ++reached === WATCHERS && done() };
    };
    const warmUpAdded = barrier(WARM_UP);
    const warmUpDeleted = barrier(WARM_UP);
    const watchers = Array.from({ length: WATCHERS }, () =>
      watchPods(
        base,
        list.metadata.resourceVersion,
        WARM_UP + PODS,
        (index, lag) => {
          if (index >= WARM_UP + PACED) lags.saturated.push(lag);
          else if (index >= WARM_UP) {
            lags.paced.push(lag);
            pacedByPod[index - WARM_UP]!.push(lag);
          } else warmUpAdded.seen(index + 1);
        },
        warmUpDeleted.seen,
      ),
    );
    const createPod = async (namespace: string, name: string, app: string, stamp: number) => {
      await send(
        `${base}/api/v1/namespaces/${namespace}/pods`,
        'POST',
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name,
            labels: { app },
            annotations: { 'bench/sent': String(performance.timeOrigin + stamp) },
          },
          spec: { containers: [{ name: 'web', image: `registry.local/bench/${app}:1` }] },
        },
        false,
      );
    };
    const benchPod = (i: number, stamp: number) =>
      createPod(ns, `app-${i % DEPLOYMENTS}-pod-${i}`, `app-${i % DEPLOYMENTS}`, stamp);

    // Warm-up, as for any JIT-compiled program: the same paced traffic through the server and the watchers
    // until V8 has optimized the hot paths (its compiler threads otherwise take a core mid-measurement), in a
    // namespace of its own, emptied again (and the watchers through those events) before anything is measured.
    await namespace('warm-up');
    await paced(WARM_UP, (i, due) => createPod('warm-up', `warm-${i}`, 'warm-up', due));
    await warmUpAdded.promise;
    await paced(WARM_UP, (i) =>
      send(`${base}/api/v1/namespaces/warm-up/pods/warm-${i}`, 'DELETE', undefined, false).then(
        () => undefined,
      ),
    );
    await warmUpDeleted.promise;

    started = performance.now();
    await paced(PACED, benchPod);
    const pacedSeconds = (performance.now() - started) / 1000;

    started = performance.now();
    const createLatencies: number[] = [];
    await pool(
      Array.from({ length: PODS - PACED }, (_, i) => PACED + i),
      16,
      async (i) => {
        const sent = performance.now();
        await benchPod(i, sent);
        createLatencies.push(performance.now() - sent);
      },
    );
    const saturatedSeconds = (performance.now() - started) / 1000;
    const counts = await Promise.all(watchers);
    const complete = counts.filter((c) => c === WARM_UP + PODS).length;
    console.log(`watchers: ${complete}/${WATCHERS} received all ${PODS} events in order`);
    console.log(
      `watch lag, ${PACED} pods at ${CREATE_RATE}/s (took ${pacedSeconds.toFixed(1)} s): ${summary(lags.paced)}`,
    );
    console.log(
      `watch lag, ${PODS - PACED} pods by 16 creators as fast as they go ` +
        `(${((PODS - PACED) / saturatedSeconds).toFixed(0)}/s): ${summary(lags.saturated)}`,
    );
    console.log(`  create latency there: ${summary(createLatencies)}`);
    console.log(`  paced p99 per ${SLICE}-pod slice: ${sliceP99s(pacedByPod).join(' ')} ms`);
    if (WATCH_ONLY) return;

    // Three unmeasured lists first (warm-up, like the watch figures'), the first of them checked. A list is
    // timed to its last byte, as curl's time_total: decoding 8 MB into a string is the client's own cost (tens
    // of milliseconds in V8), and it is not part of the server's latency.
    const samples: number[] = [];
    let size = 0;
    for (let i = -3; i < LISTS; i++) {
      const t = performance.now();
      if (i === -3) {
        const { bytes } = await requestBytes(`${base}/api/v1/pods`, 'GET');
        if ((JSON.parse(bytes.toString('utf8')) as { items: unknown[] }).items.length !== PODS)
          throw new Error('list size wrong');
        continue;
      }
      size = await requestLength(`${base}/api/v1/pods`);
      if (i >= 0) samples.push(performance.now() - t);
    }
    console.log(`list ${PODS} pods (${(size / 1e6).toFixed(1)} MB): ${summary(samples)}`);
    console.log(`emulator RSS: ${rssOf(emulator.pid)} MB`);
  } finally {
    await emulator.stop();
  }
}

/** p99 of each slice of SLICE consecutive pods (every watcher's lag for each), in creation order. */
function sliceP99s(byPod: number[][]): string[] {
  return Array.from({ length: Math.ceil(byPod.length / SLICE) }, (_, slice) =>
    percentile(byPod.slice(slice * SLICE, (slice + 1) * SLICE).flat(), 99).toFixed(0),
  );
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
if (!WATCH_ONLY) await rolloutFigures();
