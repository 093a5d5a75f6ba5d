/**
 * What the api shows of the records the watcher keeps about the network, decided here so the routes only read
 * and answer. Pure.
 *
 * - `networkView`: the pool (`network/pool`, or the seed's `DEFAULT_POOL` when none is stored) next to each
 *   node's use of its pod range (`nodes/<node>`), with totals and warnings: a node above 80 % use, a
 *   node whose reported pod range is not the one the pool gives it, a node the pool does not know.
 * - `ipView`: whose address is this? The pod that holds it, the node it belongs to, or a 404 that says which
 *   range (and node) a free address is in; 400 at `ip` for text that is not an IPv4 address or an address
 *   outside the pool.
 * - `mayRead`: who may read a record the watcher made about a service's objects (a domain, a pod address).
 * - `endpointsView`: a service's load-balancer endpoints, empty until the watcher has seen ready pods.
 * - `poolOf`: the pool to answer with (stored, else the seed's).
 */
import { authorize, type Principal } from '@cite/auth';
import { CorruptValueError, InputError, invalidField, notFoundAt } from '@cite/errors';
import {
  DEFAULT_POOL,
  formatIpv4,
  parseIpv4,
  podCidrFor,
  poolCapacity,
  validatePool,
  whoOwns,
  type AddressRole,
  type ValidatedPool,
} from '@cite/ip-pool';
import {
  IpRecordSchema,
  LbEndpointSchema,
  teamNamespace,
  type IpPool,
  type IpRecord,
  type LbEndpoints,
  type NodeUsageRecord,
  type Service,
} from '@cite/model';
import { z } from 'zod';

/** A node whose pod range is used above this share gets a warning. */
export const NODE_USE_WARNING_RATIO = 0.8;

const count = z.number().int().min(0);
/** A share in percent, one decimal: `80.2`. */
const percent = z.number().min(0);

export const NetworkNodeViewSchema = z.object({
  name: z.string(),
  /** The node's own address: the pool's, else what the watcher reported. */
  address: z.string().nullable(),
  /** The pod range the pool gives the node; for a node the pool does not know, the one it reports. */
  podCidr: z.string().nullable(),
  /** The pod range the node reports when it is not the pool's (see `warnings`). */
  reportedPodCidr: z.string().optional(),
  inPool: z.boolean(),
  /** Whether the watcher has a `nodes/<node>` record; until then `used` and `ready` are null. */
  reported: z.boolean(),
  ready: z.boolean().nullable(),
  capacity: count,
  used: count.nullable(),
  free: count.nullable(),
  usedPercent: percent.nullable(),
  updatedAt: z.string().nullable(),
});
export type NetworkNodeView = z.infer<typeof NetworkNodeViewSchema>;

export const NetworkWarningSchema = z.object({
  node: z.string(),
  kind: z.enum(['usage', 'pod-cidr', 'not-in-pool']),
  message: z.string(),
});
export type NetworkWarning = z.infer<typeof NetworkWarningSchema>;

export const NetworkViewSchema = z.object({
  pool: z.object({
    /** `etcd` when `network/pool` is stored, `default` for the seed's pool. */
    source: z.enum(['etcd', 'default']),
    supernets: z.array(z.string()),
    ranges: z.array(
      z.object({ range: z.string(), node: z.string().nullable(), addresses: count, capacity: count }),
    ),
    spareRanges: z.array(z.string()),
  }),
  nodes: z.array(NetworkNodeViewSchema),
  totals: z.object({
    /** Every address of every range. */
    addresses: count,
    /** Pod addresses of every range, spare ones included. */
    capacity: count,
    /** Pod addresses of the ranges nodes own. */
    assigned: count,
    spare: count,
    /** Pod addresses in use on the pool's nodes, as reported. */
    used: count,
    /** `assigned − used`. */
    free: z.number().int(),
    /** `used / assigned`. */
    usedPercent: percent,
  }),
  warnings: z.array(NetworkWarningSchema),
});
export type NetworkView = z.infer<typeof NetworkViewSchema>;

const percentOf = (used: number, capacity: number) =>
  capacity === 0 ? 0 : Math.round((used / capacity) * 1000) / 10;

function nodeWarnings(node: NetworkNodeView): NetworkWarning[] {
  const warnings: NetworkWarning[] = [];
  if (!node.inPool) {
    warnings.push({
      node: node.name,
      kind: 'not-in-pool',
      message: `node ${node.name} reports pod range ${node.podCidr ?? '(none)'}, but the IP pool has no such node`,
    });
  }
  if (node.reportedPodCidr !== undefined) {
    warnings.push({
      node: node.name,
      kind: 'pod-cidr',
      message: `node ${node.name} reports pod range ${node.reportedPodCidr}; the IP pool gives it ${node.podCidr ?? '(none)'}`,
    });
  }
  if (node.used !== null && node.capacity > 0 && node.used / node.capacity > NODE_USE_WARNING_RATIO) {
    warnings.push({
      node: node.name,
      kind: 'usage',
      message: `node ${node.name} uses ${node.used} of ${node.capacity} pod addresses (${node.usedPercent} %), above ${NODE_USE_WARNING_RATIO * 100} %`,
    });
  }
  return warnings;
}

function reportedFields(record: NodeUsageRecord | undefined, capacity: number) {
  if (!record) {
    return {
      reported: false,
      ready: null,
      capacity,
      used: null,
      free: null,
      usedPercent: null,
      updatedAt: null,
    };
  }
  return {
    reported: true,
    ready: record.ready,
    capacity: record.capacity,
    used: record.used,
    free: Math.max(0, record.capacity - record.used),
    usedPercent: percentOf(record.used, record.capacity),
    updatedAt: record.updatedAt,
  };
}

/**
 * The pool next to what the watcher reports of each node. The pool's nodes come first, in pool order; nodes
 * only the watcher knows follow, by name. A reported node's capacity and use are the watcher's (from the pod
 * range the node really has); an unreported node shows the pool's capacity and no use.
 */
export function networkView(
  pool: ValidatedPool,
  records: readonly NodeUsageRecord[],
  source: 'etcd' | 'default',
): NetworkView {
  const byName = new Map(records.map((record) => [record.node, record]));
  const capacity = poolCapacity(pool);
  const rangeCapacity = new Map(capacity.ranges.map((range) => [range.range, range.capacity]));
  const inPool: NetworkNodeView[] = pool.nodes.map((node) => {
    const record = byName.get(node.name);
    const reportedPodCidr = record?.podCidr;
    return {
      name: node.name,
      address: node.address,
      podCidr: node.podCidr,
      ...(reportedPodCidr !== undefined && reportedPodCidr !== node.podCidr ? { reportedPodCidr } : {}),
      inPool: true,
      ...reportedFields(record, rangeCapacity.get(node.podCidr) ?? 0),
    };
  });
  const known = new Set(pool.nodes.map((node) => node.name));
  const outside: NetworkNodeView[] = records
    .filter((record) => !known.has(record.node))
    .sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0))
    .map((record) => ({
      name: record.node,
      address: record.address ?? null,
      podCidr: record.podCidr ?? null,
      inPool: false,
      ...reportedFields(record, record.capacity),
    }));
  const used = inPool.reduce((total, node) => total + (node.used ?? 0), 0);
  const nodes = [...inPool, ...outside];
  return {
    pool: {
      source,
      supernets: pool.supernets.map((supernet) => supernet.cidr),
      ranges: capacity.ranges,
      spareRanges: [...pool.spareRanges],
    },
    nodes,
    totals: {
      addresses: capacity.addresses,
      capacity: capacity.capacity,
      assigned: capacity.assigned,
      spare: capacity.spare,
      used,
      free: capacity.assigned - used,
      usedPercent: percentOf(used, capacity.assigned),
    },
    warnings: nodes.flatMap(nodeWarnings),
  };
}

export const IpViewSchema = z.discriminatedUnion('kind', [
  z.object({
    ip: z.string(),
    kind: z.literal('pod'),
    /** The pod that holds the address, as the watcher recorded it. */
    pod: IpRecordSchema,
    /** The pod range the address is in, and the node that owns the range; null outside the pool. */
    range: z.string().nullable(),
    rangeNode: z.string().nullable(),
  }),
  z.object({
    ip: z.string(),
    kind: z.literal('node'),
    /** The node whose own address this is. */
    node: z.string(),
    podCidr: z.string(),
  }),
]);
export type IpView = z.infer<typeof IpViewSchema>;

/**
 * The canonical form of an address asked about; `InputError` at `ip` for text that is not an IPv4 address
 * (checked before anything is read).
 */
export function lookupAddress(text: string): string {
  return formatIpv4(parseIpv4(text, 'ip'));
}

function describeRange(range: string, node: string | null): string {
  return node === null ? `spare pod range ${range} (no node owns it)` : `pod range ${range} of node ${node}`;
}

function roleNote(role: AddressRole): string {
  return role === 'pod' ? 'a free pod address' : `the ${role} address`;
}

/**
 * Whose address `text` is, given the pod record the caller may see for it (null when there is none, or when
 * it is a pod of a team the caller may not see: then the address answers as a free one). A node's own
 * address answers the node. Throws `NotFoundError` at `ip` for an address of the pool no pod holds, naming
 * its range and node; `InputError` at `ip` for text that is not an IPv4 address, or an address outside the
 * pool that no visible pod holds.
 */
export function ipView(pool: ValidatedPool, text: string, record: IpRecord | null): IpView {
  const ip = lookupAddress(text);
  const owner = whoOwns(pool, ip);
  if (owner?.kind === 'node')
    return { ip, kind: 'node', node: owner.node, podCidr: podCidrFor(pool, owner.node) };
  if (record) {
    return {
      ip,
      kind: 'pod',
      pod: record,
      range: owner?.range ?? null,
      rangeNode: owner?.node ?? null,
    };
  }
  if (owner === null) {
    const supernets = pool.supernets.map((supernet) => supernet.cidr).join(', ');
    throw invalidField(
      'ip',
      `${ip} is outside the IP pool: not in a pod range nor a node's address (supernets ${supernets})`,
    );
  }
  const where = describeRange(owner.range, owner.node);
  const message = `no pod you can see holds ${ip}: it is ${roleNote(owner.role)} of ${where}`;
  throw notFoundAt('ip', message);
}

/**
 * Whether `principal` may read a record the watcher keeps about a service's objects (a domain, a pod's
 * address): admins always; a member when the record names a service of a team of theirs and lies in that
 * team's namespace. A record of no cite service (an Ingress or pod outside cite), or of a service that is gone,
 * is for admins only.
 */
export function mayRead(
  principal: Principal,
  record: { service?: string | undefined; namespace: string },
  owner: Service | null,
): boolean {
  if (principal.role === 'admin') return true;
  if (record.service === undefined || owner === null || owner.name !== record.service) return false;
  if (teamNamespace(owner.team) !== record.namespace) return false;
  return authorize(principal, { kind: 'team', team: owner.team }).allowed;
}

export const EndpointsViewSchema = z.object({
  namespace: z.string(),
  service: z.string(),
  port: z.number().int(),
  /** Ready pods' `ip:port`; empty when none is ready or the watcher has not seen the service yet. */
  endpoints: z.array(LbEndpointSchema),
  /** When the watcher last wrote the record; null when it never did. */
  updatedAt: z.string().nullable(),
});
export type EndpointsView = z.infer<typeof EndpointsViewSchema>;

/** The `lb/<namespace>/<service>` record of `service`, or an empty one on the service's port. */
export function endpointsView(service: Service, record: LbEndpoints | null): EndpointsView {
  if (!record) {
    return {
      namespace: teamNamespace(service.team),
      service: service.name,
      port: service.port,
      endpoints: [],
      updatedAt: null,
    };
  }
  const { namespace, port, endpoints, updatedAt } = record;
  return { namespace, service: record.service, port, endpoints, updatedAt };
}

/**
 * The pool to answer with: the stored `network/pool`, else the seed's `DEFAULT_POOL`. A stored pool that
 * breaks the pool's rules is bad data, not bad input: `CorruptValueError` (a 500), never a 400 to the caller.
 */
export function poolOf(stored: IpPool | null): { pool: ValidatedPool; source: 'etcd' | 'default' } {
  if (stored === null) return { pool: validatePool(DEFAULT_POOL), source: 'default' };
  try {
    return { pool: validatePool(stored), source: 'etcd' };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new CorruptValueError('network/pool', error.message, { cause: error, details: error.details });
  }
}
