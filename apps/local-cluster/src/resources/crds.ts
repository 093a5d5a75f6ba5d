import { dns1123LabelErrors, dns1123SubdomainErrors } from '@cite/model';
import { asArray, asObject, kubeTime, type KubeObject } from '../api-types';
import { fieldError, type FieldError } from '../errors';
import type { ResourceDefinition } from '../registry/resource-definition';
import { versionSchema } from '../validation/openapi-schema';
import { column, nameColumn } from './columns';
import { markForDeletion } from './crd-deletion';
import { defineResource, strategy } from './define';

export interface CrdHooks {
  /** The CRD was stored: serve its versions. */
  established(crd: KubeObject): void;
  /**
   * The CRD is gone (`deleted`) or is being replaced by a new version: stop serving it. Its objects stay in
   * storage, as in etcd: the cleanup finalizer deletes them before the CRD goes, unless someone removed it.
   */
  removed(crd: KubeObject, deleted: boolean): void;
}

function validateCrd(crd: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const spec = asObject(crd.spec);
  const names = asObject(spec.names);
  const group = spec.group;
  if (typeof group !== 'string' || !group) errors.push(fieldError.required('spec.group'));
  else {
    for (const message of dns1123SubdomainErrors(group))
      errors.push(fieldError.invalid('spec.group', group, message));
    if (!group.includes('.'))
      errors.push(fieldError.invalid('spec.group', group, 'should be a domain with at least one dot'));
  }
  const plural = names.plural;
  if (typeof plural !== 'string' || !plural) errors.push(fieldError.required('spec.names.plural'));
  else
    for (const message of dns1123LabelErrors(plural))
      errors.push(fieldError.invalid('spec.names.plural', plural, message));
  if (typeof names.kind !== 'string' || !names.kind) errors.push(fieldError.required('spec.names.kind'));
  if (typeof plural === 'string' && typeof group === 'string' && crd.metadata.name !== `${plural}.${group}`)
    errors.push(
      fieldError.invalid('metadata.name', crd.metadata.name, 'must be spec.names.plural+"."+spec.group'),
    );
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster')
    errors.push(fieldError.notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));
  const versions = asArray(spec.versions).map(asObject);
  if (versions.length === 0)
    errors.push(
      fieldError.required('spec.versions', 'must have exactly one version marked as storage version'),
    );
  else if (versions.filter((version) => version.storage === true).length !== 1)
    errors.push(
      fieldError.invalid(
        'spec.versions',
        versions.map((version) => version.name),
        'must have exactly one version marked as storage version',
      ),
    );
  const seen = new Set<string>();
  versions.forEach((version, index) => {
    const name = version.name;
    if (typeof name !== 'string' || !name) errors.push(fieldError.required(`spec.versions[${index}].name`));
    else if (seen.has(name)) errors.push(fieldError.duplicate(`spec.versions[${index}].name`, name));
    else seen.add(name);
    const schema = versionSchema(version);
    if (!schema)
      errors.push(
        fieldError.required(`spec.versions[${index}].schema.openAPIV3Schema`, 'schemas are required'),
      );
    else if (schema.type !== 'object')
      errors.push(
        fieldError.invalid(
          `spec.versions[${index}].schema.openAPIV3Schema.type`,
          schema.type,
          'must be object at the root',
        ),
      );
  });
  return errors;
}

function defaultCrd(crd: KubeObject, now: Date, previousStatus?: unknown): void {
  const spec = asObject(crd.spec);
  crd.spec = spec;
  const names = asObject(spec.names);
  spec.names = names;
  if (typeof names.kind === 'string') {
    names.singular ??= names.kind.toLowerCase();
    names.listKind ??= `${names.kind}List`;
  }
  spec.conversion ??= { strategy: 'None' };
  const storage = asArray(spec.versions)
    .map(asObject)
    .find((version) => version.storage === true);
  const time = kubeTime(now);
  const before = asArray(asObject(previousStatus).conditions).map(asObject);
  const since = (type: string) =>
    String(before.find((condition) => condition.type === type)?.lastTransitionTime ?? time);
  const stored = asArray(asObject(previousStatus).storedVersions).map(String);
  // Conditions the API server does not set here (Terminating, written by the CRD finalizer) are kept.
  const others = before.filter(
    (condition) => condition.type !== 'NamesAccepted' && condition.type !== 'Established',
  );
  crd.status = {
    conditions: [
      {
        type: 'NamesAccepted',
        status: 'True',
        lastTransitionTime: since('NamesAccepted'),
        reason: 'NoConflicts',
        message: 'no conflicts found',
      },
      {
        type: 'Established',
        status: 'True',
        lastTransitionTime: since('Established'),
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
      },
      ...others,
    ],
    acceptedNames: names,
    storedVersions: [...new Set([...stored, ...(storage ? [String(storage.name)] : [])])],
  };
}

/**
 * apiextensions.k8s.io/v1 customresourcedefinitions. Storing one serves its resources through the same generic
 * registry at once (NamesAccepted and Established are set on write). Deleting one marks it Terminating with
 * the cleanup finalizer (crd-deletion.ts); the hooks' finalizer deletes its objects, then lets it go.
 */
export function crdResource(hooks: CrdHooks): ResourceDefinition {
  return defineResource({
    group: 'apiextensions.k8s.io',
    version: 'v1',
    resource: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: ['status'],
    // kube's CRD table has no AGE column.
    columns: [nameColumn, column('Created At', (crd) => crd.metadata.creationTimestamp)],
    strategy: strategy({
      statusSubresource: true,
      tracksGeneration: true,
      returnDeletedObject: true,
      prepareForCreate: (crd, context) => defaultCrd(crd, context.now),
      prepareForUpdate: (crd, previous, context) => defaultCrd(crd, context.now, previous.status),
      validate: validateCrd,
      validateUpdate(crd, previous) {
        const errors = validateCrd(crd);
        if (asObject(crd.spec).scope !== asObject(previous.spec).scope)
          errors.push(fieldError.invalid('spec.scope', asObject(crd.spec).scope, 'field is immutable'));
        if (asObject(crd.spec).group !== asObject(previous.spec).group)
          errors.push(fieldError.invalid('spec.group', asObject(crd.spec).group, 'field is immutable'));
        return errors;
      },
      beforeDelete: (crd, context) => markForDeletion(crd, context.now),
      afterCreate: (crd) => hooks.established(crd),
      afterUpdate(crd, previous) {
        hooks.removed(previous, false);
        hooks.established(crd);
      },
      afterDelete: (crd) => hooks.removed(crd, true),
    }),
  });
}
