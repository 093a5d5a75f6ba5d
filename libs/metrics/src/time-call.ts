import type { Histogram, LabelValues } from 'prom-client';

/**
 * Runs `fn` and observes its duration in `histogram`, whether it resolves or throws. `labels` may be a function
 * of the outcome (`undefined` on success, the error otherwise), for an `outcome` label.
 */
export async function timeCall<T, L extends string>(
  histogram: Histogram<L>,
  labels: LabelValues<L> | ((error: unknown) => LabelValues<L>),
  fn: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const observe = (error: unknown) =>
    histogram.observe(
      typeof labels === 'function' ? labels(error) : labels,
      (performance.now() - started) / 1000,
    );
  try {
    const result = await fn();
    observe(undefined);
    return result;
  } catch (error) {
    observe(error);
    throw error;
  }
}
