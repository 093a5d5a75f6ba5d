import { isJsonObject, type JsonObject } from '../api-types';
import { compareElements, isAtomicMap, itemElement, listShape } from './field-path';

/**
 * A set of fields in kube's FieldsV1 shape, the way managedFields stores it: `f:<field>` for fields,
 * `k:{"name":"x"}` for keyed list items, `v:<value>` for set items. A node belongs to the set when it has no
 * children (`{}`) or holds `.`; otherwise it only leads to members below it.
 *
 * The operations walk the smaller operand and copy only the nodes they change, returning the very same object
 * when nothing changes: a status write touches a few fields of a large set, and costs only those.
 */
export type FieldSet = { [element: string]: FieldSet };

const SELF = '.';

export function isMember(node: FieldSet): boolean {
  for (const key in node) if (key === SELF) return true;
  return isEmptyNode(node);
}

function isEmptyNode(node: FieldSet): boolean {
  for (const _ in node) return false;
  return true;
}

/** A node from its membership and children, keys in kube's order; undefined when it would be empty. */
export function makeNode(member: boolean, children: Record<string, FieldSet>): FieldSet | undefined {
  const keys = Object.keys(children);
  if (keys.length === 0) return member ? {} : undefined;
  const node: FieldSet = member ? { [SELF]: {} } : {};
  for (const key of keys.sort(compareElements)) node[key] = children[key] as FieldSet;
  return node;
}

function childrenOf(node: FieldSet): Record<string, FieldSet> {
  const children: Record<string, FieldSet> = {};
  for (const key in node) if (key !== SELF) children[key] = node[key] as FieldSet;
  return children;
}

export function union(a: FieldSet | undefined, b: FieldSet | undefined): FieldSet | undefined {
  if (!a) return b;
  if (!b) return a;
  const member = isMember(a) || isMember(b);
  let children: Record<string, FieldSet> | undefined;
  for (const key in b) {
    if (key === SELF) continue;
    const merged = union(a[key], b[key]) as FieldSet;
    if (merged === a[key]) continue;
    children ??= childrenOf(a);
    children[key] = merged;
  }
  if (!children && member === isMember(a)) return a;
  return makeNode(member, children ?? childrenOf(a));
}

/** `a` without the members of `b`. */
export function difference(a: FieldSet | undefined, b: FieldSet | undefined): FieldSet | undefined {
  if (!a || !b) return a;
  const aMember = isMember(a);
  const member = aMember && !isMember(b);
  let children: Record<string, FieldSet> | undefined;
  for (const key in b) {
    if (key === SELF || a[key] === undefined) continue;
    const rest = difference(a[key], b[key]);
    if (rest === a[key]) continue;
    children ??= childrenOf(a);
    if (rest) children[key] = rest;
    else delete children[key];
  }
  if (!children && member === aMember) return a;
  return makeNode(member, children ?? childrenOf(a));
}

export function intersection(a: FieldSet | undefined, b: FieldSet | undefined): FieldSet | undefined {
  if (!a || !b) return undefined;
  const children: Record<string, FieldSet> = {};
  for (const key in b) {
    if (key === SELF || a[key] === undefined) continue;
    const common = intersection(a[key], b[key]);
    if (common) children[key] = common;
  }
  return makeNode(isMember(a) && isMember(b), children);
}

/** The members' paths in structured-merge-diff's iteration order: a level's members, then its children's. */
export function memberPaths(set: FieldSet | undefined, prefix: string[] = []): string[][] {
  if (!set) return [];
  const keys = Object.keys(set)
    .filter((key) => key !== SELF)
    .sort(compareElements);
  const paths: string[][] = [];
  for (const key of keys) if (isMember(set[key] as FieldSet)) paths.push([...prefix, key]);
  for (const key of keys) {
    const child = set[key] as FieldSet;
    if (!isEmptyNode(child)) paths.push(...memberPaths(child, [...prefix, key]));
  }
  return paths;
}

/** metadata fields no manager owns (kube's stripMetaManager). */
export const UNOWNED_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'selfLink',
  'clusterName',
  'managedFields',
]);

/**
 * The fields an applied configuration sets (structured-merge-diff's ToFieldSet): scalars, atomic values,
 * null and empty maps are members; keyed list items are members with their fields below them.
 */
export function appliedFieldSet(config: JsonObject, kind: string): FieldSet | undefined {
  const children: Record<string, FieldSet> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'apiVersion' || key === 'kind' || value === undefined) continue;
    const child =
      key === 'metadata' && isJsonObject(value)
        ? metadataFieldSet(value, kind)
        : valueSet(value, [key], kind);
    if (child) children[`f:${key}`] = child;
  }
  return makeNode(false, children);
}

function metadataFieldSet(metadata: JsonObject, kind: string): FieldSet | undefined {
  const children: Record<string, FieldSet> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (UNOWNED_METADATA.has(key) || value === undefined) continue;
    const child = valueSet(value, ['metadata', key], kind);
    if (child) children[`f:${key}`] = child;
  }
  return makeNode(false, children);
}

function valueSet(value: unknown, path: string[], kind: string): FieldSet | undefined {
  if (Array.isArray(value)) {
    const shape = listShape(kind, path);
    if (shape.type === 'atomic') return {};
    const items: Record<string, FieldSet> = {};
    for (const item of value) {
      const element = itemElement(item, shape);
      if (!element) continue;
      items[element] =
        shape.type === 'map' && isJsonObject(item) && !isAtomicMap(path, true)
          ? (makeNode(true, mapChildren(item, path, kind)) as FieldSet)
          : {};
    }
    return makeNode(false, items);
  }
  if (!isJsonObject(value) || isAtomicMap(path)) return {};
  const children = mapChildren(value, path, kind);
  return Object.keys(children).length === 0 ? {} : makeNode(false, children);
}

function mapChildren(map: JsonObject, path: string[], kind: string): Record<string, FieldSet> {
  const children: Record<string, FieldSet> = {};
  for (const [key, child] of Object.entries(map)) {
    if (child === undefined) continue;
    const set = valueSet(child, [...path, key], kind);
    if (set) children[`f:${key}`] = set;
  }
  return children;
}
