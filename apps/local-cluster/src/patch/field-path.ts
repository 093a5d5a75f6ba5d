import { isJsonObject } from '../api-types';
import { patchMetaFor } from './patch-meta';

/**
 * What structured-merge-diff (the library behind managedFields and server-side apply) knows of the schema, for
 * the built-in types: how a list is merged and which structs are atomic. Paths are field names from the root
 * (list items add no name), as for `patchMetaFor`.
 */

interface KeyField {
  name: string;
  /** The OpenAPI default of a key field an item may leave out (a port's protocol). */
  default?: unknown;
}

export type ListShape = { type: 'map'; keys: readonly KeyField[] } | { type: 'set' } | { type: 'atomic' };

const ATOMIC: ListShape = { type: 'atomic' };
const SET: ListShape = { type: 'set' };
const PROTOCOL: KeyField = { name: 'protocol', default: 'TCP' };

/**
 * `x-kubernetes-list-type` and `x-kubernetes-list-map-keys` of a list: the strategic-merge key in most cases,
 * but ports are keyed by port and protocol, topology spread constraints by key and action, and lists without a
 * patch strategy are atomic.
 */
export function listShape(kind: string, path: readonly string[]): ListShape {
  const field = path[path.length - 1];
  const meta = patchMetaFor(kind, path);
  if (field === 'ports' && meta.mergeKey) return { type: 'map', keys: [{ name: meta.mergeKey }, PROTOCOL] };
  if (field === 'topologySpreadConstraints')
    return { type: 'map', keys: [{ name: 'topologyKey' }, { name: 'whenUnsatisfiable' }] };
  if (meta.mergeKey) return { type: 'map', keys: [{ name: meta.mergeKey }] };
  if (meta.mergeStrategy) return SET;
  return ATOMIC;
}

/** Struct and map types marked `+structType=atomic` / `+mapType=atomic`: owned and replaced as one value. */
const ATOMIC_MAPS = new Set([
  'selector',
  'labelSelector',
  'namespaceSelector',
  'podSelector',
  'nodeSelector',
  'involvedObject',
  'related',
  'regarding',
  'fieldRef',
  'resourceFieldRef',
  'configMapKeyRef',
  'secretKeyRef',
]);

/** True for an atomic map field, and for the items of lists whose item type is atomic (owner references). */
export function isAtomicMap(path: readonly string[], listItem = false): boolean {
  const field = path[path.length - 1] ?? '';
  if (listItem) return field === 'ownerReferences';
  return ATOMIC_MAPS.has(field);
}

/** The FieldsV1 key of a list item: `k:{"name":"app"}` for keyed lists, `v:"value"` for sets. */
export function itemElement(item: unknown, shape: ListShape): string | undefined {
  if (shape.type === 'set') return item === undefined ? undefined : `v:${JSON.stringify(item)}`;
  if (shape.type !== 'map' || !isJsonObject(item)) return undefined;
  const key: Record<string, unknown> = {};
  for (const field of [...shape.keys].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const value = item[field.name] ?? field.default;
    if (value === undefined || value === null) return undefined;
    key[field.name] = value;
  }
  return `k:${JSON.stringify(key)}`;
}

/** A path as kube prints it in conflicts: `.spec.template.spec.containers[name="app"].image`. */
export function renderPath(path: readonly string[]): string {
  return path.map(renderElement).join('');
}

function renderElement(element: string): string {
  const body = element.slice(2);
  switch (element.slice(0, 2)) {
    case 'f:':
      return `.${body}`;
    case 'k:': {
      const key = parseValue(body);
      if (!isJsonObject(key)) return `[${body}]`;
      return `[${Object.entries(key)
        .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
        .join(',')}]`;
    }
    case 'v:':
      return `[=${body}]`;
    case 'i:':
      return `[${body}]`;
    default:
      return element;
  }
}

/** structured-merge-diff's PathElement order: field names, then keys, then values, then indexes. */
export function compareElements(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '.') return -1;
  if (b === '.') return 1;
  const rank = (element: string) => 'fkvi'.indexOf(element[0] ?? '');
  const byType = rank(a) - rank(b);
  if (byType !== 0) return byType;
  if (a.startsWith('k:') || a.startsWith('v:') || a.startsWith('i:')) {
    const order = compareValues(parseValue(a.slice(2)), parseValue(b.slice(2)));
    if (order !== 0) return order;
  }
  return a < b ? -1 : 1;
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (isJsonObject(a) && isJsonObject(b)) {
    const left = Object.entries(a);
    const right = Object.entries(b);
    for (let i = 0; i < Math.min(left.length, right.length); i++) {
      const [leftName, leftValue] = left[i] as [string, unknown];
      const [rightName, rightValue] = right[i] as [string, unknown];
      if (leftName !== rightName) return leftName < rightName ? -1 : 1;
      const order = compareValues(leftValue, rightValue);
      if (order !== 0) return order;
    }
    return left.length - right.length;
  }
  const left = JSON.stringify(a);
  const right = JSON.stringify(b);
  return left === right ? 0 : left < right ? -1 : 1;
}

/** A key or value of a FieldsV1 element; managedFields sent by a client may hold anything. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
