import type { KubeObject } from '../api-types';
import { apiVersionOf, type ResourceDefinition } from './resource-definition';

/**
 * The JSON of a stored object as served by `definition`. Usually the bytes encoded at write time; only a
 * custom resource read through another of its versions is re-serialized (with that apiVersion, no conversion).
 */
export function objectJson(definition: ResourceDefinition, object: KubeObject, bytes: Buffer): Buffer {
  const apiVersion = apiVersionOf(definition);
  if (object.apiVersion === apiVersion) return bytes;
  return Buffer.from(JSON.stringify({ ...object, apiVersion }));
}

export function servedObject(definition: ResourceDefinition, object: KubeObject): KubeObject {
  const apiVersion = apiVersionOf(definition);
  return object.apiVersion === apiVersion ? object : { ...object, apiVersion };
}
