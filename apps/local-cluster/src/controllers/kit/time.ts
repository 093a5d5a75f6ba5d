/** Time as the controllers see it: milliseconds in, RFC 3339 (second precision, like metav1.Time) out. */

export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** `2024-05-01T12:00:00Z`: metav1.Time has second precision. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Milliseconds since the epoch, or undefined for a missing or unreadable time. */
export function parseTime(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `2024-05-01T12:00:00.123000Z`: metav1.MicroTime (a Lease's renewTime), microseconds from milliseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}
