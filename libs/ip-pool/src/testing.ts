/**
 * Test-only entry: fast-check arbitraries for IP pools. Never imported by production code (`index.ts` does
 * not export it).
 */
import fc from 'fast-check';
import { type Cidr, cidrContains, cidrsOverlap, cidrSize, formatCidr, formatIpv4 } from './ipv4';
import type { PoolSpec } from './pool-spec';

export interface PoolShape {
  /** Shortest and longest pod-range prefix (defaults /22 and /28). */
  rangePrefixes?: [number, number];
  /** At least this many nodes, and so ranges (default 1). */
  minNodes?: number;
  /** At most this many ranges, and so nodes (default 12). */
  maxRanges?: number;
}

/**
 * Random valid pools: one supernet (/8–/16, first octet 1–223), non-overlapping pod ranges inside it, and
 * distinct nodes outside every range (some inside the supernet, some elsewhere), no more nodes than ranges.
 */
export function arbitraryPool(shape: PoolShape = {}): fc.Arbitrary<PoolSpec> {
  const [shortest, longest] = shape.rangePrefixes ?? [22, 28];
  const minNodes = shape.minNodes ?? 1;
  const maxRanges = Math.max(shape.maxRanges ?? 12, minNodes);
  return fc
    .record({
      supernetPrefix: fc.integer({ min: 8, max: 16 }),
      supernetBase: fc.integer({ min: 0x01000000, max: 0xdfffffff }),
      ranges: fc.array(fc.record({ prefix: fc.integer({ min: shortest, max: longest }), slot: fc.nat() }), {
        minLength: minNodes,
        maxLength: maxRanges,
      }),
      nodes: fc.array(
        fc.record({
          inSupernet: fc.boolean(),
          offset: fc.nat(),
          anywhere: fc.integer({ min: 0, max: 0xffffffff }),
        }),
        { minLength: minNodes, maxLength: maxRanges },
      ),
    })
    .map(({ supernetPrefix, supernetBase, ranges, nodes }) => {
      const supernetSize = 2 ** (32 - supernetPrefix);
      const supernet: Cidr = {
        network: supernetBase - (supernetBase % supernetSize),
        prefix: supernetPrefix,
      };
      const blocks = placeRanges(supernet, ranges, minNodes, longest);
      const inAnyRange = (ip: number) => blocks.some((block) => cidrContains(block, ip));
      const addresses: number[] = [];
      for (const node of nodes) {
        const ip = node.inSupernet ? supernet.network + (node.offset % supernetSize) : node.anywhere;
        if (!inAnyRange(ip) && !addresses.includes(ip) && addresses.length < blocks.length)
          addresses.push(ip);
      }
      // Addresses just below the supernet lie outside every range; they top up a list the filter thinned.
      for (let below = supernet.network - 1; addresses.length < minNodes; below--) {
        if (!addresses.includes(below)) addresses.push(below);
      }
      return {
        supernets: [formatCidr(supernet)],
        ranges: blocks.map(formatCidr),
        nodes: addresses.map((ip) => ({
          name: `node-${formatIpv4(ip).replaceAll('.', '-')}`,
          address: formatIpv4(ip),
        })),
      };
    });
}

/** Drops ranges that overlap an earlier one, then fills up to `minimum` with free blocks from the supernet's start. */
function placeRanges(
  supernet: Cidr,
  wanted: { prefix: number; slot: number }[],
  minimum: number,
  prefix: number,
): Cidr[] {
  const blocks: Cidr[] = [];
  const fits = (block: Cidr) => !blocks.some((other) => cidrsOverlap(other, block));
  for (const range of wanted) {
    const size = 2 ** (32 - range.prefix);
    const block = {
      network: supernet.network + (range.slot % (cidrSize(supernet) / size)) * size,
      prefix: range.prefix,
    };
    if (fits(block)) blocks.push(block);
  }
  const size = 2 ** (32 - prefix);
  for (let network = supernet.network; blocks.length < minimum; network += size) {
    const block = { network, prefix };
    if (fits(block)) blocks.push(block);
  }
  return blocks;
}
