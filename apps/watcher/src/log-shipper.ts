/**
 * Ships the container logs of cite's services into the search engine: one follower per running container
 * (the pod-log API, `follow` and `timestamps`), one queue, bulk writes of up to `batchSize` lines.
 *
 * - **At least once, never twice**: a container's position (its last line the engine accepted) is stored in etcd
 *   (`logpositions/<pod uid>/<container>`) only after the bulk write that carried it; after a crash the follower
 *   reads again from that position's second and drops what it already shipped, and a line sent twice has one
 *   document id (`podLineDocument`), so it stays one document.
 * - **Back-pressure**: the queue is bounded; a follower waits for room before it reads on, so an engine that is
 *   slow or down slows the reading (the kubelet keeps the lines) instead of filling memory.
 * The leading watcher runs it (`CITE_LOGS_URL` set); a standby takes over from the stored positions.
 */
import type { Logger } from '@cite/logging';
import {
  comparePositions,
  LineSequencer,
  podLineDocument,
  sinceTimeOf,
  splitTimestamped,
  type LogDocument,
  type LogPosition,
  type LogStore,
} from '@cite/log-store';
import { TEAM_NAMESPACE_PREFIX, type LogPositionRecord } from '@cite/model';
import { citeServiceOf } from '@cite/observe';
import type { MetadataStore } from '@cite/store';
import type { V1Pod } from '@kubernetes/client-node';

/** Streams a container's log lines (`timestamps=true`, follow) from `sinceTime`, until the container stops. */
export type FollowLog = (
  namespace: string,
  pod: string,
  query: { container: string; sinceTime?: string },
  signal: AbortSignal,
) => AsyncIterable<string>;

export interface LogShipperOptions {
  store: MetadataStore;
  logs: Pick<LogStore, 'write' | 'ensureTemplates'>;
  follow: FollowLog;
  logger: Logger;
  /** Lines per bulk write. @defaultValue 5000 */
  batchSize?: number;
  /** Bulk writes in flight at once. @defaultValue 2 */
  writesInFlight?: number;
  /** Longest a line waits for its batch to fill. @defaultValue 250 */
  flushMs?: number;
  /** Lines queued at most before followers wait. @defaultValue 20000 */
  maxQueued?: number;
  /** Shipped-line count, for the bench. */
  onShipped?: (lines: number) => void;
}

interface Queued {
  doc: LogDocument;
  /** When it was queued (`performance.now()`). */
  at: number;
  key: string;
  position: LogPosition;
  record: Omit<LogPositionRecord, 'timestamp' | 'sequence' | 'updatedAt'>;
}

interface Follower {
  abort: AbortController;
  done: Promise<void>;
}

export class LogShipper {
  /** Each container's last line the engine has (and etcd records). */
  private readonly positions = new Map<string, LogPosition>();
  /** Each container's last line queued (ahead of `positions` while its batch is on its way). */
  private readonly queued = new Map<string, LogPosition>();
  /** The running containers of cite's pods: those to follow. */
  private readonly wanted = new Set<string>();
  private readonly followers = new Map<string, Follower>();
  private readonly queue: Queued[] = [];
  private roomWaiters: (() => void)[] = [];
  private flushWaiter: (() => void) | undefined;
  /** The queue's head entries already in a bulk write (in flight, not yet acknowledged). */
  private sent = 0;
  private stopped = false;
  private started = false;
  private readonly early = new Map<string, { pod: V1Pod; gone: boolean }>();
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly options: LogShipperOptions) {}

  /** Reads the stored positions and starts writing; `podChanged` then says which containers to follow. */
  async start(): Promise<void> {
    await this.options.logs
      .ensureTemplates()
      .catch((error: unknown) =>
        this.options.logger.warn('log index templates not written yet', { error: String(error) }),
      );
    for await (const item of this.options.store.logPositions.all({ limit: 1000 }))
      this.positions.set(item.id, { timestamp: item.value.timestamp, sequence: item.value.sequence });
    this.loop = this.writeLoop();
    this.started = true;
    for (const { pod, gone } of this.early.values()) this.podChanged(pod, gone);
    this.early.clear();
  }

  /** Follows the running containers of a cite pod as it changes; a gone pod's followers end with their streams. */
  podChanged(pod: V1Pod, gone: boolean): void {
    const uid = pod.metadata?.uid;
    if (this.stopped || !uid || !citeServiceOf(pod)) return;
    if (!this.started) {
      // Before the stored positions are read, a follower would start from the beginning: hold the pod.
      this.early.set(uid, { pod, gone });
      return;
    }
    const running =
      gone || pod.metadata?.deletionTimestamp
        ? []
        : (pod.status?.containerStatuses ?? [])
            .filter((status) => status.state?.running)
            .map((status) => status.name);
    for (const key of [...this.wanted]) if (key.startsWith(`${uid}/`)) this.wanted.delete(key);
    for (const container of running) {
      const key = `${uid}/${container}`;
      this.wanted.add(key);
      if (this.followers.has(key)) continue;
      const follower = this.startFollower(key, pod, container);
      this.followers.set(key, follower);
      void follower.done.then(() => {
        if (this.followers.get(key) === follower) this.followers.delete(key);
      });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const follower of this.followers.values()) follower.abort.abort();
    for (const wake of this.roomWaiters.splice(0)) wake();
    this.flushWaiter?.();
    await Promise.all([...this.followers.values()].map((follower) => follower.done));
    await this.loop;
  }

  private startFollower(key: string, pod: V1Pod, container: string): Follower {
    const abort = new AbortController();
    const namespace = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    const status = pod.status?.containerStatuses?.find((candidate) => candidate.name === container);
    const record = {
      namespace,
      pod: name,
      container,
    };
    const line = {
      team: namespace.startsWith(TEAM_NAMESPACE_PREFIX)
        ? namespace.slice(TEAM_NAMESPACE_PREFIX.length)
        : namespace,
      service: citeServiceOf(pod) ?? '',
      namespace,
      pod: name,
      podUid: pod.metadata?.uid ?? '',
      container,
      ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
      ...(status?.image ? { image: status.image } : {}),
      ...(releaseOf(pod) !== undefined ? { release: releaseOf(pod) } : {}),
    };
    const done = (async () => {
      let failures = 0;
      while (!abort.signal.aborted && !this.stopped) {
        const from = later(this.positions.get(key), this.queued.get(key));
        const sequencer = new LineSequencer();
        try {
          for await (const text of this.options.follow(
            namespace,
            name,
            { container, ...(from ? { sinceTime: sinceTimeOf(from) } : {}) },
            abort.signal,
          )) {
            const split = splitTimestamped(text);
            if (!split) continue;
            const position = { timestamp: split.timestamp, sequence: sequencer.next(split.timestamp) };
            if (from && comparePositions(position, from) <= 0) continue;
            await this.room();
            if (abort.signal.aborted || this.stopped) return;
            this.queued.set(key, position);
            this.queue.push({
              doc: podLineDocument({
                ...line,
                timestamp: split.timestamp,
                sequence: position.sequence,
                message: split.message,
              }),
              at: performance.now(),
              key,
              position,
              record,
            });
            if (this.queue.length - this.sent >= (this.options.batchSize ?? 5000)) this.flushWaiter?.();
          }
          // The stream ended: the container stopped or restarted, or its pod went. Follow on while it is wanted.
          if (!this.wanted.has(key)) return;
          await pause(500, abort.signal);
        } catch (error) {
          if (abort.signal.aborted || this.stopped) return;
          failures++;
          this.options.logger.warn('log stream failed; following again', {
            pod: `${namespace}/${name}`,
            container,
            error: String(error),
          });
          await pause(Math.min(10_000, 250 * 2 ** Math.min(failures, 6)), abort.signal);
        }
      }
    })();
    return { abort, done };
  }

  /** Waits while the queue is full. */
  private async room(): Promise<void> {
    while (this.queue.length >= (this.options.maxQueued ?? 20_000) && !this.stopped)
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
  }

  /**
   * Up to `writesInFlight` bulk writes at once, each retried until the engine takes it; positions advance in
   * queue order only (a later batch that lands first waits for the earlier ones), so a crash never skips lines.
   */
  private async writeLoop(): Promise<void> {
    const batchSize = this.options.batchSize ?? 5000;
    const maxInFlight = this.options.writesInFlight ?? 2;
    const flushMs = this.options.flushMs ?? 250;
    let inFlight = 0;
    let order: Promise<void> = Promise.resolve();
    for (;;) {
      // Stopping does not drain the queue: the stored positions say where the next leader starts.
      if (this.stopped) break;
      // A batch goes when it is full, or when its oldest line has waited `flushMs`, and a write slot is free.
      const unsent = this.queue.length - this.sent;
      const waited = unsent > 0 ? performance.now() - this.queue[this.sent]!.at : 0;
      if (inFlight >= maxInFlight || unsent === 0 || (unsent < batchSize && waited < flushMs)) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, unsent > 0 ? Math.max(1, flushMs - waited) : flushMs);
          this.flushWaiter = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.flushWaiter = undefined;
        continue;
      }
      const batch = this.queue.slice(this.sent, this.sent + batchSize);
      this.sent += batch.length;
      inFlight++;
      const written = this.writeUntilDone(batch);
      order = order.then(async () => {
        const ok = await written;
        inFlight--;
        if (!ok) return;
        await this.retry(() => this.advance(batch));
        this.queue.splice(0, batch.length);
        this.sent -= batch.length;
        for (const wake of this.roomWaiters.splice(0)) wake();
        this.options.onShipped?.(batch.length);
        this.flushWaiter?.();
      });
    }
    await order;
  }

  /** Writes one batch, trying again while the engine is away; false when stopped first. */
  private async writeUntilDone(batch: readonly Queued[]): Promise<boolean> {
    // In id order (the ids lead with the time): the engine checks each id against the ids it holds, and checks
    // in order walk its terms index far less than ids in the order 50 containers' lines arrive.
    const docs = batch.map((entry) => entry.doc).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return this.retry(async () => {
      const result = await this.options.logs.write(docs);
      for (const rejected of result.rejected)
        this.options.logger.warn('the search engine refused a log line', rejected);
    });
  }

  /** Runs `step` until it succeeds (true) or the shipper stops (false), backing off between tries. */
  private async retry(step: () => Promise<void>): Promise<boolean> {
    for (let failures = 0; ; failures++) {
      try {
        await step();
        return true;
      } catch (error) {
        // The engine (or etcd) is away: keep the batch, wait, try again; followers wait for room meanwhile.
        if (failures === 0 || failures % 20 === 19)
          this.options.logger.warn('log shipping paused; retrying', {
            error: String(error),
            lines: this.queue.length,
          });
        if (this.stopped && failures >= 3) return false;
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(5_000, 200 * 2 ** Math.min(failures, 5))),
        );
      }
    }
  }

  /** Stores each container's new position (its batch's last line), once the engine has the batch. */
  private async advance(batch: readonly Queued[]): Promise<void> {
    const last = new Map<string, Queued>();
    for (const entry of batch) last.set(entry.key, entry);
    const updatedAt = new Date().toISOString();
    const write = this.options.store.etcd.batch();
    for (const [key, entry] of last)
      write.put(this.options.store.logPositions, key, {
        ...entry.record,
        timestamp: entry.position.timestamp,
        sequence: entry.position.sequence,
        updatedAt,
      });
    await write.commit('advance log positions');
    for (const [key, entry] of last) this.positions.set(key, entry.position);
  }
}

function later(a: LogPosition | undefined, b: LogPosition | undefined): LogPosition | undefined {
  if (!a) return b;
  if (!b) return a;
  return comparePositions(a, b) >= 0 ? a : b;
}

function releaseOf(pod: V1Pod): number | undefined {
  const value = Number(pod.metadata?.labels?.['cite.dev/release']);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
