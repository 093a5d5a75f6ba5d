import type { KubeObject } from '../api-types';
import { apiVersionOf, type ResourceDefinition } from './resource-definition';

/**
 * The JSON of a stored object as served by `definition`. Usually the bytes encoded at write time; an object
 * read through another version is re-serialized: converted where the version says how (autoscaling/v1
 * HorizontalPodAutoscalers), else with that apiVersion only (custom resources: no conversion).
 */
export function objectJson(definition: ResourceDefinition, object: KubeObject, bytes: Buffer): Buffer {
  if (object.apiVersion === apiVersionOf(definition)) return bytes;
  return Buffer.from(JSON.stringify(servedObject(definition, object)));
}

export function servedObject(definition: ResourceDefinition, object: KubeObject): KubeObject {
  const apiVersion = apiVersionOf(definition);
  if (object.apiVersion === apiVersion) return object;
  return definition.conversion ? definition.conversion.fromStorage(object) : { ...object, apiVersion };
}
