/**
 * Capacity and usage. Capacity counts pod addresses only (see `range-layout`: a /24 has 256 addresses and
 * 253 pod addresses); `addresses` counts every address in the ranges (the seed's ten /24s: 2,560).
 */
import { type Cidr, cidrContains, cidrSize, readIpv4 } from './ipv4';
import { addressRole, podCapacity } from './range-layout';
import type { ValidatedPool } from './validate-pool';

export interface RangeCapacity {
  range: string;
  /** The owning node, or null for a spare range. */
  node: string | null;
  addresses: number;
  capacity: number;
}

export interface PoolCapacity {
  /** Every range, in the order given. */
  ranges: RangeCapacity[];
  /** Addresses in all ranges. */
  addresses: number;
  /** Pod addresses in all ranges: `assigned + spare`. */
  capacity: number;
  /** Pod addresses in ranges that nodes own. */
  assigned: number;
  /** Pod addresses in spare ranges. */
  spare: number;
}

export interface NodeUsage {
  node: string;
  podCidr: string;
  capacity: number;
  /** Distinct pod addresses of the node's range in use. */
  used: number;
  free: number;
  /**
   * Reported entries not counted: addresses outside the node's range, its network, gateway or broadcast
   * address, and text that is not an address.
   */
  outOfRange: string[];
}

export interface PoolUsage {
  /** One entry per node, in pool order. */
  nodes: NodeUsage[];
  /** Totals over nodes' ranges; spare ranges hold no pods and are left out. */
  capacity: number;
  used: number;
  free: number;
  /** Names in the input the pool has no node for; their addresses are not counted. */
  unknownNodes: string[];
}

/** Used addresses per node name, as a `Map` or a plain object. */
export type UsedByNode = ReadonlyMap<string, Iterable<string>> | Readonly<Record<string, Iterable<string>>>;

export function poolCapacity(pool: ValidatedPool): PoolCapacity {
  const ranges = pool.ranges.map((range) => ({
    range: range.cidr,
    node: range.node,
    addresses: cidrSize(range.block),
    capacity: podCapacity(range.block),
  }));
  const assigned = sum(ranges.filter((range) => range.node !== null).map((range) => range.capacity));
  const spare = sum(ranges.filter((range) => range.node === null).map((range) => range.capacity));
  return {
    ranges,
    addresses: sum(ranges.map((range) => range.addresses)),
    capacity: assigned + spare,
    assigned,
    spare,
  };
}

/** Per-node capacity, used and free pod addresses, from the addresses each node reports in use. */
export function poolUsage(pool: ValidatedPool, usedByNode: UsedByNode): PoolUsage {
  const reported = toMap(usedByNode);
  const nodes = pool.nodes.map((node): NodeUsage => {
    const inUse = new Set<number>();
    const outOfRange: string[] = [];
    for (const text of reported.get(node.name) ?? []) {
      const read = readIpv4(text);
      if (read.ok && isPodAddress(node.range.block, read.value)) inUse.add(read.value);
      else outOfRange.push(text);
    }
    const capacity = podCapacity(node.range.block);
    return {
      node: node.name,
      podCidr: node.podCidr,
      capacity,
      used: inUse.size,
      free: capacity - inUse.size,
      outOfRange,
    };
  });
  const known = new Set(pool.nodes.map((node) => node.name));
  return {
    nodes,
    capacity: sum(nodes.map((node) => node.capacity)),
    used: sum(nodes.map((node) => node.used)),
    free: sum(nodes.map((node) => node.free)),
    unknownNodes: [...reported.keys()].filter((name) => !known.has(name)),
  };
}

function isPodAddress(block: Cidr, ip: number): boolean {
  return cidrContains(block, ip) && addressRole(block, ip) === 'pod';
}

function toMap(usedByNode: UsedByNode): ReadonlyMap<string, Iterable<string>> {
  return usedByNode instanceof Map ? usedByNode : new Map(Object.entries(usedByNode));
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
