/**
 * A strict parser of Prometheus' text exposition format (version 0.0.4), for tests that scrape an app: every
 * line must be a HELP, a TYPE or a sample of a family declared before it, or the parse fails naming the line.
 */

export interface Sample {
  /** The sample's own name (`…_bucket`, `…_sum`, `…_count` for a histogram). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<string, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

function unescape(value: string, escapes: Record<string, string>): string {
  return value.replace(/\\(.)/g, (whole, char: string) => escapes[char] ?? whole);
}

/** A sample value as Prometheus reads it (Go's ParseFloat: `Inf`, `NaN` in any case; prom-client writes `Nan`). */
function number(text: string): number {
  const word = text.toLowerCase();
  if (word === '+inf' || word === 'inf') return Infinity;
  if (word === '-inf') return -Infinity;
  if (word === 'nan') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`not a number: ${text}`);
  return Number(text);
}

/** `{a="1",b="x\"y"}` → labels, and the rest of the line after the closing brace. */
function labelsOf(text: string): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1;
  for (;;) {
    while (text[i] === ',' || text[i] === ' ') i++;
    if (text[i] === '}') return { labels, rest: text.slice(i + 1) };
    const equals = text.indexOf('=', i);
    const name = text.slice(i, equals).trim();
    if (equals < 0 || !LABEL_NAME.test(name) || text[equals + 1] !== '"')
      throw new Error(`bad label at: ${text.slice(i)}`);
    let j = equals + 2;
    let raw = '';
    while (j < text.length && text[j] !== '"') {
      raw += text[j] === '\\' ? text[j]! + (text[++j] ?? '') : text[j];
      j++;
    }
    if (j >= text.length) throw new Error('unterminated label value');
    if (name in labels) throw new Error(`label ${name} twice`);
    labels[name] = unescape(raw, { '\\': '\\', '"': '"', n: '\n' });
    i = j + 1;
  }
}

function familyOf(families: Map<string, MetricFamily>, sample: string): MetricFamily | undefined {
  const exact = families.get(sample);
  if (exact) return exact;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sample.endsWith(suffix)) continue;
    const family = families.get(sample.slice(0, -suffix.length));
    if (family && SUFFIXES[family.type]?.includes(suffix)) return family;
  }
  return undefined;
}

function parseLine(line: string, families: Map<string, MetricFamily>): void {
  const comment = /^#\s*(HELP|TYPE)\s+(\S+)\s?(.*)$/.exec(line);
  if (comment) {
    const [, kind, name = '', rest = ''] = comment;
    if (!NAME.test(name)) throw new Error(`bad metric name ${name}`);
    const family = families.get(name) ?? { name, help: '', type: 'untyped', samples: [] };
    if (family.samples.length > 0) throw new Error(`${kind} of ${name} after its samples`);
    if (kind === 'HELP') family.help = unescape(rest, { '\\': '\\', n: '\n' });
    else if (TYPES.has(rest.trim())) family.type = rest.trim();
    else throw new Error(`unknown type ${rest}`);
    families.set(name, family);
    return;
  }
  if (line.startsWith('#')) return;
  const nameEnd = line.search(/[{ ]/);
  const name = nameEnd < 0 ? line : line.slice(0, nameEnd);
  if (!NAME.test(name)) throw new Error(`bad sample name ${name}`);
  const { labels, rest } =
    line[nameEnd] === '{' ? labelsOf(line.slice(nameEnd)) : { labels: {}, rest: line.slice(nameEnd) };
  const fields = rest.trim().split(/\s+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === '') throw new Error('expected a value');
  const family = familyOf(families, name);
  if (!family) throw new Error(`sample ${name} has no HELP/TYPE before it`);
  family.samples.push({ name, labels, value: number(fields[0]!) });
}

/** The metric families of an exposition, by name. Throws on the first malformed line. */
export function parseExposition(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      parseLine(line, families);
    } catch (error) {
      throw new Error(`exposition line ${index + 1} (${line}): ${(error as Error).message}`);
    }
  });
  return families;
}

/**
 * The sum of the samples named `sample` whose labels include `labels` (0 when none match). For a histogram
 * family, ask for `<name>_count` or `<name>_sum`.
 */
export function sumOf(
  families: Map<string, MetricFamily>,
  sample: string,
  labels: Record<string, string> = {},
): number {
  const family = familyOf(families, sample);
  return (family?.samples ?? [])
    .filter((s) => s.name === sample && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0);
}
