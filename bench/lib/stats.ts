/** Small, dependency-free statistics for benchmark samples. */

import { seededRandom } from "./random.js";

/** The value at quantile `q` (0..1) of `values`, linear interpolation between ranks. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * q;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const a = sorted[low] ?? Number.NaN;
  const b = sorted[high] ?? Number.NaN;
  return a + (b - a) * (rank - low);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** Median, p95, p99, min and max of `values`, and how many there were. */
export interface Summary {
  n: number;
  median: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  return {
    n: values.length,
    median: median(values),
    p95: quantile(values, 0.95),
    p99: quantile(values, 0.99),
    min: values.length ? Math.min(...values) : Number.NaN,
    max: values.length ? Math.max(...values) : Number.NaN,
  };
}

/** Relative spread of rounds: (max − min) / median, as a fraction. */
export function spread(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return (Math.max(...values) - Math.min(...values)) / median(values);
}

/** Rounds for display: 3 significant-ish decimals, NaN as "—". */
export function fmt(value: number | undefined, digits = 2): string {
  if (value === undefined || Number.isNaN(value)) return "—";
  return value.toFixed(digits);
}

/**
 * A 95 % bootstrap interval for the ratio of quantile `q` of `a` to that of `b`:
 * both resampled with replacement `resamples` times (seeded, so a run is repeatable
 * from its samples). It says how far a single run's ratio could be off from the
 * same machine's, from the sample counts alone.
 */
export function bootstrapRatio(
  a: readonly number[],
  b: readonly number[],
  q: number,
  { resamples = 200, seed = 1 } = {},
): [low: number, high: number] {
  const sortedA = Float64Array.from(a).sort();
  const sortedB = Float64Array.from(b).sort();
  const random = seededRandom(seed);
  // A resample's k-th smallest value is the source's value at its k-th smallest drawn
  // index (the source is sorted), so one sort of integers per resample.
  const resampledQuantile = (sorted: Float64Array): number => {
    const picks = new Uint32Array(sorted.length);
    for (let i = 0; i < picks.length; i++) picks[i] = Math.floor(random() * sorted.length);
    picks.sort();
    const rank = (picks.length - 1) * q;
    const low = sorted[picks[Math.floor(rank)] as number] as number;
    const high = sorted[picks[Math.ceil(rank)] as number] as number;
    return low + (high - low) * (rank - Math.floor(rank));
  };
  const ratios: number[] = [];
  for (let r = 0; r < resamples; r++)
    ratios.push(resampledQuantile(sortedA) / resampledQuantile(sortedB));
  return [quantile(ratios, 0.025), quantile(ratios, 0.975)];
}
