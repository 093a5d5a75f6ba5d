/**
 * IPv4 addresses and CIDR blocks. Addresses are unsigned 32-bit integers held in plain numbers (0 …
 * 4,294,967,295), so arithmetic never wraps through JavaScript's signed bit operators.
 *
 * Parsing is strict: exactly four decimal octets 0–255 without leading zeros (`010.1.1.1` is rejected because
 * other tools read it as octal), no whitespace, a decimal prefix 0–32 without leading zeros, and no host bits
 * set. Every rejection says which rule was broken.
 */
import { InputError } from '@cite/errors';

/** A CIDR block: its network address (host bits all zero) and its prefix length. */
export interface Cidr {
  readonly network: number;
  readonly prefix: number;
}

/** The outcome of reading untrusted text: the value, or one sentence saying what is wrong. */
export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

const ADDRESS_COUNT = 2 ** 32;
const DIGITS = /^[0-9]+$/;

/** Reads a dotted-quad IPv4 address. */
export function readIpv4(text: unknown): Parsed<number> {
  if (typeof text !== 'string')
    return failed(`not a valid IPv4 address: expected a string, got ${kindOf(text)}`);
  const read = readAddress(text);
  if (typeof read === 'string') return failed(`not a valid IPv4 address: ${quote(text)} (${read})`);
  return { ok: true, value: read };
}

/** Reads `a.b.c.d/p`; the address must be the block's network address. */
export function readCidr(text: unknown): Parsed<Cidr> {
  if (typeof text !== 'string') return failed(`not a valid CIDR: expected a string, got ${kindOf(text)}`);
  const slash = text.indexOf('/');
  if (slash < 0) return failed(`not a valid CIDR: ${quote(text)} (missing "/prefix")`);
  const address = readAddress(text.slice(0, slash));
  if (typeof address === 'string') return failed(`not a valid CIDR: ${quote(text)} (${address})`);
  const prefix = readNumber(text.slice(slash + 1), 'prefix', 32);
  if (typeof prefix === 'string') return failed(`not a valid CIDR: ${quote(text)} (${prefix})`);
  const network = address - (address % blockSize(prefix));
  if (network !== address) {
    return failed(
      `host bits set: ${quote(text)} (the network address is ${formatCidr({ network, prefix })})`,
    );
  }
  return { ok: true, value: { network, prefix } };
}

/** Parses an IPv4 address or throws `InputError` naming `path`. */
export function parseIpv4(text: string, path = 'address'): number {
  return orThrow(readIpv4(text), path);
}

/** Parses a CIDR block or throws `InputError` naming `path`. */
export function parseCidr(text: string, path = 'cidr'): Cidr {
  return orThrow(readCidr(text), path);
}

/** `167837835` → `"10.1.1.139"`. Throws `RangeError` for a number that is not an unsigned 32-bit integer. */
export function formatIpv4(ip: number): string {
  if (!Number.isInteger(ip) || ip < 0 || ip >= ADDRESS_COUNT)
    throw new RangeError(`not an IPv4 address: ${ip}`);
  return [ip / 16_777_216, ip / 65_536, ip / 256, ip].map((part) => Math.floor(part) % 256).join('.');
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.network)}/${cidr.prefix}`;
}

/** How many addresses the block holds, network and broadcast included (`/24` → 256). */
export function cidrSize(cidr: Cidr): number {
  return blockSize(cidr.prefix);
}

/** The block's last (broadcast) address. */
export function cidrLast(cidr: Cidr): number {
  return cidr.network + blockSize(cidr.prefix) - 1;
}

export function cidrContains(cidr: Cidr, ip: number): boolean {
  return ip >= cidr.network && ip <= cidrLast(cidr);
}

/** True when every address of `inner` lies in `outer`. */
export function cidrCovers(outer: Cidr, inner: Cidr): boolean {
  return inner.network >= outer.network && cidrLast(inner) <= cidrLast(outer);
}

/** True when the blocks share at least one address (for CIDR blocks: when one covers the other). */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.network <= cidrLast(b) && b.network <= cidrLast(a);
}

function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** The address as a number, or why it is not one. */
function readAddress(text: string): number | string {
  const octets = text.split('.');
  if (octets.length !== 4) return 'expected four dot-separated octets';
  let value = 0;
  for (const [index, octet] of octets.entries()) {
    const read = readNumber(octet, `octet ${index + 1}`, 255);
    if (typeof read === 'string') return read;
    value = value * 256 + read;
  }
  return value;
}

/** A decimal number 0…max without sign, spaces or leading zeros, or why it is not one. */
function readNumber(text: string, what: string, max: number): number | string {
  if (text === '') return `${what} is empty`;
  if (!DIGITS.test(text)) return `${what} is not a decimal number`;
  if (text.length > 1 && text.startsWith('0')) return `${what} has a leading zero`;
  const value = Number(text);
  if (value > max) return `${what} is greater than ${max}`;
  return value;
}

function failed(problem: string): { ok: false; problem: string } {
  return { ok: false, problem };
}

function orThrow<T>(parsed: Parsed<T>, path: string): T {
  if (parsed.ok) return parsed.value;
  throw new InputError(parsed.problem, { details: [{ path, message: parsed.problem }] });
}

/** Quotes untrusted text for a message, cut short so a huge value cannot flood an error response. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 61)}...` : text);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value;
}
