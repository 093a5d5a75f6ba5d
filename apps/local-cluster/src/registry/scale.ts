import { asObject, type KubeObject } from '../api-types';
import { conflict, fieldError, invalid, methodNotAllowed } from '../errors';
import type { WriteOptions } from './options';
import { patchDocument } from './patch';
import { parseBody, type Registry } from './registry';
import type { ResourceDefinition, ScaleAccess } from './resource-definition';

const SCALE_REF = { group: 'autoscaling', resource: 'scale', kind: 'Scale' };

function access(definition: ResourceDefinition): ScaleAccess {
  if (!definition.scale) throw methodNotAllowed();
  return definition.scale;
}

/** The autoscaling/v1 Scale of a deployment, replicaset or custom resource. */
export function scaleOf(definition: ResourceDefinition, object: KubeObject): KubeObject {
  const scale = access(definition);
  const meta = object.metadata;
  const replicas = scale.specReplicas(object);
  const selector = scale.selector(object);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    // autoscaling/v1 ScaleSpec.replicas and ScaleStatus.selector are omitempty; ScaleStatus.replicas is not.
    spec: replicas === 0 ? {} : { replicas },
    status: { replicas: scale.statusReplicas(object), ...(selector ? { selector } : {}) },
  };
}

export function getScale(
  registry: Registry,
  definition: ResourceDefinition,
  namespace: string | undefined,
  name: string,
): KubeObject {
  return scaleOf(definition, registry.get(definition, namespace, name));
}

/** PUT .../scale: sets spec.replicas of the owner, with the Scale's resourceVersion as precondition. */
export function updateScale(
  registry: Registry,
  definition: ResourceDefinition,
  namespace: string | undefined,
  name: string,
  body: unknown,
  options: WriteOptions,
): KubeObject {
  const scale = access(definition);
  const incoming = parseBody(body);
  const previous = registry.get(definition, namespace, name);
  const replicas = asObject(incoming.spec).replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)
    throw invalid(SCALE_REF, name, [
      fieldError.invalid('spec.replicas', replicas, 'must be greater than or equal to 0'),
    ]);
  const requested = incoming.metadata.resourceVersion;
  if (requested && requested !== previous.metadata.resourceVersion) throw conflict(definition, name);
  const next = structuredClone(previous);
  scale.setSpecReplicas(next, replicas);
  return scaleOf(definition, registry.commitUpdate(definition, next, previous, options));
}

export function patchScale(
  registry: Registry,
  definition: ResourceDefinition,
  namespace: string | undefined,
  name: string,
  contentType: string,
  body: string,
  options: WriteOptions,
): KubeObject {
  const current = getScale(registry, definition, namespace, name);
  const patched = patchDocument(current, contentType, body, {
    ...definition,
    kind: 'Scale',
    strategicMergePatch: true,
  });
  return updateScale(registry, definition, namespace, name, patched, options);
}
