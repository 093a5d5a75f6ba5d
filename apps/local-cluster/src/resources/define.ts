import { dns1123SubdomainErrors } from '@cite/model';
import type { ResourceDefinition, ResourceStrategy } from '../registry/resource-definition';

/** A strategy with kube's generic defaults: no status subresource, no generation, validation on update as on create. */
export function strategy(overrides: Partial<ResourceStrategy>): ResourceStrategy {
  const base: ResourceStrategy = {
    prepareForCreate: () => undefined,
    prepareForUpdate: () => undefined,
    validate: () => [],
    validateUpdate: (object, _previous, context) => base.validate(object, context),
    nameErrors: dns1123SubdomainErrors,
    statusSubresource: false,
    tracksGeneration: false,
    allowCreateOnUpdate: false,
    returnDeletedObject: false,
    ...overrides,
  };
  if (!overrides.validateUpdate)
    base.validateUpdate = (object, _previous, context) => base.validate(object, context);
  return base;
}

type Required = Pick<
  ResourceDefinition,
  'group' | 'version' | 'resource' | 'kind' | 'namespaced' | 'strategy'
>;

/** A resource definition with discovery defaults filled in (list kind, singular, no short names). */
export function defineResource(spec: Required & Partial<ResourceDefinition>): ResourceDefinition {
  return {
    listKind: `${spec.kind}List`,
    singular: spec.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    subresources: [],
    strategicMergePatch: true,
    ...spec,
  };
}
