import { asArray, asObject, kubeTime, type KubeObject } from '../api-types';
import { badRequest, conflict, successStatus } from '../errors';
import { deleteObject } from '../registry/deletion';
import type { DeleteOptions } from '../registry/options';
import type { Registry } from '../registry/registry';
import { pods } from './pods';

const BINDING_REF = { group: '', resource: 'pods/binding' };

/** POST pods/<name>/binding: what the scheduler does; sets spec.nodeName once and marks PodScheduled. */
export function bindPod(registry: Registry, namespace: string, name: string, body: unknown): unknown {
  const binding = asObject(body);
  const target = asObject(binding.target);
  if (typeof target.name !== 'string' || !target.name) throw badRequest('binding target name is required');
  if (target.kind !== undefined && target.kind !== '' && target.kind !== 'Node')
    throw badRequest('binding target kind must be Node');
  const previous = registry.get(pods, namespace, name);
  if (previous.metadata.deletionTimestamp)
    throw conflict(BINDING_REF, name, `pod ${name} is being deleted, cannot be assigned to a host`);
  const spec = asObject(previous.spec);
  if (spec.nodeName)
    throw conflict(BINDING_REF, name, `pod ${name} is already assigned to node "${String(spec.nodeName)}"`);
  const next: KubeObject = structuredClone(previous);
  next.spec = { ...asObject(next.spec), nodeName: target.name };
  const status = asObject(next.status);
  const conditions = asArray(status.conditions)
    .map(asObject)
    .filter((condition) => condition.type !== 'PodScheduled');
  conditions.push({
    type: 'PodScheduled',
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: kubeTime(registry.clock()),
  });
  next.status = { ...status, conditions };
  const annotations = asObject(asObject(binding.metadata).annotations) as Record<string, string>;
  if (Object.keys(annotations).length > 0)
    next.metadata.annotations = { ...next.metadata.annotations, ...annotations };
  registry.commitUpdate(pods, next, previous, {}, false, true);
  return successStatus();
}

/** POST pods/<name>/eviction (policy/v1 Eviction), without disruption budgets: a delete with its options. */
export function evictPod(registry: Registry, namespace: string, name: string, body: unknown): unknown {
  const options = asObject(asObject(body).deleteOptions) as DeleteOptions;
  deleteObject(registry, pods, namespace, name, options);
  return successStatus();
}

/** What `pods/<name>[:port]/proxy/<path>` answers: the status and text the simulated container sends back. */
export interface ProxyAnswer {
  status: number;
  body: string;
}

/**
 * GET pods/<name>[:port]/proxy/<path>, as the API server's proxy to a pod would answer when the simulated app
 * serves every path with 200 while its pod is Ready: a running pod that is not Ready (its readiness fails, as with
 * the `ready: never` annotation) answers 503; a pod with no running container or no IP cannot be reached (503
 * "error trying to reach service", as kube-apiserver says when the dial fails).
 */
export function proxyToPod(registry: Registry, namespace: string, nameAndPort: string, path: string): ProxyAnswer {
  const [name = '', port = ''] = nameAndPort.split(':');
  if (port !== '' && !/^\d{1,5}$/.test(port)) throw badRequest(`invalid port "${port}"`);
  const pod = registry.get(pods, namespace, name);
  const status = asObject(pod.status);
  const ip = typeof status.podIP === 'string' ? status.podIP : '';
  const running = asArray(status.containerStatuses)
    .map(asObject)
    .some((container) => asObject(container.state).running !== undefined);
  const target = `${ip}:${port || '80'}`;
  if (!ip || !running || pod.metadata.deletionTimestamp) {
    return { status: 503, body: `error trying to reach service: dial tcp ${target}: connect: connection refused` };
  }
  const ready = asArray(status.conditions)
    .map(asObject)
    .some((condition) => condition.type === 'Ready' && condition.status === 'True');
  if (!ready) return { status: 503, body: `GET ${path}: the app at ${target} is not ready\n` };
  return { status: 200, body: `ok ${path}\n` };
}
