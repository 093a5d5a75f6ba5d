/**
 * `pod-template-hash`: kube's controller.ComputeHash is FNV-32a over a dump of the template (plus the
 * collision count), printed in decimal and encoded with rand.SafeEncodeString. Go's struct dump cannot be
 * reproduced here, so the hash is taken over the template's canonical JSON (keys sorted, empty values and the
 * hash label dropped): just as stable, and the same template always gives the same name.
 */
import { canonicalJson } from '../kit/semantic';
import type { PodTemplateSpec } from '../kit/wire';

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** rand.SafeEncodeString's alphabet: no vowels (no words), no 0/1/3 (look like letters). */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function safeEncodeString(text: string): string {
  let out = '';
  for (let index = 0; index < text.length; index++)
    out += ALPHANUMS[text.charCodeAt(index) % ALPHANUMS.length];
  return out;
}

function fnv32a(bytes: Uint8Array, hash = 0x811c9dc5): number {
  let h = hash;
  for (const byte of bytes) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The template without what the hash ignores: the hash label itself and the (always empty) creation time. A
 * shallow copy (only `metadata` and its labels are new): the result is only read.
 */
export function templateForComparison(template: PodTemplateSpec | undefined): unknown {
  if (!template?.metadata) return template ?? {};
  const { creationTimestamp: _created, labels, ...metadata } = template.metadata;
  if (labels) {
    const { [POD_TEMPLATE_HASH_LABEL]: _hash, ...rest } = labels;
    return { ...template, metadata: { ...metadata, labels: rest } };
  }
  return { ...template, metadata };
}

export function computeHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  let hash = fnv32a(new TextEncoder().encode(canonicalJson(templateForComparison(template))));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    hash = fnv32a(bytes, hash);
  }
  return safeEncodeString(String(hash));
}

/** deploymentutil.EqualIgnoreHash: the same template up to the hash label. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalJson(templateForComparison(a)) === canonicalJson(templateForComparison(b));
}
