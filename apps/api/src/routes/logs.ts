/**
 * `GET /api/v1/services/:name/logs`: the logs of a service's pods, merged into one live stream. Which pods are
 * read comes from `status/<service>` in etcd (followed with `followPods`, so pods that appear are picked up and
 * pods that go are dropped once their log ends); the lines themselves from the cluster's pod-log API
 * (`follow=true&timestamps=true`, one request per pod, reopened from the last line read when it ends).
 *
 * Server-sent events (`log` with an id, `pods` when the followed set changes), or `text/plain` lines
 * `<pod> <container> <message>` when the client asks for text. `Last-Event-ID` resumes without a line twice.
 * Memory stays bounded per stream: when the client reads slower than the pods write, `res.write` returns
 * false and the pod streams are not read again until 'drain', so the cluster is held back through TCP rather
 * than lines piling up here. The deciding (ids, numbering, merge order, which pods) is `@cite/catalog`'s
 * `log-tail.ts`.
 */
import {
  FollowedPods,
  firstRead,
  followPods,
  LogMerge,
  logTailQuery,
  logTimeOf,
  parseEventId,
  parseLogLine,
  PodLines,
  podsToFollow,
  StreamCounter,
  type LogPosition,
  type LogTailQuery,
  type PodStreamEvent,
  type ServiceCatalog,
  type TailEvent,
  type TailLine,
} from '@cite/catalog';
import { invalidField, NotConfiguredError } from '@cite/errors';
import { CONTAINER_NAME, KubeHttpError, PATHS, type KubeHttp } from '@cite/kube';
import type { Logger } from '@cite/logging';
import { teamNamespace, type PodStatus } from '@cite/model';
import type { ObservedStatusStore } from '@cite/store';
import { Router, type Request, type Response } from 'express';
import { callContext } from '../http/locals';
import { pathParam } from '../http/params';
import { openSse } from '../http/sse';

export const DEFAULT_LOG_STREAMS_PER_TOKEN = 5;

export interface LogRouteDeps {
  catalog: ServiceCatalog;
  observed: ObservedStatusStore;
  /** The cluster; without it the route answers 501. */
  kube?: KubeHttp;
  /** Aborted at shutdown: open streams end. */
  streams?: AbortSignal;
  /** @defaultValue `DEFAULT_LOG_STREAMS_PER_TOKEN` */
  streamsPerToken?: number;
}

/** How long lines are gathered before a write: lines that arrive together go out in order, in one write. */
const BATCH_MS = 25;
/**
 * The first write waits (at most this long) for the first answer of every pod there at the start, so their
 * backlogs (`tailLines`) go out in one sorted batch rather than in the order the pods happened to answer.
 */
const FIRST_WRITE_MS = 1_000;
/** A batch this long is written at once. */
const MAX_BATCH = 512;
/** A pod's log stream silent this long is reopened (the pod-log API sends nothing while a pod is quiet). */
const IDLE_MS = 60_000;
const MAX_BACKOFF_MS = 5_000;

/** Where lines go: SSE or plain text. `write` is false when the client's buffer is full (wait for 'drain'). */
interface Output {
  signal: AbortSignal;
  text: boolean;
  write(chunk: string): boolean;
  end(): void;
}

/** `text/plain` for a client that prefers it (`Accept`) or asks for it (`?format=text`). */
function wantsText(req: Request, query: LogTailQuery): boolean {
  if (query.text) return true;
  return req.query['format'] !== 'sse' && req.accepts(['text/event-stream', 'text/plain']) === 'text/plain';
}

/** `Last-Event-ID` (or `?lastEventId=` on a first connect) as a position; a 400 at the one that is bad. */
function resumeFrom(req: Request): LogPosition | undefined {
  const header = req.get('last-event-id');
  const query = req.query['lastEventId'];
  const [path, value] =
    header !== undefined ? ['headers.last-event-id', header] : ['query.lastEventId', query];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw invalidField(path, 'must be given once');
  const position = parseEventId(value);
  if (!position) throw invalidField(path, 'must be an event id from this stream');
  return position;
}

function errorAnswer(res: Response, status: number, code: string, message: string, path?: string): void {
  res.status(status).json({ error: { code, message, details: path ? [{ path, message }] : [] } });
}

function openOutput(req: Request, res: Response, text: boolean, shutdown?: AbortSignal): Output {
  const write = (chunk: string) => res.write(chunk);
  if (!text) {
    const sse = openSse(req, res, shutdown);
    return { signal: sse.signal, text, write, end: () => sse.end() };
  }
  const controller = new AbortController();
  const abort = () => controller.abort();
  res.status(200).set({
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'close',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  req.once('close', abort);
  res.once('close', abort);
  if (shutdown?.aborted) abort();
  shutdown?.addEventListener('abort', abort, { once: true });
  return {
    signal: controller.signal,
    text,
    write,
    end() {
      shutdown?.removeEventListener('abort', abort);
      if (!res.writableEnded) res.end();
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function formatEvent(event: TailEvent, text: boolean): string {
  const { pod, container, time, message } = event.line;
  if (text) return `${pod} ${container} ${message}\n`;
  const id = event.id === undefined ? '' : `id: ${event.id}\n`;
  return `${id}event: log\ndata: ${JSON.stringify({ pod, container, time, message })}\n\n`;
}

interface TailOptions {
  kube: KubeHttp;
  namespace: string;
  service: string;
  query: LogTailQuery;
  resume: LogPosition | undefined;
  out: Output;
  res: Response;
  log: Logger;
}

/** One client's tail: the pod readers, the merge, the writes and the back-pressure between them. */
class Tail {
  private readonly followed = new FollowedPods();
  private readonly merge: LogMerge;
  private readonly cursors = new Map<string, PodLines>();
  private readonly readers = new Map<string, AbortController>();
  private readonly running = new Set<Promise<void>>();
  private readonly startedAt = new Date();
  private readonly container: string;
  private timer: NodeJS.Timeout | undefined;
  /** Set while the client's buffer is full: readers wait on it. */
  private gate: { promise: Promise<void>; open(): void } | undefined;
  private snapshotSeen = false;
  /** Pods there at the start whose first read has not answered yet: the first write waits for them. */
  private readonly unanswered = new Set<string>();
  private firstWriteBy = 0;

  constructor(private readonly o: TailOptions) {
    this.merge = new LogMerge(o.resume);
    this.container = o.query.container ?? CONTAINER_NAME;
    o.out.signal.addEventListener('abort', () => this.openGate(), { once: true });
  }

  /** Follows the record's pods until the client leaves (or, without `follow`, until each log is read). */
  async run(statuses: AsyncGenerator<PodStreamEvent>): Promise<void> {
    const pods = new Map<string, PodStatus>();
    try {
      for await (const event of statuses) {
        if (event.event === 'snapshot') {
          pods.clear();
          for (const pod of event.data.pods) pods.set(pod.name, pod);
        } else if (event.data.type === 'removed') pods.delete(event.data.pod.name);
        else pods.set(event.data.pod.name, event.data.pod);
        this.want(podsToFollow([...pods.values()], this.o.query.pod));
        if (!this.o.query.follow) break;
      }
    } catch (error) {
      if (!this.o.out.signal.aborted) this.o.log.warn('log tail: the pod status stream failed', { error });
    }
    if (this.o.query.follow) for (const reader of this.readers.values()) reader.abort();
    while (this.running.size > 0) await Promise.all(this.running);
    // What is left goes out once the client has room for it.
    this.unanswered.clear();
    while (this.merge.size > 0 && !this.o.out.signal.aborted) {
      if (this.gate) await this.gate.promise;
      else this.flush();
    }
    clearTimeout(this.timer);
  }

  private want(names: string[]): void {
    const late = this.snapshotSeen;
    const first = !this.snapshotSeen;
    this.snapshotSeen = true;
    const { start, stop, changed } = this.followed.want(names);
    if (first) {
      for (const pod of start) this.unanswered.add(pod);
      this.firstWriteBy = Date.now() + FIRST_WRITE_MS;
    }
    for (const pod of stop) {
      this.answered(pod);
      this.readers.get(pod)?.abort();
      this.readers.delete(pod);
    }
    for (const pod of start) this.startReader(pod, late);
    if (changed || first) this.sendPods();
  }

  private startReader(pod: string, late: boolean): void {
    const controller = new AbortController();
    this.readers.set(pod, controller);
    const signal = AbortSignal.any([controller.signal, this.o.out.signal]);
    const done = this.read(pod, late, signal).finally(() => {
      this.running.delete(done);
      if (this.readers.get(pod) === controller) this.readers.delete(pod);
    });
    this.running.add(done);
  }

  private cursorOf(pod: string): { lines: PodLines; known: boolean } {
    const known = this.cursors.get(pod);
    if (known) return { lines: known, known: true };
    const lines = new PodLines(pod, this.o.resume);
    this.cursors.set(pod, lines);
    return { lines, known: false };
  }

  /** Reads one pod's log, reopening it from the last line read while the pod is followed. */
  private async read(pod: string, late: boolean, signal: AbortSignal): Promise<void> {
    const { lines, known } = this.cursorOf(pod);
    const path = PATHS.pods(this.o.namespace, pod, 'log');
    let reopening = known;
    let failures = 0;
    while (!signal.aborted) {
      const sinceTime = reopening ? lines.reopenFrom() : undefined;
      const range = sinceTime
        ? { sinceTime }
        : firstRead(this.o.query, { resume: this.o.resume, startedAt: this.startedAt, late });
      reopening = true;
      this.followed.streaming(pod);
      const opened = Date.now();
      let fresh = 0;
      try {
        const query = {
          container: this.container,
          timestamps: 'true',
          follow: String(this.o.query.follow),
          ...range,
        };
        for await (const raw of this.o.kube.textLines(path, { query, signal, idleMs: IDLE_MS })) {
          const parsed = parseLogLine(raw) ?? { time: lines.lastTime ?? logTimeOf(new Date()), message: raw };
          const position = lines.next(parsed.time);
          if (!position || signal.aborted) continue;
          fresh += 1;
          this.answered(pod);
          this.push({ pod, container: this.container, ...parsed, position });
          if (this.gate) await this.gate.promise;
        }
      } catch (error) {
        if (signal.aborted) break;
        this.failed(pod, error, failures);
      }
      if (signal.aborted) break;
      this.answered(pod);
      const { reopen, changed } = this.followed.ended(pod);
      if (changed) this.sendPods();
      if (!reopen || !this.o.query.follow) break;
      failures = fresh > 0 || Date.now() - opened > 2_000 ? 0 : failures + 1;
      await sleep(failures === 0 ? 0 : Math.min(MAX_BACKOFF_MS, 250 * 2 ** (failures - 1)), signal);
    }
  }

  /**
   * A pod still starting (400), already gone (404), or quiet for `IDLE_MS` is expected; anything else is worth a
   * warning, once per run of failures.
   */
  private failed(pod: string, error: unknown, failures: number): void {
    const expected =
      (error instanceof KubeHttpError && (error.code === 400 || error.code === 404)) ||
      (error as { code?: unknown }).code === 'UND_ERR_BODY_TIMEOUT';
    if (expected || failures > 0) this.o.log.debug('log tail: a pod log stream failed', { pod, error });
    else this.o.log.warn('log tail: a pod log stream failed', { pod, error });
  }

  /** The last pod there at the start answered: the rest of its first chunk still comes within a batch time. */
  private answered(pod: string): void {
    if (!this.unanswered.delete(pod) || this.unanswered.size > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), BATCH_MS);
  }

  private push(line: TailLine): void {
    this.merge.add(line);
    if (this.merge.size >= MAX_BATCH) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  /** Writes the batch, unless the client's buffer is full ('drain' flushes). */
  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.gate || this.o.out.signal.aborted) return;
    const wait = this.firstWriteBy - Date.now();
    if (this.unanswered.size > 0 && wait > 0 && this.merge.size < MAX_BATCH) {
      this.timer = setTimeout(() => this.flush(), wait);
      return;
    }
    const events = this.merge.take();
    if (events.length === 0) return;
    const chunk = events.map((event) => formatEvent(event, this.o.out.text)).join('');
    if (!this.o.out.write(chunk)) this.closeGate();
  }

  private closeGate(): void {
    if (this.gate) return;
    let open!: () => void;
    const promise = new Promise<void>((resolve) => (open = resolve));
    this.gate = { promise, open };
    this.o.res.once('drain', () => {
      this.openGate();
      this.flush();
    });
  }

  private openGate(): void {
    const gate = this.gate;
    this.gate = undefined;
    gate?.open();
  }

  private sendPods(): void {
    if (this.o.out.text || this.o.out.signal.aborted) return;
    const data = { service: this.o.service, pods: this.followed.list() };
    this.o.out.write(`event: pods\ndata: ${JSON.stringify(data)}\n\n`);
  }
}

export function logRoutes(deps: LogRouteDeps): Router {
  const router = Router();
  const counter = new StreamCounter(deps.streamsPerToken ?? DEFAULT_LOG_STREAMS_PER_TOKEN);

  router.get('/services/:name/logs', async (req, res) => {
    const kube = deps.kube;
    if (!kube) throw new NotConfiguredError('live logs need CITE_KUBECONFIG');
    const name = pathParam(req, 'name');
    const query = logTailQuery(req.query);
    const resume = resumeFrom(req);
    const ctx = callContext(req, res);
    // 404 / 403 as for the service, before the stream starts.
    const service = await deps.catalog.get(ctx, name);
    const release = counter.acquire(ctx.principal.actor);
    if (!release) {
      const message = `at most ${counter.limit} live log streams per token; close one first`;
      return errorAnswer(res, 429, 'too_many_requests', message, 'headers.authorization');
    }
    const statusWatch = new AbortController();
    try {
      // A first read of the record, so an unreachable etcd is a 503 rather than an empty stream.
      const statuses = await followPods(deps.observed, name, { signal: statusWatch.signal });
      const out = openOutput(req, res, wantsText(req, query), deps.streams);
      out.signal.addEventListener('abort', () => statusWatch.abort(), { once: true });
      const namespace = teamNamespace(service.value.team);
      const tail = new Tail({ kube, namespace, service: name, query, resume, out, res, log: req.log });
      try {
        await tail.run(statuses);
      } finally {
        statusWatch.abort();
        await statuses.return(undefined).catch(() => undefined);
        out.end();
      }
    } finally {
      statusWatch.abort();
      release();
    }
  });

  return router;
}
