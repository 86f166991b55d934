/**
 * Small statistics helpers for the benchmarks (Web APIs only).
 *
 * @module
 */

/** Median, min and max of a series of rates. */
export interface RateSummary {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

/**
 * The median of a non-empty list (the mean of the middle two for an even count).
 *
 * @param values - the samples
 * @returns the median
 * @throws RangeError for an empty list
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Summarises repeated runs.
 *
 * @param runs - one rate per run
 * @returns median, min, max and the runs themselves
 */
export function summarize(runs: readonly number[]): RateSummary {
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs: [...runs] };
}

/**
 * How many operations a timed run should do to last about `targetMs` at `opsPerSecond`.
 *
 * @param opsPerSecond - the rate seen while warming up
 * @param targetMs - the wanted run length
 * @param bounds - smallest and largest count allowed
 * @returns a whole number of operations within the bounds
 */
export function opsFor(opsPerSecond: number, targetMs: number, bounds: { min: number; max: number }): number {
  const wanted = Number.isFinite(opsPerSecond) ? Math.round((opsPerSecond * targetMs) / 1000) : bounds.max;
  return Math.min(bounds.max, Math.max(bounds.min, wanted));
}
