/**
 * How far a container's log has been shipped: the position of its last line that the engine accepted. Lines are
 * compared by their kubelet timestamp (normalised to nanoseconds: RFC3339Nano drops trailing zeros) and, for
 * lines with one timestamp, by their order. Pure.
 */

export interface LogPosition {
  /** Normalised: `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`. */
  timestamp: string;
  sequence: number;
}

/** `2026-12-06T04:44:28.1Z` → `2026-12-06T04:44:28.100000000Z`; null when it is not an RFC 3339 UTC time. */
export function normalizeTimestamp(text: string): string | null {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!match) return null;
  if (match[3] !== 'Z') {
    const date = new Date(text);
    if (Number.isNaN(date.getTime())) return null;
    const fraction = (match[2] ?? '').padEnd(9, '0');
    return `${date.toISOString().slice(0, 19)}.${fraction}Z`;
  }
  return `${match[1]}.${(match[2] ?? '').padEnd(9, '0')}Z`;
}

/** A `timestamps=true` line: `<RFC3339Nano> <message>`; null for a line without a readable timestamp. */
export function splitTimestamped(line: string): { timestamp: string; message: string } | null {
  const space = line.indexOf(' ');
  const timestamp = normalizeTimestamp(space < 0 ? line : line.slice(0, space));
  if (timestamp === null) return null;
  return { timestamp, message: space < 0 ? '' : line.slice(space + 1) };
}

/** -1, 0 or 1 as `a` is before, at or after `b`. */
export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  return Math.sign(a.sequence - b.sequence);
}

/** The `sinceTime` to ask the pod-log API for, to read again from `position` (its second: the API's precision). */
export function sinceTimeOf(position: LogPosition): string {
  return `${position.timestamp.slice(0, 19)}Z`;
}

/**
 * Numbers the lines of one stream as they come: lines that share a timestamp get 0, 1, 2, …, the same numbers
 * whenever the stream is read again from that second or earlier.
 */
export class LineSequencer {
  private last = '';
  private count = 0;

  next(timestamp: string): number {
    if (timestamp === this.last) return ++this.count;
    this.last = timestamp;
    this.count = 0;
    return 0;
  }
}
