/**
 * The IP-pool rules, checked all at once: every problem found is one `FieldIssue` with its own path and
 * message, so a user fixes a pool in one round. A pool that passes becomes a `ValidatedPool` with each
 * node's pod CIDR assigned.
 *
 * Assignment is by position: node `i`, in the order given, owns range `i`, in the order given; ranges past
 * the last node are spare. Appending a node or a range therefore never moves an existing node's pod CIDR,
 * which a running node could not survive; reordering the lists is what moves them.
 */
import { type FieldIssue, InputError } from '@cite/errors';
import {
  type Cidr,
  type Parsed as Read,
  cidrContains,
  cidrCovers,
  cidrsOverlap,
  formatCidr,
  formatIpv4,
  quote,
  readCidr,
  readIpv4,
} from './ipv4';
import type { NodeSpec, PoolSpec } from './pool-spec';
import { tooSmallForPods } from './range-layout';

export interface Supernet {
  readonly index: number;
  readonly cidr: string;
  readonly block: Cidr;
}

export interface PodRange {
  /** Position in `spec.ranges`. */
  readonly index: number;
  readonly cidr: string;
  readonly block: Cidr;
  /** The node that owns the range, or null for a spare range. */
  readonly node: string | null;
}

export interface PoolNode {
  /** Position in `spec.nodes`. */
  readonly index: number;
  readonly name: string;
  readonly address: string;
  readonly ip: number;
  /** The node's pod CIDR, the same as `range.cidr`. */
  readonly podCidr: string;
  readonly range: PodRange;
}

export interface ValidatedPool {
  /** A copy of the accepted input. */
  readonly spec: PoolSpec;
  readonly supernets: readonly Supernet[];
  /** Every range in the order given, assigned or spare. */
  readonly ranges: readonly PodRange[];
  readonly nodes: readonly PoolNode[];
  /** Ranges no node owns, in the order given. */
  readonly spareRanges: readonly string[];
}

/**
 * Checks a pool (typically parsed JSON) and assigns pod CIDRs. Throws `InputError` whose `details` hold one
 * issue per problem found.
 */
export function validatePool(spec: unknown): ValidatedPool {
  const checked = checkPool(spec);
  const [first, ...rest] = checked.issues;
  if (first) {
    const more = rest.length === 0 ? '' : ` (and ${rest.length} more)`;
    throw new InputError(`invalid IP pool: ${first.path}: ${first.message}${more}`, {
      details: checked.issues,
    });
  }
  return assign(checked);
}

/** Every problem with a pool, in field order; empty when the pool is valid. */
export function poolProblems(spec: unknown): FieldIssue[] {
  return checkPool(spec).issues;
}

/** A list entry that parsed, remembered with its position. */
interface Entry<T> {
  index: number;
  text: string;
  value: T;
}

interface CheckedPool {
  issues: FieldIssue[];
  supernets: Entry<Cidr>[];
  ranges: Entry<Cidr>[];
  nodes: { index: number; name: string; address: string; ip: number }[];
}

function checkPool(spec: unknown): CheckedPool {
  const checked: CheckedPool = { issues: [], supernets: [], ranges: [], nodes: [] };
  if (!isRecord(spec)) {
    checked.issues.push({ path: '', message: 'must be an object with supernets, ranges and nodes' });
    return checked;
  }
  const supernets = listAt(spec, 'supernets', 'supernet', checked.issues);
  const ranges = listAt(spec, 'ranges', 'pod range', checked.issues);
  const nodes = listAt(spec, 'nodes', 'node', checked.issues);
  checked.supernets = checkSupernets(supernets, checked.issues);
  checked.ranges = checkRanges(ranges, checked.supernets, checked.issues);
  checked.nodes = checkNodes(nodes, checked.ranges, checked.issues);
  if (ranges.length > 0 && nodes.length > ranges.length) {
    checked.issues.push({
      path: 'nodes',
      message: `${nodes.length} nodes but only ${ranges.length} pod ranges; each node needs its own range`,
    });
  }
  return checked;
}

function listAt(spec: Record<string, unknown>, key: string, noun: string, issues: FieldIssue[]): unknown[] {
  const value = spec[key];
  if (!Array.isArray(value)) {
    issues.push({ path: key, message: `must be a list of ${noun}s` });
    return [];
  }
  if (value.length === 0) issues.push({ path: key, message: `must list at least one ${noun}` });
  return value;
}

function checkSupernets(texts: unknown[], issues: FieldIssue[]): Entry<Cidr>[] {
  const accepted: Entry<Cidr>[] = [];
  for (const [index, text] of texts.entries()) {
    const path = `supernets.${index}`;
    const read = readCidr(text);
    if (!read.ok) {
      issues.push({ path, message: read.problem });
      continue;
    }
    const entry = { index, text: formatCidr(read.value), value: read.value };
    for (const earlier of accepted) {
      if (cidrsOverlap(earlier.value, entry.value))
        issues.push({ path, message: overlapMessage('supernets', earlier) });
    }
    accepted.push(entry);
  }
  return accepted;
}

function checkRanges(texts: unknown[], supernets: Entry<Cidr>[], issues: FieldIssue[]): Entry<Cidr>[] {
  const accepted: Entry<Cidr>[] = [];
  for (const [index, text] of texts.entries()) {
    const path = `ranges.${index}`;
    const read = readCidr(text);
    if (!read.ok) {
      issues.push({ path, message: read.problem });
      continue;
    }
    const entry = { index, text: formatCidr(read.value), value: read.value };
    const tooSmall = tooSmallForPods(entry.value);
    if (tooSmall) issues.push({ path, message: tooSmall });
    for (const earlier of accepted) {
      if (cidrsOverlap(earlier.value, entry.value))
        issues.push({ path, message: overlapMessage('ranges', earlier) });
    }
    // Without one readable supernet there is nothing to check against; that is reported on its own.
    if (supernets.length > 0 && !supernets.some((supernet) => cidrCovers(supernet.value, entry.value))) {
      const names = supernets.map((supernet) => supernet.text).join(', ');
      issues.push({ path, message: `outside every supernet (${names})` });
    }
    accepted.push(entry);
  }
  return accepted;
}

function checkNodes(entries: unknown[], ranges: Entry<Cidr>[], issues: FieldIssue[]): CheckedPool['nodes'] {
  const accepted: CheckedPool['nodes'] = [];
  const byName = new Map<string, number>();
  const byAddress = new Map<number, number>();
  for (const [index, entry] of entries.entries()) {
    if (!isRecord(entry)) {
      issues.push({ path: `nodes.${index}`, message: 'must be an object with name and address' });
      continue;
    }
    const name = checkNodeName(entry, index, byName, issues);
    const ip = checkNodeAddress(entry, index, byAddress, ranges, issues);
    if (name !== null && ip !== null) accepted.push({ index, name, address: formatIpv4(ip), ip });
  }
  return accepted;
}

/** Kubernetes node names are DNS-1123 subdomains. */
const NODE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function readNodeName(value: unknown): Read<string> {
  if (typeof value !== 'string') return { ok: false, problem: 'must be a string' };
  if (value === '') return { ok: false, problem: 'must not be empty' };
  if (value.length > 253) return { ok: false, problem: 'must be at most 253 characters' };
  if (!NODE_NAME.test(value)) {
    return {
      ok: false,
      problem: `must be a DNS-1123 subdomain (lowercase letters, digits, "-" and "."): ${quote(value)}`,
    };
  }
  return { ok: true, value };
}

function checkNodeName(
  entry: Record<string, unknown>,
  index: number,
  seen: Map<string, number>,
  issues: FieldIssue[],
): string | null {
  const path = `nodes.${index}.name`;
  const read = readNodeName(entry['name']);
  if (!read.ok) {
    issues.push({ path, message: read.problem });
    return null;
  }
  const first = seen.get(read.value);
  if (first !== undefined) {
    issues.push({ path, message: `duplicate node name: same as nodes.${first}` });
    return null;
  }
  seen.set(read.value, index);
  return read.value;
}

function checkNodeAddress(
  entry: Record<string, unknown>,
  index: number,
  seen: Map<number, number>,
  ranges: Entry<Cidr>[],
  issues: FieldIssue[],
): number | null {
  const path = `nodes.${index}.address`;
  const read = readIpv4(entry['address']);
  if (!read.ok) {
    issues.push({ path, message: read.problem });
    return null;
  }
  let clean = true;
  const first = seen.get(read.value);
  if (first !== undefined) {
    issues.push({ path, message: `duplicate node address: same as nodes.${first}` });
    clean = false;
  } else {
    seen.set(read.value, index);
  }
  for (const range of ranges) {
    if (cidrContains(range.value, read.value)) {
      issues.push({ path, message: `inside pod range ranges.${range.index} (${range.text})` });
      clean = false;
    }
  }
  return clean ? read.value : null;
}

function overlapMessage(list: string, earlier: Entry<Cidr>): string {
  return `overlaps ${list}.${earlier.index} (${earlier.text})`;
}

function assign(checked: CheckedPool): ValidatedPool {
  const owners = new Map(checked.nodes.map((node, position) => [position, node.name]));
  const ranges: PodRange[] = checked.ranges.map((range, position) =>
    Object.freeze({
      index: range.index,
      cidr: range.text,
      block: range.value,
      node: owners.get(position) ?? null,
    }),
  );
  const nodes: PoolNode[] = checked.nodes.map((node, position) => {
    const range = ranges[position];
    // validatePool only assigns after checking there are at least as many ranges as nodes.
    if (!range) throw new Error(`no pod range for nodes.${node.index}`);
    return Object.freeze({ ...node, podCidr: range.cidr, range });
  });
  const supernets = checked.supernets.map((supernet) =>
    Object.freeze({ index: supernet.index, cidr: supernet.text, block: supernet.value }),
  );
  const spec: PoolSpec = {
    supernets: supernets.map((supernet) => supernet.cidr),
    ranges: ranges.map((range) => range.cidr),
    nodes: nodes.map((node): NodeSpec => ({ name: node.name, address: node.address })),
  };
  return Object.freeze({
    spec,
    supernets: Object.freeze(supernets),
    ranges: Object.freeze(ranges),
    nodes: Object.freeze(nodes),
    spareRanges: Object.freeze(ranges.filter((range) => range.node === null).map((range) => range.cidr)),
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
