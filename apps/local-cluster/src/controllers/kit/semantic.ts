/**
 * Equality the way apiequality.Semantic sees it, for JSON: a missing field, `null`, `{}` and `[]` are the same
 * (the server and the typed client drop or add empty values freely), and two RFC 3339 times are equal when
 * they name the same second (`…:00Z` and `…:00.000Z`).
 */

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A copy without null, undefined, empty objects or empty arrays, and with timestamps at second precision. */
export function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.map(canonical).filter((item) => item !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const child = canonical((value as Record<string, unknown>)[key]);
      if (child !== undefined) out[key] = child;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  if (typeof value === 'string' && TIMESTAMP.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return new Date(Math.floor(ms / 1000) * 1000).toISOString();
  }
  return value;
}

/** Deterministic JSON of the canonical form: keys sorted, empties dropped. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value) ?? null);
}

export function semanticEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
