import { type FieldIssue, InputError } from '@cite/errors';
import { DEFAULT_POOL, type PoolSpec } from './pool-spec';
import { poolProblems, validatePool } from './validate-pool';

/** A small valid pool to break one rule at a time. */
function pool(): PoolSpec {
  return {
    supernets: ['10.60.0.0/16'],
    ranges: ['10.60.240.0/24', '10.60.241.0/24', '10.60.242.0/24'],
    nodes: [
      { name: 'node-a', address: '10.60.25.139' },
      { name: 'node-b', address: '10.60.25.140' },
    ],
  };
}

function rejection(spec: unknown): { error: InputError; issues: FieldIssue[] } {
  try {
    validatePool(spec);
  } catch (error) {
    if (error instanceof InputError) return { error, issues: error.details };
    throw error;
  }
  throw new Error('expected validatePool to throw InputError');
}

describe('validatePool', () => {
  it('accepts the default pool and gives node i range i', () => {
    const validated = validatePool(DEFAULT_POOL);
    expect(validated.nodes.map((node) => [node.name, node.podCidr])).toEqual([
      ['node-10-60-25-139', '10.60.240.0/24'],
      ['node-10-60-25-140', '10.60.241.0/24'],
      ['node-10-60-25-141', '10.60.242.0/24'],
      ['node-10-60-25-142', '10.60.243.0/24'],
      ['node-10-60-25-143', '10.60.244.0/24'],
      ['node-10-60-25-203', '10.60.245.0/24'],
      ['node-10-60-25-204', '10.60.246.0/24'],
      ['node-10-60-25-205', '10.60.247.0/24'],
      ['node-10-60-25-206', '10.60.248.0/24'],
      ['node-10-60-25-207', '10.60.249.0/24'],
    ]);
    expect(validated.spareRanges).toEqual([]);
    expect(validated.spec).toEqual(DEFAULT_POOL);
    expect(poolProblems(DEFAULT_POOL)).toEqual([]);
  });

  it('reports ranges left over as spare and keeps assignments when a range is appended', () => {
    const before = validatePool(pool());
    expect(before.spareRanges).toEqual(['10.60.242.0/24']);
    expect(before.ranges.map((range) => range.node)).toEqual(['node-a', 'node-b', null]);
    const grown = validatePool({ ...pool(), ranges: [...pool().ranges, '10.60.243.0/24'] });
    expect(grown.nodes.map((node) => node.podCidr)).toEqual(before.nodes.map((node) => node.podCidr));
    expect(grown.spareRanges).toEqual(['10.60.242.0/24', '10.60.243.0/24']);
  });

  it('returns a frozen copy, unaffected by later edits to the input', () => {
    const spec = pool();
    const validated = validatePool(spec);
    spec.ranges[0] = '192.168.0.0/24';
    expect(validated.spec.ranges[0]).toBe('10.60.240.0/24');
    expect(Object.isFrozen(validated.nodes[0])).toBe(true);
  });

  it('throws one summary message and one detail per problem', () => {
    const spec = pool();
    spec.ranges[1] = '10.60.240.128/25';
    spec.nodes[1]!.address = '10.60.25.139';
    const { error, issues } = rejection(spec);
    expect(error.message).toBe('invalid IP pool: ranges.1: overlaps ranges.0 (10.60.240.0/24) (and 1 more)');
    expect(issues).toEqual([
      { path: 'ranges.1', message: 'overlaps ranges.0 (10.60.240.0/24)' },
      { path: 'nodes.1.address', message: 'duplicate node address: same as nodes.0' },
    ]);
  });

  describe('rejects', () => {
    it.each<[string, (spec: PoolSpec) => void, FieldIssue[]]>([
      [
        'a range that is not a CIDR',
        (spec) => (spec.ranges[2] = '10.60.242.0/33'),
        [{ path: 'ranges.2', message: 'not a valid CIDR: "10.60.242.0/33" (prefix is greater than 32)' }],
      ],
      [
        'a range with host bits set',
        (spec) => (spec.ranges[1] = '10.60.241.1/24'),
        [
          {
            path: 'ranges.1',
            message: 'host bits set: "10.60.241.1/24" (the network address is 10.60.241.0/24)',
          },
        ],
      ],
      [
        'a range too small for pods',
        (spec) => (spec.ranges[2] = '10.60.242.0/31'),
        [
          {
            path: 'ranges.2',
            message:
              'too small for pods: a /31 leaves no address after network, gateway and broadcast (use /30 or shorter)',
          },
        ],
      ],
      [
        'overlapping ranges, on the later one',
        (spec) => (spec.ranges[2] = '10.60.0.0/16'),
        [
          { path: 'ranges.2', message: 'overlaps ranges.0 (10.60.240.0/24)' },
          { path: 'ranges.2', message: 'overlaps ranges.1 (10.60.241.0/24)' },
          { path: 'nodes.0.address', message: 'inside pod range ranges.2 (10.60.0.0/16)' },
          { path: 'nodes.1.address', message: 'inside pod range ranges.2 (10.60.0.0/16)' },
        ],
      ],
      [
        'a range outside every supernet',
        (spec) => (spec.ranges[2] = '10.61.0.0/24'),
        [{ path: 'ranges.2', message: 'outside every supernet (10.60.0.0/16)' }],
      ],
      [
        'a range spanning two supernets without fitting in one',
        (spec) => {
          spec.supernets = ['10.60.240.0/22', '10.60.244.0/23', '10.60.246.0/23'];
          spec.ranges[2] = '10.60.244.0/22';
        },
        [
          {
            path: 'ranges.2',
            message: 'outside every supernet (10.60.240.0/22, 10.60.244.0/23, 10.60.246.0/23)',
          },
        ],
      ],
      [
        'an invalid supernet, without then judging ranges against nothing',
        (spec) => (spec.supernets = ['10.60.0.0/16x']),
        [
          {
            path: 'supernets.0',
            message: 'not a valid CIDR: "10.60.0.0/16x" (prefix is not a decimal number)',
          },
        ],
      ],
      [
        'overlapping supernets',
        (spec) => spec.supernets.push('10.0.0.0/8'),
        [{ path: 'supernets.1', message: 'overlaps supernets.0 (10.60.0.0/16)' }],
      ],
      [
        'a node address that is not an address',
        (spec) => (spec.nodes[1]!.address = '010.60.25.140'),
        [
          {
            path: 'nodes.1.address',
            message: 'not a valid IPv4 address: "010.60.25.140" (octet 1 has a leading zero)',
          },
        ],
      ],
      [
        'a node address inside a pod range',
        (spec) => (spec.nodes[1]!.address = '10.60.241.7'),
        [{ path: 'nodes.1.address', message: 'inside pod range ranges.1 (10.60.241.0/24)' }],
      ],
      [
        'a node address inside a spare range',
        (spec) => (spec.nodes[0]!.address = '10.60.242.0'),
        [{ path: 'nodes.0.address', message: 'inside pod range ranges.2 (10.60.242.0/24)' }],
      ],
      [
        'a duplicate node name, on the later node',
        (spec) => (spec.nodes[1]!.name = 'node-a'),
        [{ path: 'nodes.1.name', message: 'duplicate node name: same as nodes.0' }],
      ],
      [
        'a duplicate node address, on the later node',
        (spec) => (spec.nodes[1]!.address = '10.60.25.139'),
        [{ path: 'nodes.1.address', message: 'duplicate node address: same as nodes.0' }],
      ],
      [
        'a node name Kubernetes would refuse',
        (spec) => (spec.nodes[0]!.name = 'Node_A'),
        [
          {
            path: 'nodes.0.name',
            message: 'must be a DNS-1123 subdomain (lowercase letters, digits, "-" and "."): "Node_A"',
          },
        ],
      ],
      [
        'an empty node name',
        (spec) => (spec.nodes[0]!.name = ''),
        [{ path: 'nodes.0.name', message: 'must not be empty' }],
      ],
      [
        'more nodes than ranges',
        (spec) =>
          spec.nodes.push(
            { name: 'node-c', address: '10.60.25.141' },
            { name: 'node-d', address: '10.60.25.142' },
          ),
        [{ path: 'nodes', message: '4 nodes but only 3 pod ranges; each node needs its own range' }],
      ],
      [
        'empty lists',
        (spec) => {
          spec.supernets = [];
          spec.ranges = [];
          spec.nodes = [];
        },
        [
          { path: 'supernets', message: 'must list at least one supernet' },
          { path: 'ranges', message: 'must list at least one pod range' },
          { path: 'nodes', message: 'must list at least one node' },
        ],
      ],
    ])('%s', (_name, breakRule, expected) => {
      const spec = pool();
      breakRule(spec);
      expect(rejection(spec).issues).toEqual(expected);
      expect(poolProblems(spec)).toEqual(expected);
    });

    it('values of the wrong shape', () => {
      expect(rejection(null).issues).toEqual([
        { path: '', message: 'must be an object with supernets, ranges and nodes' },
      ]);
      expect(
        rejection({ supernets: '10.60.0.0/16', ranges: ['10.60.240.0/24', 7], nodes: [null, { name: 3 }] })
          .issues,
      ).toEqual([
        { path: 'supernets', message: 'must be a list of supernets' },
        { path: 'ranges.1', message: 'not a valid CIDR: expected a string, got number' },
        { path: 'nodes.0', message: 'must be an object with name and address' },
        { path: 'nodes.1.name', message: 'must be a string' },
        { path: 'nodes.1.address', message: 'not a valid IPv4 address: expected a string, got undefined' },
      ]);
    });

    it('every problem at once, in field order', () => {
      const spec: PoolSpec = {
        supernets: ['10.60.0.0/16'],
        ranges: ['10.60.240.0/24', '10.60.240.0/24', '10.60.242.1/24', '192.168.0.0/24'],
        nodes: [
          { name: 'n1', address: '10.60.240.9' },
          { name: 'n1', address: '10.60.25.1' },
          { name: 'n3', address: '10.60.25.1' },
        ],
      };
      expect(poolProblems(spec)).toEqual([
        { path: 'ranges.1', message: 'overlaps ranges.0 (10.60.240.0/24)' },
        {
          path: 'ranges.2',
          message: 'host bits set: "10.60.242.1/24" (the network address is 10.60.242.0/24)',
        },
        { path: 'ranges.3', message: 'outside every supernet (10.60.0.0/16)' },
        { path: 'nodes.0.address', message: 'inside pod range ranges.0 (10.60.240.0/24)' },
        { path: 'nodes.0.address', message: 'inside pod range ranges.1 (10.60.240.0/24)' },
        { path: 'nodes.1.name', message: 'duplicate node name: same as nodes.0' },
        { path: 'nodes.2.address', message: 'duplicate node address: same as nodes.1' },
      ]);
    });
  });
});
