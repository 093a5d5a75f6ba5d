import type { IncomingMessage } from 'node:http';
import { isJsonObject } from '../api-types';
import { badRequest } from '../errors';
import type { DeleteOptions, PropagationPolicy, WatchOptions, WriteOptions } from '../registry/options';

function optionalInteger(query: URLSearchParams, key: string): number | undefined {
  const value = query.get(key);
  if (value === null || value === '') return undefined;
  const number = Number(value);
  if (!Number.isInteger(number)) throw badRequest(`invalid ${key}: ${value}`);
  return number;
}

function bool(query: URLSearchParams, key: string): boolean | undefined {
  const value = query.get(key);
  if (value === null) return undefined;
  return value === 'true' || value === '1' || value === '';
}

export function listOptions(query: URLSearchParams): WatchOptions {
  return {
    labelSelector: query.get('labelSelector') ?? undefined,
    fieldSelector: query.get('fieldSelector') ?? undefined,
    limit: optionalInteger(query, 'limit'),
    continue: query.get('continue') || undefined,
    resourceVersion: query.get('resourceVersion') ?? undefined,
    resourceVersionMatch: query.get('resourceVersionMatch') ?? undefined,
    allowWatchBookmarks: bool(query, 'allowWatchBookmarks'),
    timeoutSeconds: optionalInteger(query, 'timeoutSeconds'),
    sendInitialEvents: bool(query, 'sendInitialEvents'),
  };
}

export function isWatch(query: URLSearchParams): boolean {
  return bool(query, 'watch') === true;
}

function dryRun(query: URLSearchParams, body?: Record<string, unknown>): boolean {
  const values = query.getAll('dryRun');
  const fromBody = Array.isArray(body?.dryRun) ? (body.dryRun as string[]) : [];
  const all = [...values, ...fromBody];
  for (const value of all)
    if (value !== 'All') throw badRequest(`dryRun: Unsupported value: "${value}": supported values: "All"`);
  return all.length > 0;
}

export function writeOptions(
  query: URLSearchParams,
  request: Pick<IncomingMessage, 'headers'>,
): WriteOptions {
  return {
    dryRun: dryRun(query),
    fieldManager: query.get('fieldManager') ?? undefined,
    force: bool(query, 'force'),
    // The field manager of a write that names none (kube takes the User-Agent's product).
    userAgent: request.headers['user-agent'] ?? '',
  };
}

const POLICIES: PropagationPolicy[] = ['Foreground', 'Background', 'Orphan'];

/** metav1.DeleteOptions from the query and the (optional) body; the body wins, as kube decodes it last. */
export function deleteOptions(query: URLSearchParams, body: unknown): DeleteOptions {
  const fromBody = isJsonObject(body) ? body : {};
  const policy = (fromBody.propagationPolicy ?? query.get('propagationPolicy') ?? undefined) as
    string | undefined;
  if (policy !== undefined && !POLICIES.includes(policy as PropagationPolicy))
    throw badRequest(
      `propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
    );
  const grace = fromBody.gracePeriodSeconds ?? optionalInteger(query, 'gracePeriodSeconds');
  if (grace !== undefined && (typeof grace !== 'number' || grace < 0) && grace !== null)
    throw badRequest('gracePeriodSeconds must be a non-negative integer');
  const orphan = fromBody.orphanDependents ?? bool(query, 'orphanDependents');
  return {
    gracePeriodSeconds: typeof grace === 'number' ? grace : undefined,
    propagationPolicy: policy as PropagationPolicy | undefined,
    orphanDependents: typeof orphan === 'boolean' ? orphan : undefined,
    preconditions: isJsonObject(fromBody.preconditions)
      ? (fromBody.preconditions as DeleteOptions['preconditions'])
      : undefined,
    dryRun: dryRun(query, fromBody),
  };
}
