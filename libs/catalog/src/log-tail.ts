/**
 * The deciding parts of `GET /services/:name/logs`, a live tail of a service's pods merged into one stream (the
 * api reads each pod's log from the cluster with `timestamps=true`; this module does no I/O):
 *
 * - `parseLogLine`: `2026-01-02T03:04:05.123456789Z message` → a UTC time with nine fraction digits (so that
 *   text order is time order) and the message.
 * - Positions and event ids `<time>~<pod>~<n>`: `n` counts the pod's earlier lines with the same time, so every
 *   line has a distinct position, and positions are totally ordered (time, then pod, then n).
 * - `PodLines`: numbers one pod's lines and drops those at or before a position (the client's `Last-Event-ID`,
 *   or the last line read before the pod's stream was reopened), so a line is never sent twice. A stream is
 *   reopened with `sinceTime` = that position's second (the API's `sinceTime` has whole seconds): it starts at a
 *   second boundary, so lines sharing a time are numbered from the first of them again.
 * - `LogMerge`: lines of several pods in the order they arrive, sorted within a short batch. Only a line past
 *   every id sent so far gets an id: a client resuming from its last id then gets no line twice (a line that
 *   arrived late, behind a later one of another pod, went without an id and is at or before that id).
 * - `podsToFollow`, `FollowedPods`: which pods are followed (Running, or Pending on a node) and when one that
 *   left the record stops being followed (once its stream has ended).
 * - `StreamCounter`: open streams per token.
 */
import { invalidField } from '@cite/errors';
import type { PodStatus } from '@cite/model';

/** Lines of one pod the stream starts with when the client names neither `tailLines` nor `sinceSeconds`. */
export const DEFAULT_TAIL_LINES = 10;
export const MAX_TAIL_LINES = 10_000;
/** 30 days. */
export const MAX_SINCE_SECONDS = 30 * 24 * 3600;

const TIMESTAMPED = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})(?: |$)/;

export interface ParsedLogLine {
  /** UTC, nine fraction digits: `2026-01-02T03:04:05.120000000Z`. */
  time: string;
  message: string;
}

/**
 * A line of a log read with `timestamps=true`. Kubernetes writes RFC 3339 with up to nine fraction digits
 * (trailing zeros dropped) and UTC; an offset is converted. Null for a line without a valid timestamp.
 */
export function parseLogLine(raw: string): ParsedLogLine | null {
  const match = TIMESTAMPED.exec(raw);
  if (!match) return null;
  const [prefix, base, fraction = '', zone] = [match[0], match[1]!, match[2], match[3]!];
  const ms = Date.parse(`${base}${zone}`);
  if (Number.isNaN(ms)) return null;
  const utc = zone === 'Z' ? base : new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
  if (zone === 'Z' && new Date(ms).toISOString().slice(0, 19) !== base) return null;
  return { time: `${utc}.${fraction.padEnd(9, '0')}Z`, message: raw.slice(prefix.length) };
}

/** Where a line stands in the merged stream. */
export interface LogPosition {
  /** As `ParsedLogLine.time`. */
  time: string;
  pod: string;
  /** How many earlier lines of the pod have the same time. */
  n: number;
}

export const formatEventId = (position: LogPosition): string =>
  `${position.time}~${position.pod}~${position.n}`;

const EVENT_ID =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z)~([a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?)~(\d{1,9})$/;

/** An id of `formatEventId`, or null for anything else. */
export function parseEventId(id: string): LogPosition | null {
  const match = EVENT_ID.exec(id);
  if (!match || Number.isNaN(Date.parse(match[1]!))) return null;
  return { time: match[1]!, pod: match[2]!, n: Number(match[4]) };
}

/** Time, then pod, then n: negative when `a` comes first. */
export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  if (a.pod !== b.pod) return a.pod < b.pod ? -1 : 1;
  return a.n - b.n;
}

/** The whole second a time falls in, as `sinceTime` takes it: `2026-01-02T03:04:05Z`. */
export const secondFloor = (time: string): string => `${time.slice(0, 19)}Z`;

/** The same second floor of a clock time. */
export const secondFloorOf = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`;

/** A clock time as `ParsedLogLine.time`. */
export const logTimeOf = (date: Date): string => date.toISOString().replace(/Z$/, '000000Z');

/**
 * One pod's lines across the streams opened for it: numbers them, and drops those at or before `after`.
 * `reopenFrom` moves `after` to the last line read, so the next stream (from that line's second) repeats
 * nothing.
 */
export class PodLines {
  private last: { time: string; n: number } | undefined;

  constructor(
    readonly pod: string,
    private after: LogPosition | undefined,
  ) {}

  /** The time of the last line read: what a line without a timestamp is given. */
  get lastTime(): string | undefined {
    return this.last?.time;
  }

  /** The position of the pod's next line (of `time`), or null when it was sent already. */
  next(time: string): LogPosition | null {
    const n = this.last?.time === time ? this.last.n + 1 : 0;
    this.last = { time, n };
    const position = { time, pod: this.pod, n };
    return this.after && comparePositions(position, this.after) <= 0 ? null : position;
  }

  /**
   * Starts numbering a new stream of the pod. Returns its `sinceTime`: the second of the last line read (or of
   * `after`); undefined when nothing was read nor sent, so the first stream's options apply again.
   */
  reopenFrom(): string | undefined {
    if (this.last) {
      const read = { time: this.last.time, pod: this.pod, n: this.last.n };
      if (!this.after || comparePositions(read, this.after) > 0) this.after = read;
    }
    this.last = undefined;
    return this.after && secondFloor(this.after.time);
  }
}

export interface TailLine {
  pod: string;
  container: string;
  time: string;
  message: string;
  position: LogPosition;
}

/** A line to send, with its event id when it is past every id sent before. */
export interface TailEvent {
  line: TailLine;
  id?: string;
}

/**
 * Lines of all followed pods: added as they arrive, taken in batches sorted by position (a batch covers the
 * few milliseconds between two writes to the client, which puts lines that arrived together in order).
 */
export class LogMerge {
  private batch: TailLine[] = [];
  private high: LogPosition | undefined;

  /** `after`: the client's `Last-Event-ID`; only lines past it get ids. */
  constructor(after?: LogPosition) {
    this.high = after;
  }

  get size(): number {
    return this.batch.length;
  }

  add(line: TailLine): void {
    this.batch.push(line);
  }

  /** The batch, in order; a line gets an id only when past the last id given (ids only go up). */
  take(): TailEvent[] {
    const lines = this.batch.sort((a, b) => comparePositions(a.position, b.position));
    this.batch = [];
    return lines.map((line) => {
      if (this.high && comparePositions(line.position, this.high) <= 0) return { line };
      this.high = line.position;
      return { line, id: formatEventId(line.position) };
    });
  }
}

/** The pods whose logs are read: Running, or Pending on a node (starting); only `only` when given. Sorted. */
export function podsToFollow(pods: readonly PodStatus[], only?: string): string[] {
  return pods
    .filter((pod) => pod.phase === 'Running' || (pod.phase === 'Pending' && pod.node !== undefined))
    .filter((pod) => only === undefined || pod.name === only)
    .map((pod) => pod.name)
    .sort();
}

/**
 * The pods a stream follows. A pod is followed from when the status record first lists it (as `podsToFollow`
 * picks) until it has left the record and its log stream has ended (a pod being deleted usually still writes
 * its last lines); a pod that leaves while no stream of it is open (it waits to start, or to reconnect) is
 * dropped at once.
 */
export class FollowedPods {
  private readonly pods = new Map<string, { wanted: boolean; streaming: boolean }>();

  /** The record now lists `wanted`: which pods to start reading, which to stop at once, and whether the set changed. */
  want(wanted: readonly string[]): { start: string[]; stop: string[]; changed: boolean } {
    const names = new Set(wanted);
    const start = wanted.filter((pod) => !this.pods.has(pod));
    const stop: string[] = [];
    for (const [pod, state] of this.pods) {
      state.wanted = names.has(pod);
      if (!state.wanted && !state.streaming) stop.push(pod);
    }
    for (const pod of stop) this.pods.delete(pod);
    for (const pod of start) this.pods.set(pod, { wanted: true, streaming: false });
    return { start, stop, changed: start.length > 0 || stop.length > 0 };
  }

  /** A stream of `pod` opened. */
  streaming(pod: string): void {
    const state = this.pods.get(pod);
    if (state) state.streaming = true;
  }

  /**
   * A stream of `pod` ended (or failed to open): `reopen` when the record still lists it; otherwise it is no
   * longer followed (`changed`).
   */
  ended(pod: string): { reopen: boolean; changed: boolean } {
    const state = this.pods.get(pod);
    if (!state) return { reopen: false, changed: false };
    state.streaming = false;
    if (state.wanted) return { reopen: true, changed: false };
    this.pods.delete(pod);
    return { reopen: false, changed: true };
  }

  has(pod: string): boolean {
    return this.pods.has(pod);
  }

  list(): string[] {
    return [...this.pods.keys()].sort();
  }
}

/** Open streams per key (a token), at most `limit` each. */
export class StreamCounter {
  private readonly open = new Map<string, number>();

  constructor(readonly limit: number) {}

  /** Counts one more stream of `key` and returns its release (idempotent), or undefined at the limit. */
  acquire(key: string): (() => void) | undefined {
    const count = this.open.get(key) ?? 0;
    if (count >= this.limit) return undefined;
    this.open.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(key) ?? 1) - 1;
      if (left > 0) this.open.set(key, left);
      else this.open.delete(key);
    };
  }

  count(key: string): number {
    return this.open.get(key) ?? 0;
  }
}

export interface LogTailQuery {
  /** Keep reading and pick up new pods (default), or send what the logs hold now and end. */
  follow: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  /** Only this pod. */
  pod?: string;
  /** This container of each pod (default: cite's one container). */
  container?: string;
  /** `?format=text`. */
  text: boolean;
}

const NAME = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;

function single(query: Record<string, unknown>, key: string): string | undefined {
  const value = query[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidField(`query.${key}`, 'must be given once');
  return value;
}

function integer(query: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const value = single(query, key);
  if (value === undefined) return undefined;
  if (!/^\d{1,10}$/.test(value) || Number(value) < min || Number(value) > max)
    throw invalidField(`query.${key}`, `must be an integer from ${min} to ${max}`);
  return Number(value);
}

function name(query: Record<string, unknown>, key: string, what: string): string | undefined {
  const value = single(query, key);
  if (value !== undefined && !NAME.test(value)) throw invalidField(`query.${key}`, `must be a ${what} name`);
  return value;
}

/** `follow`, `tailLines`, `sinceSeconds`, `pod`, `container`, `format`; a 400 at `query.<key>` for a bad one. */
export function logTailQuery(query: Record<string, unknown>): LogTailQuery {
  const follow = single(query, 'follow');
  if (follow !== undefined && follow !== 'true' && follow !== 'false')
    throw invalidField('query.follow', 'must be true or false');
  const format = single(query, 'format');
  if (format !== undefined && format !== 'text' && format !== 'sse')
    throw invalidField('query.format', 'must be text or sse');
  const tailLines = integer(query, 'tailLines', 0, MAX_TAIL_LINES);
  const sinceSeconds = integer(query, 'sinceSeconds', 1, MAX_SINCE_SECONDS);
  const pod = name(query, 'pod', 'pod');
  const container = name(query, 'container', 'container');
  return {
    follow: follow !== 'false',
    text: format === 'text',
    ...(tailLines === undefined ? {} : { tailLines }),
    ...(sinceSeconds === undefined ? {} : { sinceSeconds }),
    ...(pod === undefined ? {} : { pod }),
    ...(container === undefined ? {} : { container }),
  };
}

/**
 * What the first stream of a pod asks for: after `Last-Event-ID`, everything from its second; for a pod there
 * from the start, the client's `tailLines`/`sinceSeconds` (`DEFAULT_TAIL_LINES` when it names neither); for a
 * pod picked up later, everything since the stream began.
 */
export function firstRead(
  query: Pick<LogTailQuery, 'tailLines' | 'sinceSeconds'>,
  context: { resume?: LogPosition; startedAt: Date; late: boolean },
): Record<string, string> {
  if (context.resume) return { sinceTime: secondFloor(context.resume.time) };
  if (context.late) return { sinceTime: secondFloorOf(context.startedAt) };
  if (query.tailLines === undefined && query.sinceSeconds === undefined)
    return { tailLines: String(DEFAULT_TAIL_LINES) };
  return {
    ...(query.tailLines === undefined ? {} : { tailLines: String(query.tailLines) }),
    ...(query.sinceSeconds === undefined ? {} : { sinceSeconds: String(query.sinceSeconds) }),
  };
}
