import { InputError } from '@cite/errors';
import { parseCidr, parseIpv4 } from './ipv4';
import { addressRole, rangeLayout } from './range-layout';

describe('rangeLayout', () => {
  it('gives a /24 a gateway and 253 pod addresses', () => {
    expect(rangeLayout('10.60.240.0/24')).toEqual({
      cidr: '10.60.240.0/24',
      network: '10.60.240.0',
      gateway: '10.60.240.1',
      firstPod: '10.60.240.2',
      lastPod: '10.60.240.254',
      broadcast: '10.60.240.255',
      addresses: 256,
      capacity: 253,
    });
  });

  it('leaves one pod address in a /30 and takes a parsed block', () => {
    expect(rangeLayout(parseCidr('10.60.240.4/30'))).toMatchObject({
      firstPod: '10.60.240.6',
      lastPod: '10.60.240.6',
      capacity: 1,
    });
  });

  it('rejects blocks too small for pods and bad text', () => {
    expect(() => rangeLayout('10.60.240.0/31')).toThrow(
      new InputError(
        'too small for pods: a /31 leaves no address after network, gateway and broadcast (use /30 or shorter)',
      ),
    );
    expect(() => rangeLayout('10.60.240.1/24')).toThrow(InputError);
  });
});

describe('addressRole', () => {
  it('names network, gateway, pod and broadcast addresses', () => {
    const block = parseCidr('10.60.240.0/24');
    expect(
      ['0', '1', '2', '254', '255'].map((host) => addressRole(block, parseIpv4(`10.60.240.${host}`))),
    ).toEqual(['network', 'gateway', 'pod', 'pod', 'broadcast']);
  });
});
