import { asArray, asObject } from '../api-types';
import { badRequest } from '../errors';

/**
 * Label selectors as k8s.io/apimachinery/pkg/labels parses them: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
 * `a notin (x)`, `a` (exists) and `!a` (does not exist), joined by commas (AND).
 */
export type Requirement =
  | { key: string; operator: 'equals' | 'notEquals'; value: string }
  | { key: string; operator: 'in' | 'notIn'; values: string[] }
  | { key: string; operator: 'exists' | 'doesNotExist' }
  | { key: string; operator: 'gt' | 'lt'; value: number };

export type LabelSelector = Requirement[];

const KEY = String.raw`[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?`;
const VALUE = String.raw`([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;
const KEY_PATTERN = new RegExp(`^${KEY}$`);
const VALUE_PATTERN = new RegExp(`^${VALUE}$`);

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += char;
  }
  terms.push(current);
  return terms.map((term) => term.trim()).filter((term) => term.length > 0);
}

function checkKey(key: string): string {
  if (!KEY_PATTERN.test(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}"`);
  return key;
}

function checkValue(value: string): string {
  if (!VALUE_PATTERN.test(value) || value.length > 63)
    throw badRequest(`unable to parse requirement: invalid label value: "${value}"`);
  return value;
}

export function parseLabelSelector(text: string | undefined): LabelSelector {
  if (!text) return [];
  return splitTerms(text).map(parseTerm);
}

function parseTerm(term: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
  if (set) {
    const values = (set[3] ?? '')
      .split(',')
      .map((value) => value.trim())
      .filter((value, index, all) => value.length > 0 || all.length > 1 || index > 0)
      .map(checkValue);
    return { key: checkKey(set[1] ?? ''), operator: set[2] === 'in' ? 'in' : 'notIn', values };
  }
  const comparison = /^([^!=<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/.exec(term);
  if (comparison) {
    const key = checkKey(comparison[1] ?? '');
    const operator = comparison[2];
    const value = (comparison[3] ?? '').trim();
    if (operator === '>' || operator === '<') {
      const number = Number(value);
      if (!Number.isInteger(number))
        throw badRequest(
          `unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`,
        );
      return { key, operator: operator === '>' ? 'gt' : 'lt', value: number };
    }
    return { key, operator: operator === '!=' ? 'notEquals' : 'equals', value: checkValue(value) };
  }
  if (term.startsWith('!')) return { key: checkKey(term.slice(1).trim()), operator: 'doesNotExist' };
  if (/^\S+$/.test(term)) return { key: checkKey(term), operator: 'exists' };
  throw badRequest(`unable to parse requirement: found '${term}', expected: identifier`);
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const set = labels ?? {};
  return selector.every((requirement) => {
    const has = Object.prototype.hasOwnProperty.call(set, requirement.key);
    const value = set[requirement.key];
    switch (requirement.operator) {
      case 'equals':
        return has && value === requirement.value;
      case 'notEquals':
        return !has || value !== requirement.value;
      case 'in':
        return has && requirement.values.includes(value as string);
      case 'notIn':
        return !has || !requirement.values.includes(value as string);
      case 'exists':
        return has;
      case 'doesNotExist':
        return !has;
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(value as string)) return false;
        const number = Number(value);
        return requirement.operator === 'gt' ? number > requirement.value : number < requirement.value;
      }
    }
  });
}

/** A metav1.LabelSelector (matchLabels + matchExpressions) as requirements. */
export function fromLabelSelectorObject(selector: unknown): LabelSelector {
  const object = asObject(selector);
  const requirements: Requirement[] = Object.entries(asObject(object.matchLabels)).map(([key, value]) => ({
    key,
    operator: 'equals' as const,
    value: String(value),
  }));
  for (const expression of asArray(object.matchExpressions)) {
    const { key, operator, values } = asObject(expression) as {
      key?: string;
      operator?: string;
      values?: string[];
    };
    if (typeof key !== 'string') continue;
    if (operator === 'In') requirements.push({ key, operator: 'in', values: values ?? [] });
    else if (operator === 'NotIn') requirements.push({ key, operator: 'notIn', values: values ?? [] });
    else if (operator === 'Exists') requirements.push({ key, operator: 'exists' });
    else if (operator === 'DoesNotExist') requirements.push({ key, operator: 'doesNotExist' });
  }
  return requirements;
}

/** The string form kube prints (Scale status.selector, kubectl). */
export function formatLabelSelector(selector: LabelSelector): string {
  return [...selector]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((requirement) => {
      switch (requirement.operator) {
        case 'equals':
          return `${requirement.key}=${requirement.value}`;
        case 'notEquals':
          return `${requirement.key}!=${requirement.value}`;
        case 'in':
          return `${requirement.key} in (${[...requirement.values].sort().join(',')})`;
        case 'notIn':
          return `${requirement.key} notin (${[...requirement.values].sort().join(',')})`;
        case 'exists':
          return requirement.key;
        case 'doesNotExist':
          return `!${requirement.key}`;
        case 'gt':
          return `${requirement.key}>${requirement.value}`;
        case 'lt':
          return `${requirement.key}<${requirement.value}`;
      }
    })
    .join(',');
}
