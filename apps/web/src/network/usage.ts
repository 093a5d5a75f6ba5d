/**
 * A pod range's use, as the bars show it: the share in percent (one decimal, as the API gives it) and a level —
 * `warn` above 80 % (where the API warns), `bad` when no address is left. Pure.
 */

export type UsageLevel = 'ok' | 'warn' | 'bad';

/** Above this share the API warns about a node (`NODE_USE_WARNING_RATIO` of `@cite/catalog`). */
export const WARN_RATIO = 0.8;

export interface Usage {
  used: number;
  capacity: number;
  /** `used / capacity` in percent, one decimal (0 for an empty range). */
  percent: number;
  /** The bar's width in percent, 0–100. */
  width: number;
  level: UsageLevel;
  /** `12 / 254 (4.7 %)` */
  text: string;
}

const format = new Intl.NumberFormat('en');

/** The use of `capacity` addresses of which `used` are taken. */
export function usageOf(used: number, capacity: number): Usage {
  const percent = capacity <= 0 ? (used > 0 ? 100 : 0) : Math.round((used / capacity) * 1000) / 10;
  const full = capacity <= 0 ? used > 0 : used >= capacity;
  const level: UsageLevel = full ? 'bad' : capacity > 0 && used / capacity > WARN_RATIO ? 'warn' : 'ok';
  return {
    used,
    capacity,
    percent,
    width: Math.min(100, Math.max(0, percent)),
    level,
    text: `${format.format(used)} / ${format.format(capacity)} (${percent} %)`,
  };
}

/** The class of the `.bar` that shows a usage of `level`. */
export function barClass(level: UsageLevel): string {
  return level === 'ok' ? 'bar' : `bar ${level}`;
}

/** The `status-*` class for text about a usage of `level`. */
export function statusClass(level: UsageLevel): string {
  return `status-${level}`;
}
