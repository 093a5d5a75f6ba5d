/** Choosing a pod address in a node's range. */
import { formatIpv4 } from './ipv4';
import { nodeNamed } from './ownership';
import { podSpan } from './range-layout';
import type { ValidatedPool } from './validate-pool';

/**
 * The lowest pod address in the node's range that is not in `used`, or null when every pod address is taken.
 * Network, gateway and broadcast addresses are never returned. `used` is compared as canonical dotted-quad
 * text (the only form the strict parser accepts); pass a `Set` to skip building one. Throws `NotFoundError`
 * for an unknown node.
 */
export function nextFreeIp(pool: ValidatedPool, nodeName: string, used: Iterable<string>): string | null {
  const span = podSpan(nodeNamed(pool, nodeName).range.block);
  const taken: ReadonlySet<string> = used instanceof Set ? used : new Set(used);
  for (let ip = span.first; ip <= span.last; ip++) {
    const text = formatIpv4(ip);
    if (!taken.has(text)) return text;
  }
  return null;
}
