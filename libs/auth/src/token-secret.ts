/**
 * API token secrets: `cite_<id>_<secret>`, where `<id>` (20 characters of [a-z0-9]) names the stored record
 * `tokens/<id>` and `<secret>` is 32 random bytes in base64url. Only the SHA-256 of the whole string is
 * stored, so a leaked etcd backup holds no usable token; the id makes lookup one read instead of a scan,
 * and the prefix lets secret scanners recognise a leaked token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'cite_';
export const TOKEN_ID_LENGTH = 20;
const SECRET_BYTES = 32;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const TOKEN_PATTERN = new RegExp(`^${TOKEN_PREFIX}([a-z0-9]{${TOKEN_ID_LENGTH}})_([A-Za-z0-9_-]{43})$`);

/** Random bytes; injected so tests are deterministic. */
export type RandomBytes = (size: number) => Buffer;

/** A new token: its record id and the secret shown to its owner once. */
export function generateToken(random: RandomBytes = randomBytes): { id: string; secret: string } {
  // 36 symbols from bytes by rejection sampling, so every symbol is equally likely.
  let id = '';
  while (id.length < TOKEN_ID_LENGTH) {
    for (const byte of random(TOKEN_ID_LENGTH * 2)) {
      if (byte < 252 && id.length < TOKEN_ID_LENGTH) id += ID_ALPHABET[byte % 36];
    }
  }
  const secret = `${TOKEN_PREFIX}${id}_${random(SECRET_BYTES).toString('base64url')}`;
  return { id, secret };
}

/** The record id inside a token secret, or null when the string is not shaped like one. */
export function tokenIdOf(secret: string): string | null {
  return TOKEN_PATTERN.exec(secret)?.[1] ?? null;
}

/** SHA-256 of a secret, 64 lowercase hex digits: what `tokens/<id>` stores. */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Whether `secret` hashes to `storedHash`, compared in constant time. */
export function secretMatchesHash(secret: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const actual = createHash('sha256').update(secret, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * Whether two secrets are equal, in time independent of where they differ and of their lengths (both are
 * hashed first, so `timingSafeEqual` always compares 32 bytes).
 */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
