/**
 * Kubernetes resource quantities (`500m`, `0.5`, `256Mi`, `1e3`), parsed the way `resource.Quantity` does:
 *
 * ```
 * <quantity>        ::= <signedNumber><suffix>
 * <signedNumber>    ::= <number> | <sign><number>
 * <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
 * <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI>
 * <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei
 * <decimalSI>       ::= n | u | m | "" | k | M | G | T | P | E
 * <decimalExponent> ::= "e" <signedInteger> | "E" <signedInteger>
 * ```
 *
 * A parsed quantity is an exact `bigint` count of nano-units (1 = 1e-9 of the base unit), so `1Gi` and
 * `1024Mi`, or `0.5` and `500m`, are the same number. Like Kubernetes, precision finer than one nano-unit is
 * rounded up (away from zero): `0.1n` is `1n`. Unlike Kubernetes, which silently caps at 2^63-1, a quantity
 * larger than that in magnitude is rejected rather than changed.
 */

/** Nano-units in one base unit (one core, one byte). */
export const NANOS_PER_UNIT = 1_000_000_000n;

/** The largest magnitude Kubernetes can hold, in base units (2^63-1); larger quantities are rejected. */
export const MAX_QUANTITY_UNITS = 2n ** 63n - 1n;

const MAX_NANOS = MAX_QUANTITY_UNITS * NANOS_PER_UNIT;

/** Kubernetes' own wording for a malformed quantity. */
export const QUANTITY_FORMAT_MESSAGE =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/** Decimal suffix → power of ten. Maps, not object literals, so `toString` is not a suffix. */
const DECIMAL_SUFFIXES = new Map<string, number>([
  ['n', -9],
  ['u', -6],
  ['m', -3],
  ['', 0],
  ['k', 3],
  ['M', 6],
  ['G', 9],
  ['T', 12],
  ['P', 15],
  ['E', 18],
]);

/** Binary suffix → power of 1024. */
const BINARY_SUFFIXES = new Map<string, number>([
  ['Ki', 1],
  ['Mi', 2],
  ['Gi', 3],
  ['Ti', 4],
  ['Pi', 5],
  ['Ei', 6],
]);

const QUANTITY_PATTERN = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/s;
const EXPONENT_PATTERN = /^[eE]([+-]?[0-9]+)$/;
/** What Kubernetes reads as a suffix; anything else is a malformed number rather than an unknown suffix. */
const SUFFIX_SHAPE = /^[eEinumkKMGTP]*[-+]?[0-9]*$/;
const SUFFIX_MESSAGE = "unable to parse quantity's suffix";
const TOO_LARGE = 'quantity is too large (the largest is 2^63-1)';

export type QuantityFormat = 'DecimalSI' | 'BinarySI';

/** The exact value of `value` in nano-units, or why it is not a quantity. */
function parse(value: string): { nanos: bigint } | { error: string } {
  const match = QUANTITY_PATTERN.exec(value);
  if (!match) return { error: QUANTITY_FORMAT_MESSAGE };
  const [, sign = '', whole = '', fraction = '', suffix = ''] = match;
  if (whole.length === 0 && fraction.length === 0) return { error: QUANTITY_FORMAT_MESSAGE };

  let exponent10: number;
  let binaryPower = 0;
  const decimal = DECIMAL_SUFFIXES.get(suffix);
  const binary = BINARY_SUFFIXES.get(suffix);
  if (decimal !== undefined) {
    exponent10 = decimal;
  } else if (binary !== undefined) {
    exponent10 = 0;
    binaryPower = binary;
  } else {
    const exponent = EXPONENT_PATTERN.exec(suffix);
    if (!exponent) return { error: SUFFIX_SHAPE.test(suffix) ? SUFFIX_MESSAGE : QUANTITY_FORMAT_MESSAGE };
    exponent10 = Number(exponent[1]);
  }

  const digits = (whole + fraction).replace(/^0+/, '');
  if (digits.length === 0) return { nanos: 0n };
  const negative = sign === '-';
  // 10^(magnitude-1) <= |value| / 1024^binaryPower < 10^magnitude. Screen absurd exponents (`1e999999999`)
  // before building bigints: 10^20 already exceeds the limit, and below 10^-9 everything rounds up to 1n.
  const magnitude = digits.length - fraction.length + exponent10;
  if (magnitude > 20) return { error: TOO_LARGE };
  if (magnitude + binaryPower * 4 < -9) return { nanos: negative ? -1n : 1n };

  const mantissa = BigInt(digits);
  const scale = exponent10 - fraction.length + 9; // power of ten from `mantissa` to nano-units
  const factor = 1024n ** BigInt(binaryPower);
  let nanos: bigint;
  if (scale >= 0) {
    nanos = mantissa * 10n ** BigInt(scale) * factor;
  } else {
    const divisor = 10n ** BigInt(-scale);
    const scaled = mantissa * factor;
    nanos = scaled / divisor + (scaled % divisor === 0n ? 0n : 1n);
  }
  if (nanos > MAX_NANOS) return { error: TOO_LARGE };
  return { nanos: negative ? -nanos : nanos };
}

/** Why `value` is not a Kubernetes quantity; empty when it is one. */
export function quantityErrors(value: string): string[] {
  const result = parse(value);
  return 'error' in result ? [result.error] : [];
}

export function isQuantity(value: string): boolean {
  return 'nanos' in parse(value);
}

/**
 * The exact value of a Kubernetes quantity in nano-units (`parseQuantity('500m') === 500_000_000n`).
 * Throws `RangeError` with Kubernetes' wording when `value` is not a quantity; check with `isQuantity` first
 * or validate through the zod schemas, which report a field path instead.
 */
export function parseQuantity(value: string): bigint {
  const result = parse(value);
  if ('error' in result) throw new RangeError(`invalid quantity '${value}': ${result.error}`);
  return result.nanos;
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`; strings are parsed, so `1Gi` equals `1024Mi`. */
export function compareQuantities(a: string | bigint, b: string | bigint): -1 | 0 | 1 {
  const left = typeof a === 'bigint' ? a : parseQuantity(a);
  const right = typeof b === 'bigint' ? b : parseQuantity(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

const DECIMAL_STEPS: [number, string][] = [
  [18, 'E'],
  [15, 'P'],
  [12, 'T'],
  [9, 'G'],
  [6, 'M'],
  [3, 'k'],
  [0, ''],
  [-3, 'm'],
  [-6, 'u'],
];
const BINARY_STEPS: [bigint, string][] = [
  [1024n ** 6n, 'Ei'],
  [1024n ** 5n, 'Pi'],
  [1024n ** 4n, 'Ti'],
  [1024n ** 3n, 'Gi'],
  [1024n ** 2n, 'Mi'],
  [1024n, 'Ki'],
];

/**
 * The canonical Kubernetes spelling of a quantity given in nano-units: an integer mantissa with the largest
 * suffix that keeps it exact (`1500m`, `1k`, `128Mi`). `BinarySI` uses binary suffixes when the value is a
 * whole multiple of 1Ki and falls back to decimal otherwise, as Kubernetes does.
 */
export function formatQuantity(nanos: bigint, format: QuantityFormat = 'DecimalSI'): string {
  if (nanos === 0n) return '0';
  const sign = nanos < 0n ? '-' : '';
  const magnitude = nanos < 0n ? -nanos : nanos;
  if (format === 'BinarySI' && magnitude % NANOS_PER_UNIT === 0n) {
    const units = magnitude / NANOS_PER_UNIT;
    for (const [factor, suffix] of BINARY_STEPS) {
      if (units % factor === 0n) return `${sign}${units / factor}${suffix}`;
    }
  }
  for (const [exponent, suffix] of DECIMAL_STEPS) {
    const divisor = 10n ** BigInt(exponent + 9);
    if (magnitude % divisor === 0n) return `${sign}${magnitude / divisor}${suffix}`;
  }
  return `${sign}${magnitude}n`;
}
