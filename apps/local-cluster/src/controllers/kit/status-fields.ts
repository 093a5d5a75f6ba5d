/** Building the owned part of a status and the merge patch to it, treating zero counts as absent (omitempty). */
import { createMergePatch } from './merge-patch';

function dropZeros(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== 0 && value !== undefined));
}

/**
 * The merge patch (`{ status: … }`) that brings `fields` of `observed` to `desired`, or undefined when they
 * already agree. Counts of 0 equal missing ones, since the API server omits them.
 */
export function statusPatch(
  observed: Record<string, unknown> | undefined,
  desired: Record<string, unknown>,
  fields: readonly string[],
): Record<string, unknown> | undefined {
  const from = dropZeros(Object.fromEntries(fields.map((field) => [field, observed?.[field]])));
  const to = dropZeros(Object.fromEntries(fields.map((field) => [field, desired[field]])));
  const patch = createMergePatch(from, to);
  if (!patch) return undefined;
  // A count that drops to 0 is sent as 0 (a merge patch's null would be refused by some strategies); the API server
  // then drops the zero where Go's omitempty would (resources/omit-zero.ts).
  for (const [key, value] of Object.entries(patch))
    if (value === null && typeof observed?.[key] === 'number') patch[key] = 0;
  return { status: patch };
}
