/**
 * Label values, bounded: every function here maps whatever it is given onto a small fixed set (or `other`), so
 * no request path, service name or key can make a new time series. Pure.
 */

export const OTHER = 'other';

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** `GET`, `POST`, … or `other`. */
export function httpMethodLabel(method: string | undefined): string {
  const upper = (method ?? '').toUpperCase();
  return HTTP_METHODS.has(upper) ? upper : OTHER;
}

/** The status code as text (`200`), or `other` for anything that is not one. */
export function statusLabel(status: number): string {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : OTHER;
}

/** Values chosen by code (queue names, release causes and outcomes): short lowercase words, else `other`. */
export function enumLabel(value: string): string {
  return /^[a-z][a-z0-9_-]{0,31}$/.test(value) ? value : OTHER;
}

/**
 * The etcd operation of a store action (`get services/web`, `list /cite/v1/locks/`, `grant lease`, …): get, put,
 * delete, range, txn, lease, status or `other`. Only the first word is read; the key after it never is.
 */
export function etcdOpLabel(action: string): string {
  const verb = (action.split(' ', 1)[0] ?? '').toLowerCase();
  switch (verb) {
    case 'get':
    case 'put':
    case 'delete':
    case 'txn':
      return verb;
    case 'list':
    case 'read':
    case 'leader':
      return 'range';
    case 'grant':
    case 'revoke':
    case 'lease':
      return 'lease';
    case 'ping':
      return 'status';
    default:
      return OTHER;
  }
}

/** Commands that wait server-side for data: their duration is the wait, not Redis' speed, so they are not timed. */
const BLOCKING_REDIS_COMMANDS = new Set([
  'blpop',
  'brpop',
  'brpoplpush',
  'blmove',
  'blmpop',
  'bzpopmin',
  'bzpopmax',
  'bzmpop',
  'xread',
  'xreadgroup',
  'wait',
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'monitor',
]);

export function isBlockingRedisCommand(name: string): boolean {
  return BLOCKING_REDIS_COMMANDS.has(name.toLowerCase());
}

/** What cite and BullMQ send (BullMQ's Lua scripts run as `evalsha`). */
const REDIS_COMMANDS = new Set([
  'auth',
  'client',
  'del',
  'eval',
  'evalsha',
  'exec',
  'exists',
  'get',
  'hget',
  'hello',
  'hgetall',
  'hmget',
  'hset',
  'incr',
  'info',
  'llen',
  'lrange',
  'multi',
  'ping',
  'quit',
  'script',
  'select',
  'set',
  'zadd',
  'zcard',
  'zrange',
  'zrangebyscore',
  'zrem',
]);

/** A Redis command's name, lowercase, when it is one of the known ones; `other` else. */
export function redisCommandLabel(name: string): string {
  const lower = name.toLowerCase();
  return REDIS_COMMANDS.has(lower) ? lower : OTHER;
}

/** Resources cite and local-cluster's controllers call, plus the version endpoint. */
const KUBE_RESOURCES = new Set([
  'configmaps',
  'customresourcedefinitions',
  'deployments',
  'endpoints',
  'endpointslices',
  'events',
  'ingresses',
  'leases',
  'namespaces',
  'nodes',
  'pods',
  'replicasets',
  'secrets',
  'serviceaccounts',
  'services',
  'version',
]);
const KUBE_SUBRESOURCES = new Set(['status', 'scale', 'log', 'binding', 'eviction']);

export interface KubeRequestLabels {
  verb: string;
  resource: string;
}

/**
 * The Kubernetes verb and resource of a request path (`/apis/apps/v1/namespaces/<ns>/deployments/<name>`), the
 * way the API server names them: get, list, watch, create, update, patch, delete, deletecollection; the
 * resource's plural, with a known subresource (`deployments/scale`), else `other`.
 */
export function kubeRequestLabels(method: string, path: string, watch = false): KubeRequestLabels {
  const parts = path.split('?')[0]!.split('/').filter(Boolean);
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) rest = parts.slice(2);
  else if (parts[0] === 'apis' && parts.length >= 3) rest = parts.slice(3);
  else rest = parts;
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  if (rest[0] === 'namespaces' && rest.length > 2) rest = rest.slice(2);
  const [plural = '', name, subresource] = rest;
  let resource = KUBE_RESOURCES.has(plural) ? plural : OTHER;
  if (resource !== OTHER && subresource !== undefined)
    resource = KUBE_SUBRESOURCES.has(subresource) ? `${plural}/${subresource}` : OTHER;
  return {
    verb: kubeVerb(method.toUpperCase(), name !== undefined || plural === 'version', watch),
    resource,
  };
}

function kubeVerb(method: string, named: boolean, watch: boolean): string {
  switch (method) {
    case 'GET':
      return watch ? 'watch' : named ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return OTHER;
  }
}

/** The HTTP status of a Kubernetes answer, or `none` when the call got no answer. */
export function kubeCodeLabel(code: number | undefined): string {
  return code === undefined ? 'none' : statusLabel(code);
}
