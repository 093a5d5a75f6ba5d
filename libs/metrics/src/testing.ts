import { parseExposition, type MetricFamily } from './exposition';

export { parseExposition, sumOf, type MetricFamily, type Sample } from './exposition';

/**
 * GETs `url` (an app's `/metrics`), checks that it answers 200 with Prometheus' text format, and parses it
 * strictly (`parseExposition`).
 */
export async function scrape(url: string, token?: string): Promise<Map<string, MetricFamily>> {
  const response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const text = await response.text();
  if (response.status !== 200) throw new Error(`scrape of ${url}: HTTP ${response.status}: ${text}`);
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('text/plain') || !type.includes('version=0.0.4'))
    throw new Error(`scrape of ${url}: content-type ${type}`);
  return parseExposition(text);
}
