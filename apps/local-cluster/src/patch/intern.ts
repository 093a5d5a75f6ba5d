import type { FieldSet } from './field-set';

/**
 * Shared, frozen copies of field sets. Every object a client writes keeps its writers' field sets in
 * metadata.managedFields for as long as it is stored, and objects of one shape (the pods of a workload, the
 * objects one client writes over and over) hold equal sets: keeping one frozen copy of each distinct set,
 * instead of a tree of small objects per stored object, keeps the heap and the young-generation collections
 * that copy it small. Field-set operations never mutate their operands, so sharing is safe; freezing makes a
 * mistake throw instead of corrupting other objects.
 */
const MAX_INTERNED = 4096;
const interned = new Map<string, FieldSet>();

function deepFreeze(node: FieldSet): FieldSet {
  for (const key in node) deepFreeze(node[key] as FieldSet);
  return Object.freeze(node);
}

/** The shared copy of `fields` (equal by their JSON, which holds kube's key order). */
export function internFieldSet(fields: FieldSet): FieldSet {
  if (Object.isFrozen(fields)) return fields;
  const key = JSON.stringify(fields);
  const shared = interned.get(key);
  if (shared) return shared;
  // Bounded: past the cap the oldest set goes (a Map iterates in insertion order); objects that hold it keep
  // their copy, new writes of that shape start a new one.
  if (interned.size >= MAX_INTERNED) interned.delete(interned.keys().next().value as string);
  interned.set(key, deepFreeze(fields));
  return fields;
}
