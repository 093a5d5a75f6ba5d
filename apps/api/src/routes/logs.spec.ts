/**
 * `GET /api/v1/services/:name/logs` against a real local-cluster process (its pod-log API writes a start line
 * and a heartbeat every 50 ms for each running container) and the real etcd, where `status/<service>` is
 * written straight through `ObservedStatusStore`, as the watcher writes it. The controllers are off: pods are
 * created and marked running here, with start times 25 ms apart so the two pods' lines interleave.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeCluster, KubeHttp, PATHS } from '@cite/kube';
import {
  comparePositions,
  formatEventId,
  parseEventId,
  parseLogLine,
  PodLines,
  secondFloor,
} from '@cite/catalog';
import type { PodStatus } from '@cite/model';
import { ObservedStatusStore } from '@cite/store';
import { runApp, type AppProcess } from '@cite/test-support';
import request from 'supertest';
import {
  collect,
  eventually,
  openEvents,
  startHarness,
  type Harness,
  type SseEvent,
} from '../testing/harness';

const NS = 'cite-payments';
const INTERVAL_MS = 50;

let cluster: AppProcess;
let dir: string;
let kube: KubeHttp;
let h: Harness;
let base: string;
let member: string;
let observed: ObservedStatusStore;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cite-api-logs-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  cluster = await runApp('local-cluster', {
    CITE_LOCAL_CLUSTER_PORT: '0',
    CITE_LOCAL_CLUSTER_KUBECONFIG: kubeconfig,
    CITE_LOCAL_CLUSTER_CONTROLLERS: 'false',
    CITE_LOCAL_CLUSTER_LOG_INTERVAL_MS: String(INTERVAL_MS),
  });
  await cluster.waitForOutput(/kubeconfig: .+\n/, 30_000);
  kube = new KubeHttp(KubeCluster.fromKubeconfig({ kubeconfigPath: kubeconfig }).kubeConfig);
  await kube.json('/api/v1/namespaces', { method: 'POST', body: { metadata: { name: NS } } });
  h = await startHarness('logs', { kube });
  base = await h.listen();
  member = await h.token({ teams: ['payments'] });
  observed = new ObservedStatusStore(h.store.etcd);
}, 60_000);

afterAll(async () => {
  await h?.close();
  await kube?.close();
  await cluster?.stop('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A pod whose one container `app` has been running since `startedAt`. */
async function runPod(name: string, startedAt: Date): Promise<void> {
  const image = 'registry.local:5000/payments/app:1';
  await kube.json(PATHS.pods(NS), {
    method: 'POST',
    body: { metadata: { name }, spec: { containers: [{ name: 'app', image }] } },
  });
  await kube.json(PATHS.pods(NS, name, 'status'), {
    method: 'PATCH',
    contentType: 'application/merge-patch+json',
    body: {
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'app',
            image,
            imageID: '',
            ready: true,
            restartCount: 0,
            state: { running: { startedAt: startedAt.toISOString() } },
          },
        ],
      },
    },
  });
}

/** Pods `<service>-<suffix>` started `agoMs` ago (a few seconds by default), 25 ms apart. */
async function runPods(service: string, suffixes: string[], agoMs = 3_000): Promise<string[]> {
  const origin = Date.now() - agoMs;
  const names = suffixes.map((suffix) => `${service}-${suffix}`);
  await Promise.all(names.map((name, i) => runPod(name, new Date(origin + (i * INTERVAL_MS) / 2))));
  return names;
}

const running = (name: string): PodStatus => ({
  name,
  phase: 'Running',
  ready: true,
  restarts: 0,
  node: 'n1',
});

/** What the watcher writes: the service's pods. */
async function observe(service: string, pods: string[], into = observed): Promise<void> {
  await into.put({
    service,
    namespace: NS,
    replicas: { desired: pods.length, updated: pods.length, ready: pods.length, available: pods.length },
    pods: pods.map(running),
    events: [],
    observedAt: new Date().toISOString(),
    observedBy: 'watcher',
  });
}

interface LogData {
  pod: string;
  container: string;
  time: string;
  message: string;
}

const url = (service: string, query = '') => `${base}/api/v1/services/${service}/logs${query}`;
const logs = (events: SseEvent[]) => events.filter((e) => e.event === 'log');
const data = (event: SseEvent) => event.data as LogData;
/** The id a line has (local-cluster writes one line per pod per time, so n is 0). */
const keyOf = (event: SseEvent) => `${data(event).time}~${data(event).pod}~0`;
const podsOf = (event: SseEvent) => (event.data as { pods: string[] }).pods;
const count = (events: SseEvent[], pod: string) => logs(events).filter((e) => data(e).pod === pod).length;

/** Reads events until `done` holds for all read so far. */
async function gather(
  events: AsyncGenerator<SseEvent>,
  done: (seen: SseEvent[]) => boolean,
  timeoutMs = 10_000,
): Promise<SseEvent[]> {
  const seen: SseEvent[] = [];
  await collect(events, (event) => (seen.push(event), done(seen)), timeoutMs);
  return seen;
}

describe('GET /api/v1/services/:name/logs', () => {
  it("merges the lines of the service's pods, each with its pod, container, time and id", async () => {
    await h.service('merge');
    const [a, b] = await runPods('merge', ['a', 'b']);
    await observe('merge', [a!, b!]);
    const stream = await openEvents(url('merge', '?tailLines=2'), { authorization: member });
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    const events = await gather(stream.events, (seen) => count(seen, b!) >= 8);
    stream.close();
    expect(events[0]).toEqual({ event: 'pods', data: { service: 'merge', pods: [a, b] } });
    for (const event of logs(events)) {
      const line = data(event);
      expect(line.container).toBe('app');
      // local-cluster's lines start with their own time: the one the cluster stamped them with.
      expect(line.message).toMatch(
        new RegExp(`^\\S+ INFO ${line.pod}/app (starting container|heartbeat n=\\d+)`),
      );
      expect(line.time.slice(0, 23)).toBe(line.message.slice(0, 23));
      expect(event.id).toBe(keyOf(event));
    }
    // Live lines of both pods, in order of their ids.
    expect(count(events, a!)).toBeGreaterThanOrEqual(6);
    const ids = logs(events).map((e) => e.id!);
    expect([...ids].sort()).toEqual(ids);
  });

  it('passes tailLines and sinceSeconds to the cluster, reads only `pod=`; without follow it ends', async () => {
    await h.service('window');
    const [a, b] = await runPods('window', ['a', 'b']);
    await observe('window', [a!, b!]);
    const read = async (query: string) => {
      const stream = await openEvents(url('window', query), { authorization: member });
      return collect(stream.events, () => false);
    };
    const tail = await read('?follow=false&tailLines=3');
    expect(tail[0]).toEqual({ event: 'pods', data: { service: 'window', pods: [a, b] } });
    expect([count(tail, a!), count(tail, b!)]).toEqual([3, 3]);
    expect([count(await read('?follow=false'), a!), count(await read('?follow=false'), b!)]).toEqual([
      10, 10,
    ]);

    const one = await read(`?follow=false&pod=${b}`);
    expect(one[0]).toEqual({ event: 'pods', data: { service: 'window', pods: [b] } });
    expect([count(one, a!), count(one, b!)]).toEqual([0, 10]);

    const asked = Date.now();
    const since = await read('?follow=false&sinceSeconds=1');
    // 20 lines a second; the pods have run for more than 3 s.
    for (const pod of [a!, b!]) expect(count(since, pod)).toBeGreaterThanOrEqual(15);
    for (const pod of [a!, b!]) expect(count(since, pod)).toBeLessThanOrEqual(25);
    const earliest = Math.min(...logs(since).map((e) => Date.parse(`${data(e).time.slice(0, 23)}Z`)));
    expect(earliest).toBeGreaterThanOrEqual(asked - 1_000);
  });

  it('picks up a pod the status record gains, and drops one it lost once its log ends', async () => {
    await h.service('pickup');
    const [a] = await runPods('pickup', ['a']);
    await observe('pickup', [a!]);
    const opened = Date.now();
    const stream = await openEvents(url('pickup', '?tailLines=0'), { authorization: member });
    expect(await gather(stream.events, (seen) => count(seen, a!) >= 2)).toEqual(
      expect.arrayContaining([{ event: 'pods', data: { service: 'pickup', pods: [a] } }]),
    );

    const [b] = await runPods('pickup', ['b']);
    await observe('pickup', [a!, b!]);
    const gained = await gather(stream.events, (seen) => count(seen, b!) >= 3 && count(seen, a!) >= 1);
    const pods = gained.filter((e) => e.event === 'pods');
    expect(pods.map(podsOf)).toEqual([[a, b]]);
    // b is read from when the stream began (it started before).
    const stamp = (e: SseEvent) => Date.parse(`${data(e).time.slice(0, 23)}Z`);
    const bFirst = logs(gained).find((e) => data(e).pod === b);
    expect(stamp(bFirst!)).toBeLessThan(Math.floor(opened / 1000) * 1000 + 1000);

    // a leaves the record: followed while its log stream stays open …
    await observe('pickup', [b!]);
    const leaving = await gather(stream.events, (seen) => count(seen, a!) >= 3);
    expect(leaving.filter((e) => e.event === 'pods')).toEqual([]);
    // … and dropped when it ends (the pod is deleted).
    await kube.json(PATHS.pods(NS, a!), { method: 'DELETE', query: { gracePeriodSeconds: '0' } });
    const dropped = await gather(stream.events, (seen) => seen.some((e) => e.event === 'pods'));
    expect(podsOf(dropped.at(-1)!)).toEqual([b]);
    const after = await gather(stream.events, (seen) => count(seen, b!) >= 4);
    expect(count(after, a!)).toBe(0);
    stream.close();
  });

  it('resumes from Last-Event-ID with no line twice and none lost', async () => {
    await h.service('resume');
    const pods = await runPods('resume', ['a', 'b']);
    await observe('resume', pods);
    const first = await openEvents(url('resume', '?tailLines=0'), { authorization: member });
    const one = logs(await gather(first.events, (seen) => logs(seen).length >= 20));
    first.close();
    const lastId = one.filter((e) => e.id !== undefined).at(-1)!.id!;
    // Lines keep coming while the client is away.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await openEvents(url('resume'), { authorization: member, 'last-event-id': lastId });
    const two = logs(await gather(second.events, (seen) => logs(seen).length >= 30));
    second.close();

    const keys = (events: SseEvent[]) => events.map(keyOf);
    expect(new Set([...keys(one), ...keys(two)]).size).toBe(one.length + two.length);
    for (const event of two)
      expect(comparePositions(parseEventId(keyOf(event))!, parseEventId(lastId)!)).toBeGreaterThan(0);

    // What the cluster has, numbered as the api numbers it, from each pod's first line in the first stream
    // to a few lines before the second stream was closed (lines still on their way then are not missing).
    const position = (key: string) => parseEventId(key)!;
    const from = pods
      .map((pod) => one.find((e) => data(e).pod === pod)!)
      .map(keyOf)
      .sort()
      .at(-1)!;
    const to = keyOf(two.at(-4)!);
    const within = (key: string) =>
      comparePositions(position(key), position(from)) >= 0 &&
      comparePositions(position(key), position(to)) <= 0;
    const expected: string[] = [];
    for (const pod of pods) {
      const lines = new PodLines(pod, undefined);
      const text = await kube.textLines(PATHS.pods(NS, pod, 'log'), {
        query: { timestamps: 'true', sinceTime: secondFloor(position(from).time) },
        idleMs: 5_000,
      });
      for await (const raw of text) expected.push(formatEventId(lines.next(parseLogLine(raw)!.time)!));
    }
    expect([...keys(one), ...keys(two)].filter(within).sort()).toEqual(expected.filter(within).sort());
    expect(expected.filter(within).length).toBeGreaterThanOrEqual(30);
  });

  it('refuses before streaming: 404 unknown, 403 another team, 401 without a token, 400 bad input', async () => {
    await h.service('guarded');
    const get = (path: string) => request(h.app).get(`/api/v1/services/${path}`);
    expect((await get('nope/logs').set('authorization', member)).status).toBe(404);
    const stranger = await h.token({ teams: ['search'] });
    const other = await get('guarded/logs').set('authorization', stranger);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('forbidden');
    expect((await get('guarded/logs')).status).toBe(401);
    const bad = await get('guarded/logs').set('authorization', member).set('last-event-id', '42');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ path: 'headers.last-event-id', message: expect.any(String) }]);
    const tail = await get('guarded/logs?tailLines=many').set('authorization', member);
    expect(tail.status).toBe(400);
    expect(tail.body.error.details).toEqual([{ path: 'query.tailLines', message: expect.any(String) }]);
  });

  it('gives one token at most 5 streams: the 6th is a 429 that says why', async () => {
    await h.service('limits');
    const [a] = await runPods('limits', ['a']);
    await observe('limits', [a!]);
    const token = await h.token({ teams: ['payments'], name: 'greedy' });
    const open = [];
    for (let i = 0; i < 5; i++) {
      const stream = await openEvents(url('limits', '?tailLines=0'), { authorization: token });
      expect(stream.status).toBe(200);
      open.push(stream);
    }
    const sixth = await fetch(url('limits'), { headers: { authorization: token } });
    expect(sixth.status).toBe(429);
    expect(await sixth.json()).toEqual({
      error: {
        code: 'too_many_requests',
        message: expect.stringContaining('at most 5 live log streams per token'),
        details: [{ path: 'headers.authorization', message: expect.stringContaining('close one') }],
      },
    });
    // Another token is not affected; a stream closed frees its place.
    const others = await openEvents(url('limits', '?tailLines=0'), { authorization: member });
    expect(others.status).toBe(200);
    others.close();
    open.pop()!.close();
    const again = await eventually(async () => {
      const stream = await openEvents(url('limits', '?tailLines=0'), { authorization: token });
      if (stream.status === 200) return stream;
      stream.close();
      return undefined;
    });
    again.close();
    for (const stream of open) stream.close();
  });

  it('answers text lines `<pod> <container> <message>` to a client that asks for text', async () => {
    await h.service('plain');
    const [a, b] = await runPods('plain', ['a', 'b']);
    await observe('plain', [a!, b!]);
    const res = await fetch(url('plain', '?follow=false&tailLines=2'), {
      headers: { authorization: member, accept: 'text/plain' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const lines = (await res.text()).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).toMatch(/^(plain-[ab]) app \S+ INFO \1\/app heartbeat n=\d+$/);

    // ?format=text, followed: lines come as they are written.
    const controller = new AbortController();
    const live = await fetch(url('plain', '?format=text&tailLines=0'), {
      headers: { authorization: member },
      signal: controller.signal,
    });
    expect(live.headers.get('content-type')).toMatch(/^text\/plain/);
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of live.body!) {
      text += decoder.decode(chunk as Uint8Array, { stream: true });
      if (text.split('\n').length > 6) break;
    }
    controller.abort();
    for (const line of text.split('\n').slice(0, 6))
      expect(line).toMatch(/^plain-[ab] app \S+ INFO plain-[ab]\/app /);
  });

  it('holds the pods back while the client does not read, and then sends every line', async () => {
    await h.service('slow');
    const pods = await runPods('slow', ['a', 'b', 'c'], 15 * 60_000);
    await observe('slow', pods);
    const res = await fetch(url('slow', '?follow=false&tailLines=10000&format=text'), {
      headers: { authorization: member },
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value, { stream: true });
    // Megabytes are waiting: the api's writes fill the socket and it stops reading the pods' streams.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      text += decoder.decode(chunk.value, { stream: true });
    const lines = text.split('\n').filter(Boolean);
    for (const pod of pods) {
      const beats = lines
        .filter((line) => line.startsWith(`${pod} `))
        .map((line) => Number(/heartbeat n=(\d+)$/.exec(line)![1]));
      expect(beats).toHaveLength(10_000);
      // The last 10000 heartbeats, each once, in order.
      expect(beats.every((n, i) => i === 0 || n === beats[i - 1]! + 1)).toBe(true);
    }
  });

  it('ends when the server shuts down', async () => {
    const shutdown = new AbortController();
    const own = await startHarness('logs-shutdown', { kube, streams: shutdown.signal });
    try {
      await own.service('ending');
      const [a] = await runPods('ending', ['a']);
      await observe('ending', [a!], new ObservedStatusStore(own.store.etcd));
      const stream = await openEvents(`${await own.listen()}/api/v1/services/ending/logs`, {
        authorization: own.admin,
      });
      await gather(stream.events, (seen) => count(seen, a!) >= 1);
      shutdown.abort();
      // The stream ends (collect returns when the body does) rather than timing out.
      await collect(stream.events, () => false, 3_000);
    } finally {
      await own.close();
    }
  });
});

describe('GET /api/v1/services/:name/logs without a cluster', () => {
  it('is a 501 that names the missing setting', async () => {
    const bare = await startHarness('logs-no-kube');
    try {
      await bare.service('nokube');
      const res = await request(bare.app)
        .get('/api/v1/services/nokube/logs')
        .set('authorization', bare.admin);
      expect(res.status).toBe(501);
      expect(res.body).toEqual({
        error: { code: 'not_configured', message: 'live logs need CITE_KUBECONFIG', details: [] },
      });
    } finally {
      await bare.close();
    }
  });
});
