import type { KubeObject } from '../api-types';
import { badRequest } from '../errors';

/** Field selectors: `field=value`, `field==value`, `field!=value`, joined by commas (AND). */
export interface FieldRequirement {
  field: string;
  operator: 'equals' | 'notEquals';
  value: string;
}

/** Reads the fields a resource supports in selectors, as its strategy's GetAttrs does. */
export type FieldGetter = (object: KubeObject) => Record<string, string | undefined>;

export function parseFieldSelector(text: string | undefined): FieldRequirement[] {
  if (!text) return [];
  return text
    .split(',')
    .map((term) => term.trim())
    .filter((term) => term.length > 0)
    .map((term) => {
      const match = /^([^!=]+)(==|=|!=)(.*)$/.exec(term);
      if (!match) throw badRequest(`invalid selector: '${term}'; can't understand '${term}'`);
      return {
        field: (match[1] ?? '').trim(),
        operator: match[2] === '!=' ? 'notEquals' : 'equals',
        value: (match[3] ?? '').trim(),
      };
    });
}

/** Every resource's selectable fields: metadata.name and metadata.namespace. */
export function metadataFields(object: KubeObject): Record<string, string | undefined> {
  return { 'metadata.name': object.metadata.name, 'metadata.namespace': object.metadata.namespace ?? '' };
}

/** Rejects fields the resource does not support, with kube's message. */
export function checkFieldSelector(requirements: FieldRequirement[], supported: string[]): void {
  for (const requirement of requirements) {
    if (!supported.includes(requirement.field))
      throw badRequest(`field label not supported: ${requirement.field}`);
  }
}

export function matchesFields(
  requirements: FieldRequirement[],
  fields: Record<string, string | undefined>,
): boolean {
  return requirements.every((requirement) => {
    const value = fields[requirement.field] ?? '';
    return requirement.operator === 'equals' ? value === requirement.value : value !== requirement.value;
  });
}
