/**
 * The scale form: the service's replicas and cpu / memory requests and limits, and the `POST …/scale` body that
 * asks for what the form changed and nothing else (`ScaleRequestSchema`: `{ replicas?, cpu?: { request?, limit? },
 * memory?: { request?, limit? } }`). The API judges the values; the form only refuses what cannot be sent.
 */
import type { Service } from '@cite/model';
import type { FieldIssue } from '../api';
import { fieldMessages } from './field-errors';

export interface ScaleForm {
  /** NaN while the field is empty. */
  replicas: number;
  cpuRequest: string;
  cpuLimit: string;
  memoryRequest: string;
  memoryLimit: string;
}

/** The form's fields by the API's path of each. */
export const SCALE_FIELDS = {
  replicas: 'replicas',
  cpuRequest: 'cpu.request',
  cpuLimit: 'cpu.limit',
  memoryRequest: 'memory.request',
  memoryLimit: 'memory.limit',
} as const satisfies Record<keyof ScaleForm, string>;

export type ScaleField = keyof ScaleForm;
export type ScalePath = (typeof SCALE_FIELDS)[ScaleField];

export interface ScaleBody {
  replicas?: number;
  cpu?: { request?: string; limit?: string };
  memory?: { request?: string; limit?: string };
}

export function scaleFormOf(service: Pick<Service, 'replicas' | 'resources'>): ScaleForm {
  return {
    replicas: service.replicas,
    cpuRequest: service.resources.cpu.request,
    cpuLimit: service.resources.cpu.limit,
    memoryRequest: service.resources.memory.request,
    memoryLimit: service.resources.memory.limit,
  };
}

export type ScaleBuild =
  | { kind: 'unchanged' }
  | { kind: 'invalid'; errors: Partial<Record<ScalePath, string>> }
  | { kind: 'ready'; body: ScaleBody };

function pair(request: string, limit: string, current: { request: string; limit: string }) {
  const change: { request?: string; limit?: string } = {};
  if (request.trim() !== current.request) change.request = request.trim();
  if (limit.trim() !== current.limit) change.limit = limit.trim();
  return Object.keys(change).length > 0 ? change : undefined;
}

/**
 * The body for what differs from `service` (values trimmed), `unchanged` when nothing does, or `invalid` for what
 * cannot be sent at all (an empty replica count or amount: a field cannot be unset).
 */
export function scaleBody(form: ScaleForm, service: Pick<Service, 'replicas' | 'resources'>): ScaleBuild {
  const errors: Partial<Record<ScalePath, string>> = {};
  if (!Number.isFinite(form.replicas))
    errors.replicas = 'enter a whole number of replicas (0 parks the service)';
  for (const field of ['cpuRequest', 'cpuLimit', 'memoryRequest', 'memoryLimit'] as const) {
    if (form[field].trim() === '') errors[SCALE_FIELDS[field]] = 'enter an amount';
  }
  if (Object.keys(errors).length > 0) return { kind: 'invalid', errors };
  const body: ScaleBody = {};
  if (form.replicas !== service.replicas) body.replicas = form.replicas;
  const cpu = pair(form.cpuRequest, form.cpuLimit, service.resources.cpu);
  const memory = pair(form.memoryRequest, form.memoryLimit, service.resources.memory);
  if (cpu) body.cpu = cpu;
  if (memory) body.memory = memory;
  return Object.keys(body).length === 0 ? { kind: 'unchanged' } : { kind: 'ready', body };
}

/** Whether the form still shows `service`'s values. */
export function sameScale(form: ScaleForm, service: Pick<Service, 'replicas' | 'resources'>): boolean {
  return scaleBody(form, service).kind === 'unchanged';
}

/** The API's issues by field; `other` holds those of no field (`body`, an unknown key…). */
export function scaleMessages(details: readonly FieldIssue[]) {
  return fieldMessages(details, Object.values(SCALE_FIELDS));
}

/** A short account of a scale body: `replicas 2 → 3, cpu limit 500m → 1`. */
export function describeScale(body: ScaleBody, service: Pick<Service, 'replicas' | 'resources'>): string {
  const parts: string[] = [];
  if (body.replicas !== undefined) parts.push(`replicas ${service.replicas} → ${body.replicas}`);
  for (const resource of ['cpu', 'memory'] as const) {
    const change = body[resource];
    if (change?.request !== undefined)
      parts.push(`${resource} request ${service.resources[resource].request} → ${change.request}`);
    if (change?.limit !== undefined)
      parts.push(`${resource} limit ${service.resources[resource].limit} → ${change.limit}`);
  }
  return parts.join(', ');
}
