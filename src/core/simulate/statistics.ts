/** Mean and standard error of a sample, over its finite entries. */
export interface Estimate {
  mean: number;
  /** Standard error of the mean: sample standard deviation / sqrt(count); NaN below 2. */
  se: number;
  count: number;
}

/** Mean and standard error of the finite entries of `values` (NaN mean when none). */
export function estimate(values: ArrayLike<number>): Estimate {
  let count = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) continue;
    count++;
    sum += values[i];
  }
  if (count === 0) return { mean: NaN, se: NaN, count };
  const mean = sum / count;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) squares += (values[i] - mean) ** 2;
  }
  const se = count > 1 ? Math.sqrt(squares / (count - 1) / count) : NaN;
  return { mean, se, count };
}
