import { labelKeyErrors, labelValueErrors } from '@cite/model';
import { asArray, isJsonObject, type KubeObject } from '../api-types';
import { fieldError, type FieldError } from '../errors';

const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** metav1 ObjectMeta validation (apimachinery ValidateObjectMeta): name, labels, annotations, owners. */
export function validateObjectMeta(
  object: KubeObject,
  nameErrors: (name: string) => string[],
  namespaced: boolean,
): FieldError[] {
  const errors: FieldError[] = [];
  const meta = object.metadata;
  const name = meta.name ?? '';
  if (!name) errors.push(fieldError.required('metadata.name', 'name or generateName is required'));
  else
    for (const message of nameErrors(name)) errors.push(fieldError.invalid('metadata.name', name, message));
  if (namespaced && !meta.namespace) errors.push(fieldError.required('metadata.namespace'));
  if (!namespaced && meta.namespace)
    errors.push(fieldError.forbidden('metadata.namespace', 'not allowed on this type'));
  errors.push(...validateLabels(meta.labels, 'metadata.labels'));
  errors.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  asArray(meta.ownerReferences).forEach((owner, index) => {
    const path = `metadata.ownerReferences[${index}]`;
    if (!isJsonObject(owner)) return errors.push(fieldError.invalid(path, owner, 'must be an object'));
    for (const key of ['apiVersion', 'kind', 'name', 'uid'])
      if (typeof owner[key] !== 'string' || owner[key] === '')
        errors.push(fieldError.required(`${path}.${key}`));
  });
  const controllers = asArray(meta.ownerReferences).filter(
    (owner) => isJsonObject(owner) && owner.controller === true,
  );
  if (controllers.length > 1)
    errors.push(
      fieldError.invalid(
        'metadata.ownerReferences',
        meta.ownerReferences,
        'Only one reference can have Controller set to true',
      ),
    );
  asArray(meta.finalizers).forEach((finalizer, index) => {
    const path = `metadata.finalizers[${index}]`;
    if (typeof finalizer !== 'string') errors.push(fieldError.invalid(path, finalizer, 'must be a string'));
    else
      for (const message of labelKeyErrors(finalizer))
        errors.push(fieldError.invalid(path, finalizer, message));
  });
  return errors;
}

export function validateLabels(labels: unknown, path: string): FieldError[] {
  if (labels === undefined || labels === null) return [];
  if (!isJsonObject(labels)) return [fieldError.invalid(path, labels, 'must be a map of strings')];
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(labels)) {
    for (const message of labelKeyErrors(key)) errors.push(fieldError.invalid(path, key, message));
    if (typeof value !== 'string')
      errors.push(fieldError.invalid(`${path}[${key}]`, value, 'must be a string'));
    else for (const message of labelValueErrors(value)) errors.push(fieldError.invalid(path, value, message));
  }
  return errors;
}

export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  if (annotations === undefined || annotations === null) return [];
  if (!isJsonObject(annotations)) return [fieldError.invalid(path, annotations, 'must be a map of strings')];
  const errors: FieldError[] = [];
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    for (const message of labelKeyErrors(key.toLowerCase()))
      errors.push(fieldError.invalid(path, key, message));
    if (typeof value !== 'string')
      errors.push(fieldError.invalid(`${path}[${key}]`, value, 'must be a string'));
    size += key.length + String(value).length;
  }
  if (size > ANNOTATIONS_MAX_BYTES)
    errors.push({
      type: 'FieldValueTooLong',
      field: path,
      detail: `must have at most ${ANNOTATIONS_MAX_BYTES} bytes`,
    });
  return errors;
}

/** Metadata fields an update may not change. */
export function validateObjectMetaUpdate(object: KubeObject, previous: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  if (object.metadata.namespace !== previous.metadata.namespace)
    errors.push(fieldError.invalid('metadata.namespace', object.metadata.namespace, 'field is immutable'));
  if (object.metadata.uid !== previous.metadata.uid)
    errors.push(fieldError.invalid('metadata.uid', object.metadata.uid, 'field is immutable'));
  return errors;
}
