import fc from 'fast-check';
import { nextFreeIp } from './allocation';
import { poolCapacity } from './capacity';
import { cidrContains, cidrSize, formatCidr, formatIpv4, parseCidr, parseIpv4 } from './ipv4';
import { podCidrFor, whoOwns } from './ownership';
import type { PoolSpec } from './pool-spec';
import { rangeLayout } from './range-layout';
import { arbitraryPool } from './testing';
import { poolProblems, validatePool } from './validate-pool';

const runs = { numRuns: 150 };

/** A pool together with a choice of node and an offset, for properties about one node's range. */
const poolAndNode = arbitraryPool().chain((spec) =>
  fc.record({ spec: fc.constant(spec), node: fc.nat(spec.nodes.length - 1), offset: fc.nat() }),
);

describe('random valid pools', () => {
  it('are accepted', () => {
    fc.assert(
      fc.property(arbitraryPool(), (spec) => {
        expect(poolProblems(spec)).toEqual([]);
        expect(() => validatePool(spec)).not.toThrow();
      }),
      runs,
    );
  });

  it('give every node a distinct range, range i to node i, the rest spare', () => {
    fc.assert(
      fc.property(arbitraryPool(), (spec) => {
        const pool = validatePool(spec);
        const podCidrs = spec.nodes.map((node) => podCidrFor(pool, node.name));
        expect(new Set(podCidrs).size).toBe(spec.nodes.length);
        expect(podCidrs).toEqual(spec.ranges.slice(0, spec.nodes.length));
        expect(pool.spareRanges).toEqual(spec.ranges.slice(spec.nodes.length));
      }),
      runs,
    );
  });

  it('say any address of an assigned range belongs to its node, and node addresses to the node', () => {
    fc.assert(
      fc.property(poolAndNode, ({ spec, node, offset }) => {
        const pool = validatePool(spec);
        const owner = spec.nodes[node]!;
        const range = parseCidr(podCidrFor(pool, owner.name));
        const ip = formatIpv4(range.network + (offset % cidrSize(range)));
        expect(whoOwns(pool, ip)).toMatchObject({
          kind: 'pod-range',
          range: formatCidr(range),
          node: owner.name,
        });
        expect(whoOwns(pool, owner.address)).toEqual({ kind: 'node', node: owner.name });
      }),
      runs,
    );
  });

  it('hand out the lowest unused pod address of the node’s range', () => {
    const withUsed = poolAndNode.chain((picked) =>
      fc.record({ picked: fc.constant(picked), usedOffsets: fc.array(fc.nat(), { maxLength: 60 }) }),
    );
    fc.assert(
      fc.property(withUsed, ({ picked: { spec, node }, usedOffsets }) => {
        const pool = validatePool(spec);
        const name = spec.nodes[node]!.name;
        const layout = rangeLayout(podCidrFor(pool, name));
        const first = parseIpv4(layout.firstPod);
        // Mostly the low addresses, so that the scan has gaps to find.
        const used = new Set(
          usedOffsets.map((offset) => formatIpv4(first + (offset % Math.min(layout.capacity, 64)))),
        );
        const next = nextFreeIp(pool, name, used);
        expect(next).not.toBeNull();
        const ip = parseIpv4(next!);
        expect(used.has(next!)).toBe(false);
        expect(ip).toBeGreaterThanOrEqual(first);
        expect(ip).toBeLessThanOrEqual(parseIpv4(layout.lastPod));
        for (let lower = first; lower < ip; lower++) expect(used.has(formatIpv4(lower))).toBe(true);
      }),
      runs,
    );
  });

  it('allocate without duplicates until capacity is exhausted, then return null', () => {
    const smallRanges = arbitraryPool({ rangePrefixes: [26, 30], maxRanges: 4 }).chain((spec) =>
      fc.record({ spec: fc.constant(spec), node: fc.nat(spec.nodes.length - 1) }),
    );
    fc.assert(
      fc.property(smallRanges, ({ spec, node }) => {
        const pool = validatePool(spec);
        const name = spec.nodes[node]!.name;
        const range = parseCidr(podCidrFor(pool, name));
        const used = new Set<string>();
        for (let next = nextFreeIp(pool, name, used); next !== null; next = nextFreeIp(pool, name, used)) {
          expect(used.has(next)).toBe(false);
          expect(cidrContains(range, parseIpv4(next))).toBe(true);
          used.add(next);
        }
        expect(used.size).toBe(rangeLayout(range).capacity);
        expect(nextFreeIp(pool, name, used)).toBeNull();
      }),
      runs,
    );
  });

  it('have a capacity equal to the sum over their ranges', () => {
    fc.assert(
      fc.property(arbitraryPool(), (spec) => {
        const capacity = poolCapacity(validatePool(spec));
        const layouts = spec.ranges.map((range) => rangeLayout(range));
        expect(capacity.capacity).toBe(layouts.reduce((total, layout) => total + layout.capacity, 0));
        expect(capacity.addresses).toBe(layouts.reduce((total, layout) => total + layout.addresses, 0));
        expect(capacity.assigned + capacity.spare).toBe(capacity.capacity);
        expect(capacity.ranges.map((range) => range.capacity)).toEqual(
          layouts.map((layout) => layout.capacity),
        );
      }),
      runs,
    );
  });
});

describe('breaking one rule in a random valid pool', () => {
  const twoNodes = arbitraryPool({ minNodes: 2 }).chain((spec) =>
    fc
      .tuple(fc.nat(spec.nodes.length - 1), fc.nat(spec.nodes.length - 1))
      .filter(([a, b]) => a !== b)
      .map(([a, b]) => ({ spec, first: Math.min(a, b), later: Math.max(a, b) })),
  );

  it('is rejected for an overlapping range, on the added range', () => {
    const overlap = poolAndNode.chain((picked) =>
      fc.record({ picked: fc.constant(picked), extraBits: fc.integer({ min: 0, max: 6 }) }),
    );
    fc.assert(
      fc.property(overlap, ({ picked: { spec, node: target, offset }, extraBits }) => {
        // A block inside ranges[target]: it overlaps that range only and can hold no node address.
        const range = parseCidr(spec.ranges[target]!);
        const prefix = Math.min(range.prefix + extraBits, 30);
        const size = 2 ** (32 - prefix);
        const inner = formatCidr({
          network: range.network + (offset % (cidrSize(range) / size)) * size,
          prefix,
        });
        const broken: PoolSpec = { ...spec, ranges: [...spec.ranges, inner] };
        expect(poolProblems(broken)).toEqual([
          {
            path: `ranges.${spec.ranges.length}`,
            message: `overlaps ranges.${target} (${spec.ranges[target]})`,
          },
        ]);
        expect(() => validatePool(broken)).toThrow('overlaps');
      }),
      runs,
    );
  });

  it('is rejected for a duplicate node name, on the later node', () => {
    fc.assert(
      fc.property(twoNodes, ({ spec, first, later }) => {
        const nodes = spec.nodes.map((node, index) =>
          index === later ? { ...node, name: spec.nodes[first]!.name } : node,
        );
        expect(poolProblems({ ...spec, nodes })).toEqual([
          { path: `nodes.${later}.name`, message: `duplicate node name: same as nodes.${first}` },
        ]);
      }),
      runs,
    );
  });

  it('is rejected for a duplicate node address, on the later node', () => {
    fc.assert(
      fc.property(twoNodes, ({ spec, first, later }) => {
        const nodes = spec.nodes.map((node, index) =>
          index === later ? { ...node, address: spec.nodes[first]!.address } : node,
        );
        expect(poolProblems({ ...spec, nodes })).toEqual([
          { path: `nodes.${later}.address`, message: `duplicate node address: same as nodes.${first}` },
        ]);
      }),
      runs,
    );
  });

  it('is rejected for a node address inside a pod range', () => {
    const inside = poolAndNode.chain((picked) =>
      fc.record({ picked: fc.constant(picked), range: fc.nat(picked.spec.ranges.length - 1) }),
    );
    fc.assert(
      fc.property(inside, ({ picked: { spec, node, offset }, range }) => {
        const block = parseCidr(spec.ranges[range]!);
        const address = formatIpv4(block.network + (offset % cidrSize(block)));
        const nodes = spec.nodes.map((entry, index) => (index === node ? { ...entry, address } : entry));
        expect(poolProblems({ ...spec, nodes })).toEqual([
          {
            path: `nodes.${node}.address`,
            message: `inside pod range ranges.${range} (${spec.ranges[range]})`,
          },
        ]);
      }),
      runs,
    );
  });
});
