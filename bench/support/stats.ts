/** Percentiles and one-line summaries over samples in milliseconds. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function mean(samples: number[]): number {
  return samples.length === 0 ? Number.NaN : samples.reduce((a, b) => a + b, 0) / samples.length;
}

export function summary(samples: number[]): string {
  const f = (n: number) => n.toFixed(2);
  return `n=${samples.length} p50=${f(percentile(samples, 50))} ms p99=${f(percentile(samples, 99))} ms max=${f(samples.reduce((a, b) => Math.max(a, b), -Infinity))} ms`;
}
