/**
 * The IP pool as stored (`network/pool` in etcd): plain, JSON-able data. `libs/model` holds a zod schema of
 * exactly this shape; the rules that relate its parts live in `validatePool`.
 */

/** A physical node: its Kubernetes node name and its host address (outside every pod range). */
export interface NodeSpec {
  name: string;
  address: string;
}

export interface PoolSpec {
  /** IPv4 CIDRs every pod range must lie inside, e.g. `10.60.0.0/16`. */
  supernets: string[];
  /** IPv4 CIDRs pods take addresses from; node `i` (in the order given) owns range `i`. */
  ranges: string[];
  nodes: NodeSpec[];
}

const SEED_RANGES = Array.from({ length: 10 }, (_, index) => `10.60.${240 + index}.0/24`);
const SEED_NODE_HOSTS = [139, 140, 141, 142, 143, 203, 204, 205, 206, 207];

/**
 * The seed's network: ten /24 pod ranges `10.60.240.0/24 … 10.60.249.0/24` (2,560 addresses) in
 * `10.60.0.0/16`, and ten nodes `10.60.25.139–143` and `10.60.25.203–207`, named after their address
 * (`node-10-60-25-139`). Deeply frozen: copy it (`structuredClone`) before editing.
 */
export const DEFAULT_POOL: PoolSpec = deepFreeze({
  supernets: ['10.60.0.0/16'],
  ranges: SEED_RANGES,
  nodes: SEED_NODE_HOSTS.map((host) => ({ name: `node-10-60-25-${host}`, address: `10.60.25.${host}` })),
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
