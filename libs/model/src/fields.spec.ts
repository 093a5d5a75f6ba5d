import {
  IdSchema,
  QuantitySchema,
  resourceAmountErrors,
  TeamNameSchema,
  teamNamespace,
  TimestampSchema,
} from './fields';

describe('TimestampSchema', () => {
  it.each([
    '2024-05-01T12:00:00Z',
    '2024-05-01T12:00:00.123Z',
    '2024-05-01T14:00:00+02:00',
    '2024-05-01T12:00:00.123456789Z',
  ])('accepts %p', (value) => {
    expect(TimestampSchema.safeParse(value).success).toBe(true);
  });
  it.each([
    '2024-05-01T12:00:00',
    '2024-05-01',
    '2024-05-01 12:00:00Z',
    '2024-13-01T00:00:00Z',
    'yesterday',
    1714564800000,
  ])('rejects %p', (value) => {
    expect(TimestampSchema.safeParse(value).success).toBe(false);
  });
});

describe('TeamNameSchema', () => {
  it('keeps cite-<team> a DNS-1123 label', () => {
    const longest = 'a'.repeat(58);
    expect(TeamNameSchema.safeParse(longest).success).toBe(true);
    expect(teamNamespace(longest)).toHaveLength(63);
    const result = TeamNameSchema.safeParse(`${longest}a`);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      "must be no more than 58 characters (the namespace 'cite-<team>' must be a DNS-1123 label)",
    ]);
  });
  it.each(['Payments', 'pay_ments', '-pay', ''])('rejects %p', (value) => {
    expect(TeamNameSchema.safeParse(value).success).toBe(false);
  });
});

describe('QuantitySchema', () => {
  it('keeps strings as written and takes JSON numbers as Kubernetes does', () => {
    expect(QuantitySchema.parse('1.5Gi')).toBe('1.5Gi');
    expect(QuantitySchema.parse(2)).toBe('2');
    expect(QuantitySchema.parse(0.25)).toBe('0.25');
    expect(QuantitySchema.safeParse(Number.NaN).success).toBe(false);
    expect(QuantitySchema.safeParse('1mi').success).toBe(false);
  });
});

describe('resourceAmountErrors', () => {
  it.each([
    ['cpu', '500m', []],
    ['cpu', '0.001', []],
    ['cpu', '0', ['must be greater than 0']],
    ['cpu', '-1', ['must be greater than 0']],
    ['cpu', '0.5m', ['must be a whole number of millicores (at least 1m)']],
    ['memory', '128Mi', []],
    ['memory', '1.5Gi', []],
    ['memory', '1500m', ['must be a whole number of bytes']],
    ['memory', '0Mi', ['must be greater than 0']],
  ] as const)('%s %p → %p', (resource, value, errors) => {
    expect(resourceAmountErrors(resource, value)).toEqual(errors);
  });
});

describe('IdSchema', () => {
  it.each([
    ['tok_01HX3', true],
    ['550e8400-e29b-41d4-a716-446655440000', true],
    ['', false],
    ['a/b', false],
    ['a b', false],
    ['x'.repeat(129), false],
  ])('%p valid: %p', (value, valid) => {
    expect(IdSchema.safeParse(value).success).toBe(valid);
  });
});
