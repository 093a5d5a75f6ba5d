import { randomInt } from 'node:crypto';

/** The alphabet of k8s.io/apimachinery/pkg/util/rand: no vowels, no confusable characters. */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_GENERATED_NAME_LENGTH = 63 - 5;

/** `generateName` plus five random characters, trimmed as kube's SimpleNameGenerator does. */
export function generateName(base: string): string {
  const prefix = base.length > MAX_GENERATED_NAME_LENGTH ? base.slice(0, MAX_GENERATED_NAME_LENGTH) : base;
  let suffix = '';
  for (let index = 0; index < 5; index += 1) suffix += ALPHABET[randomInt(ALPHABET.length)];
  return prefix + suffix;
}
