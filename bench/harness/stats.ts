/** Small statistics over repeated measurements. */

/**
 * The median of a non-empty list (mean of the two middle values for an even count).
 *
 * @example
 * median([3, 1, 2]); // 2
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) {
    throw new RangeError('median of an empty list: run at least one repetition.');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Median, minimum and maximum of repeated measurements, plus the raw values. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly values: readonly number[];
}

/**
 * Summarises repeated measurements.
 *
 * @example
 * summarize([12.5, 11.9, 13.1]).median; // 12.5
 */
export function summarize(values: readonly number[]): Summary {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), values: [...values] };
}
