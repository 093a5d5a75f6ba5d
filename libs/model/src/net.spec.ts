import { isIP, isIPv4, isIPv4Cidr, isIPv6 } from './net';

describe('isIPv4', () => {
  it.each(['0.0.0.0', '10.60.240.1', '255.255.255.255', '192.168.0.10'])('accepts %p', (value) => {
    expect(isIPv4(value)).toBe(true);
  });
  it.each([
    '',
    '10.60.240',
    '10.60.240.1.2',
    '256.0.0.1',
    '10.060.0.1',
    '10.0.0.-1',
    'a.b.c.d',
    '10.0.0.1 ',
    '::1',
  ])('rejects %p', (value) => {
    expect(isIPv4(value)).toBe(false);
  });
});

describe('isIPv4Cidr', () => {
  it.each(['10.60.240.0/24', '0.0.0.0/0', '10.60.25.139/32', '10.60.240.0/20'])('accepts %p', (value) => {
    expect(isIPv4Cidr(value)).toBe(true);
  });
  it.each([
    '10.60.240.0',
    '10.60.240.0/33',
    '10.60.240.0/',
    '10.60.240.0/024',
    '10.60.240.0/24/1',
    '/24',
    'x/24',
  ])('rejects %p', (value) => {
    expect(isIPv4Cidr(value)).toBe(false);
  });
});

describe('isIPv6', () => {
  it.each([
    '::',
    '::1',
    'fe80::1',
    '2001:db8::8a2e:370:7334',
    '2001:0db8:0000:0000:0000:ff00:0042:8329',
    '::ffff:10.0.0.1',
    '1:2:3:4:5:6:7::',
  ])('accepts %p', (value) => {
    expect(isIPv6(value)).toBe(true);
  });
  it.each([
    '',
    ':',
    '1::2::3',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    'g::1',
    '12345::1',
    'fe80::1%eth0',
    '1.2.3.4::',
    '::1.2.3',
    '1:2:3:4:5:6:7:1.2.3.4',
  ])('rejects %p', (value) => {
    expect(isIPv6(value)).toBe(false);
  });
  it('isIP takes either family', () => {
    expect(isIP('10.0.0.1')).toBe(true);
    expect(isIP('::1')).toBe(true);
    expect(isIP('localhost')).toBe(false);
  });
});
