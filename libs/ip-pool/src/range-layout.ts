/**
 * How one pod range is laid out, the way the bridge + host-local CNI plugins use a node's pod CIDR:
 * the first address is the network, the second the gateway (the node's bridge), the last the broadcast, and
 * pods take everything in between. A `/24` therefore holds 256 addresses and 253 pod addresses
 * (`.2 … .254`); a `/30` holds one pod. `/31` and `/32` leave no pod address and are not valid pod ranges.
 */
import { InputError } from '@cite/errors';
import { type Cidr, cidrLast, cidrSize, formatCidr, formatIpv4, readCidr } from './ipv4';

/** Prefix lengths longer than this leave no address for a pod. */
export const LONGEST_POD_RANGE_PREFIX = 30;

/** What an address inside a pod range is for. */
export type AddressRole = 'network' | 'gateway' | 'pod' | 'broadcast';

export interface RangeLayout {
  cidr: string;
  network: string;
  gateway: string;
  firstPod: string;
  lastPod: string;
  broadcast: string;
  /** Every address in the range (`/24` → 256). */
  addresses: number;
  /** Addresses pods can take: `addresses − 3` (`/24` → 253). */
  capacity: number;
}

/** The layout of a pod range given as text or as a parsed block. Throws `InputError` for a bad or too small range. */
export function rangeLayout(range: string | Cidr): RangeLayout {
  const block = typeof range === 'string' ? blockOf(range) : range;
  const tooSmall = tooSmallForPods(block);
  if (tooSmall) throw new InputError(tooSmall, { details: [{ path: 'range', message: tooSmall }] });
  const span = podSpan(block);
  return {
    cidr: formatCidr(block),
    network: formatIpv4(block.network),
    gateway: formatIpv4(block.network + 1),
    firstPod: formatIpv4(span.first),
    lastPod: formatIpv4(span.last),
    broadcast: formatIpv4(cidrLast(block)),
    addresses: cidrSize(block),
    capacity: span.last - span.first + 1,
  };
}

/** The role of an address inside `block` (the caller has checked that the block contains it). */
export function addressRole(block: Cidr, ip: number): AddressRole {
  if (ip === block.network) return 'network';
  if (ip === block.network + 1) return 'gateway';
  if (ip === cidrLast(block)) return 'broadcast';
  return 'pod';
}

/** The first and last pod address of a block with prefix ≤ 30. */
export function podSpan(block: Cidr): { first: number; last: number } {
  return { first: block.network + 2, last: cidrLast(block) - 1 };
}

/** Pod addresses in a block: `size − 3`, or 0 for a block too small to hold a pod. */
export function podCapacity(block: Cidr): number {
  return block.prefix > LONGEST_POD_RANGE_PREFIX ? 0 : cidrSize(block) - 3;
}

/** Why `block` cannot be a pod range, or null when it can. */
export function tooSmallForPods(block: Cidr): string | null {
  if (block.prefix <= LONGEST_POD_RANGE_PREFIX) return null;
  return (
    `too small for pods: a /${block.prefix} leaves no address after network, gateway and broadcast ` +
    `(use /${LONGEST_POD_RANGE_PREFIX} or shorter)`
  );
}

function blockOf(text: string): Cidr {
  const read = readCidr(text);
  if (read.ok) return read.value;
  throw new InputError(read.problem, { details: [{ path: 'range', message: read.problem }] });
}
