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
