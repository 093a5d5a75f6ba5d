/**
 * Reusable buffers for large response bodies (lists of thousands of objects). A list's body is its items'
 * stored bytes copied into one buffer; allocating a fresh multi-megabyte buffer per list counts as external
 * memory to V8, whose pressure then forces full garbage collections of the whole store every few lists. A
 * few buffers are kept and reused instead; one is lent for a response and returned when that response has
 * been handed to the kernel ('finish') or abandoned ('close').
 */
import type { ServerResponse } from 'node:http';

/** Bodies smaller than this are plain Buffer.concat results (pooled by Node or cheap to collect). */
const POOLED_FROM = 256 * 1024;
const KEPT = 2;
const free: Buffer[] = [];

/** `parts` as one body; large bodies borrow a pooled buffer until `response` is done with it. */
export function joinBody(parts: Buffer[], response: ServerResponse): Buffer {
  let total = 0;
  for (const part of parts) total += part.length;
  if (total < POOLED_FROM) return Buffer.concat(parts, total);
  const index = free.findIndex((candidate) => candidate.length >= total);
  const backing =
    index >= 0
      ? free.splice(index, 1)[0]!
      : Buffer.allocUnsafeSlow(Math.ceil((total * 1.25) / 65536) * 65536);
  let offset = 0;
  for (const part of parts) offset += part.copy(backing, offset);
  let returned = false;
  const release = () => {
    if (returned) return;
    returned = true;
    if (free.length < KEPT) free.push(backing);
  };
  response.once('finish', release);
  response.once('close', release);
  return backing.subarray(0, total);
}
