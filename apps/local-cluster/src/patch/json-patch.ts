import { isJsonObject, jsonEqual } from '../api-types';

/** A JSON patch that cannot apply; the registry answers 422 (kube does for a failed apply, including `test`). */
export class JsonPatchError extends Error {}

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parent(document: unknown, tokens: string[]): { container: unknown; key: string } {
  let current = document;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(current)) current = current[arrayIndex(current, token, false)];
    else if (isJsonObject(current) && token in current) current = current[token];
    else throw new JsonPatchError(`doc is missing path: "/${tokens.join('/')}": missing value`);
  }
  return { container: current, key: tokens[tokens.length - 1] ?? '' };
}

function arrayIndex(array: unknown[], token: string, forInsert: boolean): number {
  if (token === '-' && forInsert) return array.length;
  if (!/^\d+$/.test(token)) throw new JsonPatchError(`invalid array index: ${token}`);
  const index = Number(token);
  if (index > array.length || (!forInsert && index >= array.length))
    throw new JsonPatchError(`array index out of bounds: ${index}`);
  return index;
}

function read(document: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return document;
  const { container, key } = parent(document, tokens);
  if (Array.isArray(container)) return container[arrayIndex(container, key, false)];
  if (isJsonObject(container) && key in container) return container[key];
  throw new JsonPatchError(`doc is missing path: "${pointer}": missing value`);
}

function add(document: unknown, pointer: string, value: unknown): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const { container, key } = parent(document, tokens);
  if (Array.isArray(container)) container.splice(arrayIndex(container, key, true), 0, value);
  else if (isJsonObject(container)) container[key] = value;
  else throw new JsonPatchError(`doc is missing path: "${pointer}": missing value`);
  return document;
}

function remove(document: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  const { container, key } = parent(document, tokens);
  if (Array.isArray(container)) container.splice(arrayIndex(container, key, false), 1);
  else if (isJsonObject(container) && key in container) delete container[key];
  else throw new JsonPatchError(`Unable to remove nonexistent key: ${key}: missing value`);
  return document;
}

/** RFC 6902 JSON patch: add, remove, replace, move, copy and test, applied in order to a copy. */
export function applyJsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw new JsonPatchError('json patch must be an array of operations');
  let document = structuredClone(target);
  for (const raw of operations) {
    if (!isJsonObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string')
      throw new JsonPatchError('each operation needs "op" and "path"');
    const operation = raw as unknown as Operation;
    switch (operation.op) {
      case 'add':
        document = add(document, operation.path, structuredClone(operation.value));
        break;
      case 'remove':
        document = remove(document, operation.path);
        break;
      case 'replace':
        read(document, operation.path);
        document = remove(document, operation.path);
        document = add(document, operation.path, structuredClone(operation.value));
        break;
      case 'move': {
        const value = read(document, operation.from ?? '');
        document = remove(document, operation.from ?? '');
        document = add(document, operation.path, value);
        break;
      }
      case 'copy':
        document = add(document, operation.path, structuredClone(read(document, operation.from ?? '')));
        break;
      case 'test':
        if (!jsonEqual(read(document, operation.path), operation.value))
          throw new JsonPatchError(`testing value ${operation.path} failed: test failed`);
        break;
      default:
        throw new JsonPatchError(`Unexpected kind: ${operation.op}`);
    }
  }
  return document;
}
