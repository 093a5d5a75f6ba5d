/**
 * Address shapes: IPv4 in dotted-quad form, IPv4 CIDR notation, IPv6. Shape only; which ranges are
 * acceptable (overlap, membership, host bits) is `@cite/ip-pool`'s business.
 */

const OCTET = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;

/** Dotted-quad IPv4 (`10.60.240.1`); no leading zeros, which some parsers read as octal. */
export function isIPv4(value: string): boolean {
  const octets = value.split('.');
  return octets.length === 4 && octets.every((octet) => OCTET.test(octet));
}

/** IPv4 CIDR notation (`10.60.240.0/24`), prefix length 0–32. */
export function isIPv4Cidr(value: string): boolean {
  const [address = '', prefix, ...rest] = value.split('/');
  return (
    rest.length === 0 && prefix !== undefined && /^([0-9]|[12][0-9]|3[0-2])$/.test(prefix) && isIPv4(address)
  );
}

const HEXTET = /^[0-9a-fA-F]{1,4}$/;

/** IPv6 in any RFC 4291 text form (`::1`, `fe80::1`, `::ffff:10.0.0.1`); no zone index. */
export function isIPv6(value: string): boolean {
  const halves = value.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string | undefined): string[] => (part ? part.split(':') : []);
  const all = [...groups(halves[0]), ...groups(halves[1])];
  let width = all.length;
  const last = all[all.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!isIPv4(last) || !value.endsWith(last)) return false;
    all.pop();
    width += 1; // an embedded IPv4 address fills two groups
  }
  if (!all.every((group) => HEXTET.test(group))) return false;
  return halves.length === 2 ? width <= 7 : width === 8;
}

export function isIP(value: string): boolean {
  return isIPv4(value) || isIPv6(value);
}
