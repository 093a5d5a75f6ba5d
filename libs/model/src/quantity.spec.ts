import fc from 'fast-check';
import {
  compareQuantities,
  formatQuantity,
  isQuantity,
  MAX_QUANTITY_UNITS,
  NANOS_PER_UNIT,
  parseQuantity,
  QUANTITY_FORMAT_MESSAGE,
  quantityErrors,
} from './quantity';

const Ki = 1024n;

describe('parseQuantity', () => {
  it.each([
    ['0', 0n],
    ['1', NANOS_PER_UNIT],
    ['500m', 500_000_000n],
    ['0.5', 500_000_000n],
    ['.5', 500_000_000n],
    ['1.', NANOS_PER_UNIT],
    ['+1', NANOS_PER_UNIT],
    ['-1', -NANOS_PER_UNIT],
    ['-0', 0n],
    ['1n', 1n],
    ['1u', 1000n],
    ['1k', 1000n * NANOS_PER_UNIT],
    ['1M', 10n ** 6n * NANOS_PER_UNIT],
    ['1G', 10n ** 9n * NANOS_PER_UNIT],
    ['1T', 10n ** 12n * NANOS_PER_UNIT],
    ['1P', 10n ** 15n * NANOS_PER_UNIT],
    ['1E', 10n ** 18n * NANOS_PER_UNIT],
    ['1Ki', Ki * NANOS_PER_UNIT],
    ['256Mi', 256n * Ki ** 2n * NANOS_PER_UNIT],
    ['1Gi', Ki ** 3n * NANOS_PER_UNIT],
    ['1.5Gi', (3n * Ki ** 3n * NANOS_PER_UNIT) / 2n],
    ['1Ti', Ki ** 4n * NANOS_PER_UNIT],
    ['1Pi', Ki ** 5n * NANOS_PER_UNIT],
    ['1Ei', Ki ** 6n * NANOS_PER_UNIT],
    ['1e3', 1000n * NANOS_PER_UNIT],
    ['1E3', 1000n * NANOS_PER_UNIT],
    ['1e+3', 1000n * NANOS_PER_UNIT],
    ['1e-3', 1_000_000n],
    ['2.5e-1', 250_000_000n],
    ['007', 7n * NANOS_PER_UNIT],
    ['0.1n', 1n], // finer than a nano-unit rounds up, as in Kubernetes
    ['-0.1n', -1n], // … away from zero
    ['1e-30', 1n],
    ['1.0000000001', NANOS_PER_UNIT + 1n],
    ['0e999999', 0n],
  ])('%s is %p nano-units', (text, nanos) => {
    expect(isQuantity(text)).toBe(true);
    expect(parseQuantity(text)).toBe(nanos);
  });

  it.each([
    ['', QUANTITY_FORMAT_MESSAGE],
    ['-', QUANTITY_FORMAT_MESSAGE],
    ['+', QUANTITY_FORMAT_MESSAGE],
    ['.', QUANTITY_FORMAT_MESSAGE],
    ['Mi', QUANTITY_FORMAT_MESSAGE],
    ['1.5.5', QUANTITY_FORMAT_MESSAGE],
    ['1 Gi', QUANTITY_FORMAT_MESSAGE],
    [' 1', QUANTITY_FORMAT_MESSAGE],
    ['1Gi ', QUANTITY_FORMAT_MESSAGE],
    ['1,5', QUANTITY_FORMAT_MESSAGE],
    ['0x10', QUANTITY_FORMAT_MESSAGE],
    ['1mi', "unable to parse quantity's suffix"],
    ['1K', "unable to parse quantity's suffix"],
    ['1KiB', QUANTITY_FORMAT_MESSAGE],
    ['1e', "unable to parse quantity's suffix"],
    ['1e+', "unable to parse quantity's suffix"],
    ['1e1.5', QUANTITY_FORMAT_MESSAGE],
    ['1constructor', QUANTITY_FORMAT_MESSAGE],
    ['1toString', QUANTITY_FORMAT_MESSAGE],
    ['1mm', "unable to parse quantity's suffix"],
    ['8Ei', 'quantity is too large (the largest is 2^63-1)'],
    ['1e999999999', 'quantity is too large (the largest is 2^63-1)'],
    ['-1e20', 'quantity is too large (the largest is 2^63-1)'],
  ])('%p is not a quantity', (text, message) => {
    expect(isQuantity(text)).toBe(false);
    expect(quantityErrors(text)).toEqual([message]);
    expect(() => parseQuantity(text)).toThrow(RangeError);
  });

  it('accepts the largest quantity Kubernetes holds and nothing above it', () => {
    expect(parseQuantity('9223372036854775807')).toBe(MAX_QUANTITY_UNITS * NANOS_PER_UNIT);
    expect(isQuantity('9223372036854775808')).toBe(false);
    expect(isQuantity('7Ei')).toBe(true);
  });
});

describe('compareQuantities', () => {
  it.each([
    ['1Gi', '1024Mi', 0],
    ['0.5', '500m', 0],
    ['1e3', '1k', 0],
    ['1000m', '1', 0],
    ['1.5Gi', '1536Mi', 0],
    ['100m', '500m', -1],
    ['1G', '1Gi', -1],
    ['257Mi', '256Mi', 1],
    ['-1', '0', -1],
  ])('%s vs %s is %p', (a, b, expected) => {
    expect(compareQuantities(a, b)).toBe(expected);
    expect(compareQuantities(b, a)).toBe(-expected || 0);
  });

  it('compares parsed values too', () => {
    expect(compareQuantities(parseQuantity('2'), '1500m')).toBe(1);
  });
});

describe('formatQuantity', () => {
  it.each([
    [0n, 'DecimalSI', '0'],
    [500_000_000n, 'DecimalSI', '500m'],
    [1_500_000_000n, 'DecimalSI', '1500m'],
    [1000n * NANOS_PER_UNIT, 'DecimalSI', '1k'],
    [1500n * NANOS_PER_UNIT, 'DecimalSI', '1500'],
    [1n, 'DecimalSI', '1n'],
    [1500n, 'DecimalSI', '1500n'],
    [-2000n, 'DecimalSI', '-2u'],
    [Ki ** 3n * NANOS_PER_UNIT, 'BinarySI', '1Gi'],
    [1536n * Ki ** 2n * NANOS_PER_UNIT, 'BinarySI', '1536Mi'],
    [1000n * NANOS_PER_UNIT, 'BinarySI', '1k'], // not a multiple of 1Ki: decimal, as Kubernetes falls back
    [500_000_000n, 'BinarySI', '500m'],
    [Ki ** 6n * 7n * NANOS_PER_UNIT, 'BinarySI', '7Ei'],
  ] as const)('%p as %s is %s', (nanos, format, text) => {
    expect(formatQuantity(nanos, format)).toBe(text);
  });

  const maxNanos = MAX_QUANTITY_UNITS * NANOS_PER_UNIT;
  const nanos = fc.oneof(
    fc.bigInt({ min: -maxNanos, max: maxNanos }),
    // Round values in binary and decimal units, which the uniform generator almost never hits.
    fc
      .tuple(fc.bigInt({ min: -4096n, max: 4096n }), fc.integer({ min: 0, max: 5 }))
      .map(([mantissa, power]) => mantissa * Ki ** BigInt(power) * NANOS_PER_UNIT),
    fc
      .tuple(fc.bigInt({ min: -4096n, max: 4096n }), fc.integer({ min: 0, max: 24 }))
      .map(([mantissa, power]) => mantissa * 10n ** BigInt(power)),
  );

  it('parses back to the same value in either format', () => {
    fc.assert(
      fc.property(nanos, fc.constantFrom('DecimalSI' as const, 'BinarySI' as const), (value, format) => {
        expect(parseQuantity(formatQuantity(value, format))).toBe(value);
      }),
    );
  });

  it('is canonical: formatting a parsed canonical string gives it back', () => {
    fc.assert(
      fc.property(nanos, (value) => {
        const text = formatQuantity(value);
        expect(formatQuantity(parseQuantity(text))).toBe(text);
      }),
    );
  });
});
