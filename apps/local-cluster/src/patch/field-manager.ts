import type { KubeObject } from '../api-types';
import { compareObjects, type FieldScope } from './compare';
import { managedEntries, readableEntries, recordUpdate, type Writer } from './managed-fields';
import { zeroObject } from './zero-objects';

/** kube's FieldManagerMaxLength: a manager name derived from a User-Agent is cut to this many bytes. */
const MAX_MANAGER_BYTES = 128;

/**
 * The manager of a write that names none (kube's prefixFromUserAgent): the User-Agent up to its first `/`,
 * printable characters only, so `kubectl/v1.32.0 (linux/amd64) …` is `kubectl`, client-node's
 * `kubernetes-client-javascript/1.0.0` is `kubernetes-client-javascript`.
 */
export function managerFromUserAgent(userAgent: string): string {
  let manager = '';
  let bytes = 0;
  for (const char of userAgent.split('/')[0] ?? '') {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(char)) continue;
    const size = Buffer.byteLength(char);
    if (bytes + size > MAX_MANAGER_BYTES) break;
    manager += char;
    bytes += size;
  }
  return manager;
}

/**
 * The manager of an Update (kube's managerOrUserAgent, then `unknown` for an empty name); undefined for the
 * server's own writes, which come with neither.
 */
export function managerOf(
  fieldManager: string | undefined,
  userAgent: string | undefined,
): string | undefined {
  if (fieldManager === undefined && userAgent === undefined) return undefined;
  return fieldManager || managerFromUserAgent(userAgent ?? '') || 'unknown';
}

/**
 * The top-level fields a write through an endpoint can own (kube's ResetFieldsStrategy): a status write owns
 * only status; a main-resource write owns everything but status when the kind has a status subresource.
 */
export function writeScope(statusSubresource: boolean, subresource: string | undefined): FieldScope {
  if (subresource === 'status') return (field) => field === 'status';
  return statusSubresource ? (field) => field !== 'status' : () => true;
}

export interface UpdateWrite {
  /** The stored object, or undefined for a create. */
  previous: KubeObject | undefined;
  /** The object about to be stored (defaulted), with the managedFields the request sent, if any. */
  next: KubeObject;
  writer: Writer;
  scope: FieldScope;
}

/**
 * Records an Update (create, PUT, merge/JSON/strategic patch) in `next.metadata.managedFields`, as kube's
 * field manager does: the entries the request sent replace the stored ones on the main resource (that is how
 * a client resets them, with `[{}]`), else the stored ones go on; an existing object without managedFields is
 * not tracked until something applies to it.
 */
export function recordUpdateWrite({ previous, next, writer, scope }: UpdateWrite): void {
  const sent = readableEntries(next.metadata.managedFields)
    ? managedEntries(next.metadata.managedFields)
    : [];
  const entries =
    writer.subresource || sent.length === 0 ? managedEntries(previous?.metadata.managedFields) : sent;
  const meta = next.metadata;
  if (previous && entries.length === 0) {
    delete meta.managedFields;
    return;
  }
  const before = previous ?? zeroObject(next.kind ?? '');
  const recorded = recordUpdate(entries, compareObjects(before, next, next.kind ?? '', scope), writer);
  if (recorded.length > 0) meta.managedFields = recorded;
  else delete meta.managedFields;
}
