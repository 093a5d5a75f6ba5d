/**
 * The live log tail's model, pure: the lines kept (the last `MAX_LINES`), pausing (lines keep arriving into a
 * bounded buffer and are counted), the filter, the pod choices, a stable colour per pod, and what a stream
 * error means for the user (501: no cluster, 429: too many streams, other 4xx: final, the rest: reconnecting).
 */
import { ApiError } from '../api';

/** What a `log` event carries. */
export interface RawLine {
  pod: string;
  container: string;
  /** UTC, nine fraction digits. */
  time: string;
  message: string;
}

export interface LogLine extends RawLine {
  /** Arrival number: a stable key. */
  seq: number;
}

export const MAX_LINES = 2_000;

export interface TailState {
  /** What the view shows (before the filter), oldest first, at most `max`. */
  lines: LogLine[];
  paused: boolean;
  /** Arrived while paused: the newest `max` of them. */
  held: LogLine[];
  /** How many arrived while paused (held or not). */
  heldCount: number;
  /** Lines let go to stay within `max` (the view's and the buffer's). */
  dropped: number;
  /** The pods the API says it follows (`pods` events). */
  pods: string[];
  nextSeq: number;
  max: number;
}

export type TailAction =
  | { type: 'lines'; lines: readonly RawLine[] }
  | { type: 'pods'; pods: readonly string[] }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'clear' }
  /** Everything as at the start (another stream). */
  | { type: 'reset' };

export function initialTail(max = MAX_LINES): TailState {
  return { lines: [], paused: false, held: [], heldCount: 0, dropped: 0, pods: [], nextSeq: 1, max };
}

function keepLast<T>(items: T[], max: number): { kept: T[]; dropped: number } {
  return items.length <= max
    ? { kept: items, dropped: 0 }
    : { kept: items.slice(-max), dropped: items.length - max };
}

export function tailReducer(state: TailState, action: TailAction): TailState {
  switch (action.type) {
    case 'lines': {
      if (action.lines.length === 0) return state;
      const numbered = action.lines.map((line, index) => ({ ...line, seq: state.nextSeq + index }));
      const nextSeq = state.nextSeq + numbered.length;
      if (state.paused) {
        const { kept, dropped } = keepLast([...state.held, ...numbered], state.max);
        return {
          ...state,
          held: kept,
          heldCount: state.heldCount + numbered.length,
          dropped: state.dropped + dropped,
          nextSeq,
        };
      }
      const { kept, dropped } = keepLast([...state.lines, ...numbered], state.max);
      return { ...state, lines: kept, dropped: state.dropped + dropped, nextSeq };
    }
    case 'pods':
      return { ...state, pods: [...action.pods].sort() };
    case 'pause':
      return state.paused ? state : { ...state, paused: true, held: [], heldCount: 0 };
    case 'resume': {
      if (!state.paused) return state;
      const { kept, dropped } = keepLast([...state.lines, ...state.held], state.max);
      return {
        ...state,
        paused: false,
        lines: kept,
        held: [],
        heldCount: 0,
        dropped: state.dropped + dropped,
      };
    }
    case 'clear':
      return { ...state, lines: [], held: [], heldCount: 0, dropped: 0 };
    case 'reset':
      return { ...initialTail(state.max), nextSeq: state.nextSeq };
  }
}

export interface TailFilter {
  /** Substring of the message, any case; '' for all. */
  text: string;
  /** One pod, or undefined for all. */
  pod?: string | undefined;
}

/** The lines that pass the filter. */
export function filterLines(lines: readonly LogLine[], filter: TailFilter): LogLine[] {
  const needle = filter.text.trim().toLocaleLowerCase();
  if (needle === '' && filter.pod === undefined) return lines as LogLine[];
  return lines.filter(
    (line) =>
      (filter.pod === undefined || line.pod === filter.pod) &&
      (needle === '' || line.message.toLocaleLowerCase().includes(needle)),
  );
}

/** The pods to choose from: those followed now and those whose lines are still shown, sorted. */
export function podChoices(state: Pick<TailState, 'pods' | 'lines' | 'held'>): string[] {
  const pods = new Set(state.pods);
  for (const line of state.lines) pods.add(line.pod);
  for (const line of state.held) pods.add(line.pod);
  return [...pods].sort();
}

/** A hue (0–359) that is the same for a pod name every time (FNV-1a). */
export function podHue(pod: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < pod.length; index += 1) {
    hash ^= pod.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % 360;
}

/** The pod's name without the service's prefix (`api-7d9f-x2k4p` → `7d9f-x2k4p`). */
export function shortPod(pod: string, service: string): string {
  return pod.startsWith(`${service}-`) && pod.length > service.length + 1
    ? pod.slice(service.length + 1)
    : pod;
}

/** `HH:MM:SS.mmm` local time of a line's UTC time; the text as it is when it is no time. */
export function clockOf(time: string): string {
  const date = new Date(time.replace(/(\.\d{3})\d+/, '$1'));
  if (Number.isNaN(date.getTime())) return time;
  const pad = (value: number, size = 2) => String(value).padStart(size, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** The data of a `log` event, or undefined when it is not one. */
export function parseLogEvent(data: string): RawLine | undefined {
  try {
    const value = JSON.parse(data) as Partial<Record<keyof RawLine, unknown>>;
    if (typeof value.message !== 'string' || typeof value.pod !== 'string') return undefined;
    return {
      pod: value.pod,
      container: typeof value.container === 'string' ? value.container : '',
      time: typeof value.time === 'string' ? value.time : '',
      message: value.message,
    };
  } catch {
    return undefined;
  }
}

/** The pods of a `pods` event, or undefined. */
export function parsePodsEvent(data: string): string[] | undefined {
  try {
    const value = JSON.parse(data) as { pods?: unknown };
    return Array.isArray(value.pods)
      ? value.pods.filter((pod): pod is string => typeof pod === 'string')
      : undefined;
  } catch {
    return undefined;
  }
}

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'unavailable' | 'busy' | 'failed';

export interface StreamProblem {
  status: StreamStatus;
  message: string;
  /** Whether the stream has stopped (the user may try again); otherwise it is being reopened. */
  final: boolean;
}

/** What a stream error means: 501 and 429 stop with their own words, another 4xx stops, the rest reconnect. */
export function streamProblem(error: unknown): StreamProblem {
  if (error instanceof ApiError) {
    if (error.status === 501) {
      return {
        status: 'unavailable',
        message: `Live logs are not available: the API has no cluster configured (${error.message}).`,
        final: true,
      };
    }
    if (error.status === 429) {
      return {
        status: 'busy',
        message: `Too many live log streams are open for your token: ${error.message}. Close a log tab elsewhere, then try again.`,
        final: true,
      };
    }
    if (error.status >= 400 && error.status < 500) {
      return { status: 'failed', message: `The log stream was refused: ${error.message}`, final: true };
    }
    return {
      status: 'reconnecting',
      message: `The log stream failed (${error.message}); reconnecting…`,
      final: false,
    };
  }
  const text = error instanceof Error ? error.message : String(error);
  return {
    status: 'reconnecting',
    message: `The log stream was interrupted (${text}); reconnecting…`,
    final: false,
  };
}

/** Whether a box scrolled to `scrollTop` shows its end (within `slack` pixels). */
export function atBottom(
  box: { scrollTop: number; scrollHeight: number; clientHeight: number },
  slack = 24,
): boolean {
  return box.scrollHeight - box.scrollTop - box.clientHeight <= slack;
}

/** Where a tail starts: the query it is opened with. */
export const START_OPTIONS = [
  { id: 'lines-100', label: 'Last 100 lines per pod', query: { tailLines: 100 } },
  { id: 'lines-1000', label: 'Last 1,000 lines per pod', query: { tailLines: 1000 } },
  { id: 'since-300', label: 'Last 5 minutes', query: { sinceSeconds: 300 } },
  { id: 'since-3600', label: 'Last hour', query: { sinceSeconds: 3600 } },
  { id: 'now', label: 'New lines only', query: { tailLines: 0 } },
] as const;
export type StartId = (typeof START_OPTIONS)[number]['id'];
