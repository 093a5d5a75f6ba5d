/**
 * One source for a Helm template and for what it renders to: an object tree whose leaves may be `Slot`s. Rendered
 * with values, a slot is the value (the manifests `kubectl apply --dry-run=server` checks); written as a template,
 * it is the Go-template expression Helm evaluates (`{{ .Values.api.replicas }}`, `{{- toYaml … | nindent 12 }}`).
 */
import { stringify } from 'yaml';

export interface Release {
  name: string;
  namespace: string;
  appVersion: string;
}

export type Values = Record<string, unknown>;

export class Slot {
  constructor(
    /** The expression inside `{{ }}`. */
    readonly expression: string,
    readonly resolve: (values: Values, release: Release) => unknown,
    /** A YAML block (`toYaml | nindent`) rather than one scalar. */
    readonly block = false,
  ) {}
}

/** The value at a dotted path of the values. */
export function valueAt(values: Values, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], values);
}

/** `{{ .Values.<path> }}`; `quote` for strings that must stay strings. */
export const value = (path: string, quote = false) =>
  new Slot(`.Values.${path}${quote ? ' | quote' : ''}`, (values) => valueAt(values, path));

/** A mapping or list from the values, written with `toYaml`. */
export const block = (path: string) => new Slot(`.Values.${path}`, (values) => valueAt(values, path), true);

/** `<release name>-<suffix>`. */
export const named = (suffix: string) =>
  new Slot(`printf "%s-${suffix}" .Release.Name`, (_values, release) => `${release.name}-${suffix}`);

export const releaseName = new Slot('.Release.Name', (_v, release) => release.name);
export const releaseNamespace = new Slot('.Release.Namespace', (_v, release) => release.namespace);
export const appVersion = new Slot('.Chart.AppVersion | quote', (_v, release) => release.appVersion);
/** `<repository>:<tag, else the chart's appVersion>`. */
export const image = new Slot(
  'printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) | quote',
  (values, release) =>
    `${String(valueAt(values, 'image.repository'))}:${String(valueAt(values, 'image.tag') || release.appVersion)}`,
);

/** The tree with every slot replaced by its value. */
export function resolve<T>(tree: T, values: Values, release: Release): T {
  if (tree instanceof Slot) return tree.resolve(values, release) as T;
  if (Array.isArray(tree)) return tree.map((item: unknown) => resolve(item, values, release)) as T;
  if (tree !== null && typeof tree === 'object') {
    return Object.fromEntries(
      Object.entries(tree).map(([key, item]) => [key, resolve(item, values, release)]),
    ) as T;
  }
  return tree;
}

/** The tree as a Helm template: YAML with each slot written as its expression. */
export function template(tree: unknown): string {
  const slots: Slot[] = [];
  const mark = (node: unknown): unknown => {
    if (node instanceof Slot) return `@@SLOT${slots.push(node) - 1}@@`;
    if (Array.isArray(node)) return node.map(mark);
    if (node !== null && typeof node === 'object')
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, mark(v)]));
    return node;
  };
  const text = stringify(mark(tree), { lineWidth: 0 });
  return text
    .split('\n')
    .map((line) =>
      line.replace(
        /^(\s*)(- )?([^:\n]*: )?"?@@SLOT(\d+)@@"?$/,
        (whole, indent: string, dash = '', key = '', index: string) => {
          const slot = slots[Number(index)]!;
          if (!slot.block) return `${indent}${dash}${key}{{ ${slot.expression} }}`;
          const depth = indent.length + dash.length + 2;
          return `${indent}${dash}${key.trimEnd()}{{- toYaml ${slot.expression} | nindent ${depth} }}`;
        },
      ),
    )
    .join('\n');
}
