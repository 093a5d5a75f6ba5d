/**
 * The five kinds of record the watcher keeps, each with its etcd repository and mirror, and the key notation
 * of the dirty set (`<kind>:<id>`).
 */
import type { Domain, IpRecord, LbEndpoints, NodeUsageRecord, ObservedStatus } from '@cite/model';
import type { Mirror, Repository } from '@cite/store';

export type RecordKind = 'domain' | 'lb' | 'ip' | 'node' | 'status';

export const RECORD_KINDS: readonly RecordKind[] = ['domain', 'lb', 'ip', 'node', 'status'];

export interface RecordTypes {
  domain: Domain;
  lb: LbEndpoints;
  ip: IpRecord;
  node: NodeUsageRecord;
  status: ObservedStatus;
}

export type Repositories = { [K in RecordKind]: Repository<RecordTypes[K]> };
export type Mirrors = { [K in RecordKind]: Mirror<RecordTypes[K]> };

export function dirtyKey(kind: RecordKind, id: string): string {
  return `${kind}:${id}`;
}

export function parseDirtyKey(key: string): { kind: RecordKind; id: string } {
  const colon = key.indexOf(':');
  return { kind: key.slice(0, colon) as RecordKind, id: key.slice(colon + 1) };
}
