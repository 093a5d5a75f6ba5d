/**
 * Service lifecycle rules, pure: which states accept changes, when a name can be taken again, what a
 * delete writes, and which services a list shows.
 *
 * - `active` services take every change. `deleting` ones refuse changes with 409 until the deployer has
 *   removed their objects and marked them `deleted`. `deleted` ones are history: readable, and their name
 *   can be taken again by the same team (their releases stay listed and numbering continues); another team
 *   cannot take it, since the history (env values included) would become theirs to read.
 */
import { conflictAt, invalidField, notFoundAt } from '@cite/errors';
import { LabelsSchema, newService, type Service, type ServiceCreate } from '@cite/model';

/** Throws unless the service takes changes (`ConflictError` while deleting, `NotFoundError` once deleted). */
export function assertChangeable(service: Service): void {
  if (service.state === 'deleting') {
    throw conflictAt('name', `service ${service.name} is being deleted`);
  }
  if (service.state === 'deleted') {
    throw notFoundAt('name', `service ${service.name} was deleted`);
  }
}

/** The largest service spec cite stores, as JSON (etcd takes 1.5 MiB per request; a release copies the config). */
export const MAX_SPEC_BYTES = 256 * 1024;

/** Throws `InputError` at `body` when the spec as stored would be larger than `MAX_SPEC_BYTES`. */
export function assertSpecSize(service: Service): void {
  const bytes = Buffer.byteLength(JSON.stringify(service));
  if (bytes > MAX_SPEC_BYTES) {
    throw invalidField('body', `the service spec would be ${bytes} bytes as JSON; at most ${MAX_SPEC_BYTES}`);
  }
}

export type CreatePlan = { kind: 'create'; service: Service } | { kind: 'recreate'; service: Service };

/** How a create request lands given what is stored under its name. */
export function planCreate(existing: Service | null, create: ServiceCreate, now: Date): CreatePlan {
  const service = newService(create, now.toISOString());
  if (existing === null) return { kind: 'create', service };
  if (existing.state !== 'deleted') throw conflictAt('name', `service ${create.name} already exists`);
  if (existing.team !== create.team) {
    throw conflictAt(
      'name',
      `name ${create.name} is kept for another team's deleted service; choose another name`,
    );
  }
  return { kind: 'recreate', service };
}

/** The service as a delete leaves it: `deleting`, stamped now. */
export function deletingService(service: Service, now: Date): Service {
  return { ...service, state: 'deleting', updatedAt: now.toISOString() };
}

/** `key` or `key=value`, as `?label=` takes it. */
export interface LabelSelector {
  key: string;
  value?: string;
}

export function parseLabelSelector(text: string): LabelSelector {
  const equals = text.indexOf('=');
  const selector: LabelSelector =
    equals < 0 ? { key: text } : { key: text.slice(0, equals), value: text.slice(equals + 1) };
  const parsed = LabelsSchema.safeParse({ [selector.key]: selector.value ?? '' });
  if (!parsed.success || selector.key === '') {
    throw invalidField('label', "must be 'key' or 'key=value' with a valid label key and value");
  }
  return selector;
}

export interface ServiceFilter {
  team?: string;
  labels?: LabelSelector[];
  /** Which states to show; deleted services are left out unless asked for. */
  states?: readonly Service['state'][];
  /** Part of the name, any case (`pay` finds `payments-api`). */
  q?: string;
  /** Teams the caller may see. */
  visible: 'all' | readonly string[];
}

export function matchesFilter(service: Service, filter: ServiceFilter): boolean {
  if (filter.visible !== 'all' && !filter.visible.includes(service.team)) return false;
  if (filter.team !== undefined && service.team !== filter.team) return false;
  const states = filter.states ?? ['active', 'deleting'];
  if (!states.includes(service.state)) return false;
  if (filter.q !== undefined && !service.name.includes(filter.q.toLowerCase())) return false;
  return (filter.labels ?? []).every((selector) =>
    selector.value === undefined
      ? Object.hasOwn(service.labels, selector.key)
      : service.labels[selector.key] === selector.value,
  );
}
