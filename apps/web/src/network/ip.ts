/**
 * What the address field accepts before anything is sent: the API's own rules for an IPv4 address (four decimal
 * numbers 0–255 without leading zeros, nothing else), so obviously malformed text gets a precise message at once
 * and only a plausible address costs a request. Whether the address is in the pool is the API's to say. Pure.
 */

export type IpCheck = { ok: true; ip: string } | { ok: false; problem: string };

const EXAMPLE = 'like 10.60.1.7';

/** Checks `text` (surrounding spaces ignored) as an IPv4 address. */
export function checkIpv4(text: string): IpCheck {
  const ip = text.trim();
  if (ip === '') return { ok: false, problem: `Enter an IPv4 address, ${EXAMPLE}.` };
  if (ip.includes(':'))
    return { ok: false, problem: `IPv6 addresses are not in the pool: enter an IPv4 address, ${EXAMPLE}.` };
  if (ip.includes('/')) return { ok: false, problem: `Enter one address, not a range: ${EXAMPLE}.` };
  if (/\s/.test(ip)) return { ok: false, problem: 'An address has no spaces inside it.' };
  const parts = ip.split('.');
  if (parts.length !== 4)
    return { ok: false, problem: `An IPv4 address is four numbers separated by dots, ${EXAMPLE}.` };
  for (const part of parts) {
    if (part === '') return { ok: false, problem: `A number is missing between the dots, ${EXAMPLE}.` };
    if (!/^[0-9]+$/.test(part)) return { ok: false, problem: `"${part}" is not a number from 0 to 255.` };
    if (part.length > 1 && part.startsWith('0'))
      return {
        ok: false,
        problem: `"${part}" has a leading zero (it could be read as octal): write ${Number(part)}.`,
      };
    if (Number(part) > 255) return { ok: false, problem: `"${part}" is above 255.` };
  }
  return { ok: true, ip };
}
