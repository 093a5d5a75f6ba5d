/** Whether two records say the same thing, their write times aside: an unchanged record is not written again. */
const TIME_FIELDS = new Set(['updatedAt', 'observedAt', 'observedBy']);

export function sameRecord(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (key, inner: unknown) => {
    if (TIME_FIELDS.has(key)) return undefined;
    if (inner && typeof inner === 'object' && !Array.isArray(inner))
      return Object.fromEntries(Object.entries(inner).sort(([x], [y]) => x.localeCompare(y)));
    return inner;
  });
}
