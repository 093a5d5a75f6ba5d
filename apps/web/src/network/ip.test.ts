import { describe, expect, it } from 'vitest';
import { checkIpv4 } from './ip';

describe('checkIpv4', () => {
  it.each(['10.60.1.7', '0.0.0.0', '255.255.255.255', '192.168.0.10'])('accepts %s', (text) => {
    expect(checkIpv4(text)).toEqual({ ok: true, ip: text });
  });

  it('ignores surrounding spaces and answers the address without them', () => {
    expect(checkIpv4('  10.60.1.7 \n')).toEqual({ ok: true, ip: '10.60.1.7' });
  });

  it.each([
    ['', /Enter an IPv4 address/],
    ['   ', /Enter an IPv4 address/],
    ['fe80::1', /IPv6/],
    ['10.60.1.0/24', /not a range/],
    ['10.60 .1.7', /no spaces/],
    ['10.60.1', /four numbers/],
    ['10.60.1.7.9', /four numbers/],
    ['10..1.7', /missing between the dots/],
    ['10.60.1.', /missing between the dots/],
    ['abc', /four numbers/],
    ['10.60.x.7', /"x" is not a number/],
    ['10.60.+1.7', /"\+1" is not a number/],
    ['010.1.1.1', /"010" has a leading zero.*write 10/],
    ['10.60.256.7', /"256" is above 255/],
    ['999.1.1.1', /"999" is above 255/],
  ])('refuses %j', (text, problem) => {
    const check = checkIpv4(text);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.problem).toMatch(problem);
  });
});
