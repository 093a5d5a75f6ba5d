/** "Whose address is this?" and "which pod CIDR does this node own?" for a validated pool. */
import { NotFoundError } from '@cite/errors';
import { cidrContains, parseIpv4 } from './ipv4';
import { type AddressRole, addressRole } from './range-layout';
import type { PoolNode, ValidatedPool } from './validate-pool';

/** Who holds an address: a pod range (owned by `node`, or spare when `node` is null) or a node's own address. */
export type Ownership =
  | { kind: 'pod-range'; range: string; node: string | null; role: AddressRole }
  | { kind: 'node'; node: string };

/** The node called `name`; throws `NotFoundError` when the pool has none. */
export function nodeNamed(pool: ValidatedPool, name: string): PoolNode {
  const node = pool.nodes.find((candidate) => candidate.name === name);
  if (!node) throw new NotFoundError(`no node named ${JSON.stringify(name)} in the IP pool`);
  return node;
}

/** The pod CIDR the node owns, e.g. `10.60.240.0/24`. Throws `NotFoundError` for an unknown node. */
export function podCidrFor(pool: ValidatedPool, nodeName: string): string {
  return nodeNamed(pool, nodeName).podCidr;
}

/**
 * Who holds `ip`: the pod range it falls in (with the owning node and the address's role there), the node
 * whose host address it is, or null when the pool does not know it. Throws `InputError` (path `ip`) for text
 * that is not an IPv4 address.
 */
export function whoOwns(pool: ValidatedPool, ip: string): Ownership | null {
  const address = parseIpv4(ip, 'ip');
  const range = pool.ranges.find((candidate) => cidrContains(candidate.block, address));
  if (range)
    return {
      kind: 'pod-range',
      range: range.cidr,
      node: range.node,
      role: addressRole(range.block, address),
    };
  const node = pool.nodes.find((candidate) => candidate.ip === address);
  return node ? { kind: 'node', node: node.name } : null;
}
