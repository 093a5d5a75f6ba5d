/**
 * The docs cannot drift: docs/metrics.md lists exactly the metrics a process registers (names, types, labels),
 * and every expression of the Grafana dashboard (ops/grafana/cite.json) uses only metrics listed there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createMetrics } from './cite-metrics';
import { CITE_METRIC_NAMES, METRICS } from './definitions';

const root = path.resolve(import.meta.dirname, '../../..');

interface DocumentedMetric {
  type: string;
  labels: string[];
}

/** The rows of docs/metrics.md's tables whose first cell is a metric name in backticks. */
function documented(): Map<string, DocumentedMetric> {
  const text = fs.readFileSync(path.join(root, 'docs/metrics.md'), 'utf8');
  const rows = new Map<string, DocumentedMetric>();
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const name = /^`([a-z_:][a-z0-9_:]*)`$/.exec(cells[1] ?? '')?.[1];
    if (!name || !['counter', 'gauge', 'histogram'].includes(cells[2] ?? '')) continue;
    if (rows.has(name)) throw new Error(`${name} is listed twice`);
    const labels = [...(cells[3] ?? '').matchAll(/`([a-z_]+)`/g)].map((match) => match[1]!);
    rows.set(name, { type: cells[2]!, labels });
  }
  return rows;
}

interface Panel {
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: { expr: string; datasource?: { uid?: string } }[];
}

const dashboard = JSON.parse(fs.readFileSync(path.join(root, 'ops/grafana/cite.json'), 'utf8')) as {
  __inputs: { name: string; pluginId: string }[];
  panels: Panel[];
};

describe('docs/metrics.md', () => {
  const docs = documented();

  it("lists cite's metrics with the types and labels the code gives them", () => {
    const cite = [...docs.keys()].filter((name) => name.startsWith('cite_'));
    expect(cite.sort()).toEqual([...CITE_METRIC_NAMES].sort());
    for (const definition of Object.values(METRICS)) {
      expect({ name: definition.name, ...docs.get(definition.name) }).toEqual({
        name: definition.name,
        type: definition.type,
        labels: [...definition.labels],
      });
    }
  });

  it('lists exactly the metrics a process registers, process metrics included', async () => {
    const registered = await createMetrics().registry.getMetricsAsJSON();
    expect([...docs.keys()].sort()).toEqual(registered.map((metric) => metric.name).sort());
    for (const metric of registered)
      expect(`${metric.name} ${docs.get(metric.name)?.type}`).toBe(`${metric.name} ${metric.type}`);
  });
});

describe('ops/grafana/cite.json', () => {
  const docs = documented();
  const panels = dashboard.panels.filter((panel) => panel.type !== 'row');
  const exprs = panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel, ...target })));

  /** A series name in PromQL, as the metric it belongs to (`…_bucket` of a histogram → the histogram). */
  const metricOf = (series: string) => {
    const base = series.replace(/_(bucket|sum|count)$/, '');
    return docs.get(base)?.type === 'histogram' ? base : series;
  };

  it('reads from the DS_PROMETHEUS input in every panel and query', () => {
    expect(dashboard.__inputs).toEqual([
      expect.objectContaining({ name: 'DS_PROMETHEUS', pluginId: 'prometheus' }),
    ]);
    expect(panels.length).toBeGreaterThan(10);
    for (const panel of panels)
      expect(`${panel.title}: ${panel.datasource?.uid}`).toBe(`${panel.title}: \${DS_PROMETHEUS}`);
    for (const { panel, datasource } of exprs)
      expect(`${panel.title}: ${datasource?.uid}`).toBe(`${panel.title}: \${DS_PROMETHEUS}`);
  });

  it('uses only documented metrics, and shows every one of cite’s', () => {
    const used = new Set<string>();
    for (const { panel, expr } of exprs) {
      const series = expr.match(/\b(?:cite|process|nodejs)_[a-z0-9_]+\b/g) ?? [];
      expect(`${panel.title}: ${series.length > 0}`).toBe(`${panel.title}: true`);
      for (const name of series.map(metricOf)) {
        expect(`${panel.title}: ${name} ${docs.has(name)}`).toBe(`${panel.title}: ${name} true`);
        used.add(name);
      }
    }
    expect(CITE_METRIC_NAMES.filter((name) => !used.has(name))).toEqual([]);
  });
});
