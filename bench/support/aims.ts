/** How the benches print a figure beside the aim for it. */

/** `met` when `value` is below `limit`, else `NOT met` (a NaN, from no samples, is not met). */
export function judge(value: number, limit: number): 'met' | 'NOT met' {
  return value < limit ? 'met' : 'NOT met';
}

/** `<label> <value> <unit> — aim < <limit> <unit>: met|NOT met`. */
export function beside(label: string, value: number, limit: number, unit = 'ms', digits = 1): string {
  return `${label} ${value.toFixed(digits)} ${unit} — aim < ${limit} ${unit}: ${judge(value, limit)}`;
}

/** `<label> <value> <unit> — aim ≥ <limit> <unit>: met|NOT met`, for a figure that must reach its aim. */
export function atLeast(label: string, value: number, limit: number, unit: string, digits = 0): string {
  const met = value >= limit ? 'met' : 'NOT met';
  return `${label} ${value.toFixed(digits)} ${unit} — aim ≥ ${limit} ${unit}: ${met}`;
}
