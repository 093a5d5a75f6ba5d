/** Which cite service an object belongs to, by the labels cite puts on what it manages. Pure. */
import { LABELS, MANAGED_BY } from '@cite/kube';
import { ServiceNameSchema } from '@cite/model';

interface Labelled {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
}

/** The cite service an object is labelled for (`managed-by=cite` and a valid name label), or null. */
export function citeServiceOf(object: Labelled): string | null {
  const labels = object.metadata?.labels;
  if (labels?.[LABELS.managedBy] !== MANAGED_BY) return null;
  const name = labels[LABELS.name];
  return name !== undefined && ServiceNameSchema.safeParse(name).success ? name : null;
}

/** `namespace/name` of a namespaced object. */
export function refOf(object: Labelled): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

/** An RFC 3339 time from a Kubernetes timestamp (client-node gives a Date or a string), or `fallback`. */
export function isoTime(value: Date | string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? fallback : date.toISOString();
}
