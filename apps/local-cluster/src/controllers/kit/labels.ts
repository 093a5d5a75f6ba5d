/** Label selectors as metav1.LabelSelectorAsSelector reads them. */
import type { LabelSelector } from './wire';

export type Labels = Record<string, string> | undefined;

export interface SelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

/** One requirement (`In`, `NotIn`, `Exists`, `DoesNotExist`; also the node-affinity `Gt`/`Lt`). */
export function requirementMatches(requirement: SelectorRequirement, labels: Labels): boolean {
  const value = labels?.[requirement.key];
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const [bound] = values;
      if (value === undefined || bound === undefined) return false;
      const have = Number.parseInt(value, 10);
      const want = Number.parseInt(bound, 10);
      if (Number.isNaN(have) || Number.isNaN(want)) return false;
      return requirement.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

/** A nil selector selects nothing; an empty one selects everything. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels?.[key] !== value) return false;
  }
  return (selector.matchExpressions ?? []).every((requirement) => requirementMatches(requirement, labels));
}

export function selectorIsEmpty(selector: LabelSelector | undefined): boolean {
  return (
    !!selector &&
    Object.keys(selector.matchLabels ?? {}).length === 0 &&
    (selector.matchExpressions ?? []).length === 0
  );
}

/** A Service-style selector (a plain map): every pair must match; an empty map selects nothing here. */
export function mapSelectorMatches(selector: Record<string, string> | undefined, labels: Labels): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([key, value]) => labels?.[key] === value);
}

/** Every label of `required` is on `labels` with the same value. */
export function hasAllLabels(labels: Labels, required: Labels): boolean {
  return Object.entries(required ?? {}).every(([key, value]) => labels?.[key] === value);
}
