import { InputError } from '@cite/errors';
import {
  cidrContains,
  cidrCovers,
  cidrLast,
  cidrSize,
  cidrsOverlap,
  formatCidr,
  formatIpv4,
  parseCidr,
  parseIpv4,
  readCidr,
  readIpv4,
} from './ipv4';

describe('readIpv4', () => {
  it('reads dotted quads as unsigned 32-bit integers', () => {
    expect(readIpv4('0.0.0.0')).toEqual({ ok: true, value: 0 });
    expect(readIpv4('10.60.25.139')).toEqual({
      ok: true,
      value: 10 * 2 ** 24 + 60 * 2 ** 16 + 25 * 256 + 139,
    });
    expect(readIpv4('255.255.255.255')).toEqual({ ok: true, value: 2 ** 32 - 1 });
  });

  it.each([
    ['10.0.0.256', 'octet 4 is greater than 255'],
    ['010.1.1.1', 'octet 1 has a leading zero'],
    ['10.00.1.1', 'octet 2 has a leading zero'],
    ['10.0.0', 'expected four dot-separated octets'],
    ['10.0.0.1.5', 'expected four dot-separated octets'],
    ['10..0.1', 'octet 2 is empty'],
    ['10.0.0.x', 'octet 4 is not a decimal number'],
    [' 10.0.0.1', 'octet 1 is not a decimal number'],
    ['10.0.0.-1', 'octet 4 is not a decimal number'],
    ['', 'expected four dot-separated octets'],
  ])('rejects %j: %s', (text, reason) => {
    expect(readIpv4(text)).toEqual({
      ok: false,
      problem: `not a valid IPv4 address: ${JSON.stringify(text)} (${reason})`,
    });
  });

  it('rejects values that are not text', () => {
    expect(readIpv4(167837835)).toEqual({
      ok: false,
      problem: 'not a valid IPv4 address: expected a string, got number',
    });
    expect(readIpv4(null)).toEqual({
      ok: false,
      problem: 'not a valid IPv4 address: expected a string, got null',
    });
  });

  it('cuts long input short in the message', () => {
    const read = readIpv4('1'.repeat(500));
    expect(read.ok).toBe(false);
    expect(!read.ok && read.problem.length).toBeLessThan(140);
  });
});

describe('readCidr', () => {
  it('reads a network address and prefix', () => {
    expect(readCidr('10.60.240.0/24')).toEqual({
      ok: true,
      value: { network: parseIpv4('10.60.240.0'), prefix: 24 },
    });
    expect(readCidr('0.0.0.0/0')).toEqual({ ok: true, value: { network: 0, prefix: 0 } });
    expect(readCidr('10.60.25.139/32')).toEqual({
      ok: true,
      value: { network: parseIpv4('10.60.25.139'), prefix: 32 },
    });
  });

  it.each([
    ['10.60.240.0', 'missing "/prefix"'],
    ['10.60.240.0/33', 'prefix is greater than 32'],
    ['10.60.240.0/', 'prefix is empty'],
    ['10.60.240.0/024', 'prefix has a leading zero'],
    ['10.60.240.0/24/8', 'prefix is not a decimal number'],
    ['10.60.240.256/24', 'octet 4 is greater than 255'],
    ['10.060.240.0/24', 'octet 2 has a leading zero'],
  ])('rejects %j: %s', (text, reason) => {
    expect(readCidr(text)).toEqual({
      ok: false,
      problem: `not a valid CIDR: ${JSON.stringify(text)} (${reason})`,
    });
  });

  it('rejects host bits and names the network address meant', () => {
    expect(readCidr('10.60.240.1/24')).toEqual({
      ok: false,
      problem: 'host bits set: "10.60.240.1/24" (the network address is 10.60.240.0/24)',
    });
    expect(readCidr('10.60.0.0/8')).toEqual({
      ok: false,
      problem: 'host bits set: "10.60.0.0/8" (the network address is 10.0.0.0/8)',
    });
  });
});

describe('parseIpv4 and parseCidr', () => {
  it('throw InputError with the path given', () => {
    expect(() => parseIpv4('1.2.3', 'nodes.0.address')).toThrow(InputError);
    try {
      parseCidr('10.60.240.1/24', 'ranges.3');
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).details).toEqual([
        {
          path: 'ranges.3',
          message: 'host bits set: "10.60.240.1/24" (the network address is 10.60.240.0/24)',
        },
      ]);
    }
  });
});

describe('CIDR arithmetic', () => {
  const slash24 = parseCidr('10.60.240.0/24');

  it('formats addresses and blocks back to text', () => {
    expect(formatIpv4(parseIpv4('10.60.25.207'))).toBe('10.60.25.207');
    expect(formatIpv4(2 ** 32 - 1)).toBe('255.255.255.255');
    expect(formatCidr(slash24)).toBe('10.60.240.0/24');
    expect(() => formatIpv4(2 ** 32)).toThrow(RangeError);
    expect(() => formatIpv4(-1)).toThrow(RangeError);
    expect(() => formatIpv4(1.5)).toThrow(RangeError);
  });

  it('sizes blocks, including the whole space', () => {
    expect(cidrSize(slash24)).toBe(256);
    expect(formatIpv4(cidrLast(slash24))).toBe('10.60.240.255');
    expect(cidrSize({ network: 0, prefix: 0 })).toBe(2 ** 32);
    expect(cidrLast({ network: 0, prefix: 0 })).toBe(2 ** 32 - 1);
  });

  it('tests membership at the edges', () => {
    expect(cidrContains(slash24, parseIpv4('10.60.240.0'))).toBe(true);
    expect(cidrContains(slash24, parseIpv4('10.60.240.255'))).toBe(true);
    expect(cidrContains(slash24, parseIpv4('10.60.239.255'))).toBe(false);
    expect(cidrContains(slash24, parseIpv4('10.60.241.0'))).toBe(false);
  });

  it('tells covering from overlapping', () => {
    const supernet = parseCidr('10.60.0.0/16');
    const half = parseCidr('10.60.240.128/25');
    expect(cidrCovers(supernet, slash24)).toBe(true);
    expect(cidrCovers(slash24, supernet)).toBe(false);
    expect(cidrsOverlap(slash24, half)).toBe(true);
    expect(cidrsOverlap(half, slash24)).toBe(true);
    expect(cidrsOverlap(slash24, parseCidr('10.60.241.0/24'))).toBe(false);
  });
});
