/**
 * Column standardisation before PCA: every feature centred and scaled to unit sample variance,
 * so that no feature dominates the projection by its units alone.
 */
import type { FeatureMatrix } from './feature-matrix';
import { rowMatrixOf, type RowMatrix } from './row-matrix';
import type { SparseMatrix } from './sparse-matrix';

/**
 * Column means and the factors that scale each centred column to unit sample variance
 * (denominator n - 1). A column that does not vary gets scale 0: it is dropped from the
 * projection rather than blown up from rounding noise.
 */
export interface ColumnStats {
  /** Length cols. */
  mean: Float64Array;
  /** Length cols: 1 / standard deviation, or 0 for a constant column. */
  scale: Float64Array;
  /** Number of columns that vary: the total variance of the standardised data. */
  varying: number;
}

/**
 * A column counts as constant when its spread is below this share of its magnitude: rounding
 * noise of a constant column's mean is about 1e-16 of it.
 */
const CONSTANT_TOLERANCE = 1e-24;

/**
 * Column statistics of a dense matrix given row by row, in one pass over the data: sums of
 * x - s and (x - s)^2 with s the first row, so that the one-pass variance formula cancels only
 * to the scale of one row's distance from the mean, and a constant column sums to exactly 0.
 */
export function rowColumnStats(matrix: RowMatrix): ColumnStats {
  const { rows, cols, data } = matrix;
  const shift = rows > 0 ? data[0] : new Float64Array(cols);
  const sums = new Float64Array(cols);
  const shiftedSquares = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const row = data[i];
    for (let j = 0; j < cols; j++) {
      const d = row[j] - shift[j];
      sums[j] += d;
      shiftedSquares[j] += d * d;
    }
  }

  const mean = new Float64Array(cols);
  const deviations = new Float64Array(cols);
  const squares = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    const offset = rows > 0 ? sums[j] / rows : 0;
    mean[j] = shift[j] + offset;
    deviations[j] = Math.max(0, shiftedSquares[j] - sums[j] * offset);
    squares[j] = deviations[j] + rows * mean[j] * mean[j];
  }
  return finish(mean, deviations, squares, rows);
}

/** Column statistics of a sparse matrix; the implicit zeros count as values. */
export function sparseColumnStats(matrix: SparseMatrix): ColumnStats {
  const { rows, cols, indices, values } = matrix;
  const mean = new Float64Array(cols);
  const present = new Float64Array(cols);
  for (let q = 0; q < indices.length; q++) {
    mean[indices[q]] += values[q];
    present[indices[q]] += 1;
  }
  for (let j = 0; j < cols; j++) mean[j] /= rows;

  const deviations = new Float64Array(cols);
  const squares = new Float64Array(cols);
  for (let q = 0; q < indices.length; q++) {
    const j = indices[q];
    const d = values[q] - mean[j];
    deviations[j] += d * d;
    squares[j] += values[q] * values[q];
  }
  for (let j = 0; j < cols; j++) deviations[j] += (rows - present[j]) * mean[j] * mean[j];
  return finish(mean, deviations, squares, rows);
}

function finish(
  mean: Float64Array,
  deviations: Float64Array,
  squares: Float64Array,
  rows: number,
): ColumnStats {
  const cols = mean.length;
  const scale = new Float64Array(cols);
  let varying = 0;
  for (let j = 0; j < cols; j++) {
    if (rows < 2 || deviations[j] <= CONSTANT_TOLERANCE * squares[j]) continue;
    scale[j] = 1 / Math.sqrt(deviations[j] / (rows - 1));
    varying++;
  }
  return { mean, scale, varying };
}

/**
 * The standardised copy of a rows x cols matrix: z_ij = (x_ij - mean_j) * scale_j, so every
 * varying column has mean 0 and sample variance 1, and every constant column is 0.
 */
export function standardize(matrix: FeatureMatrix): { matrix: FeatureMatrix; stats: ColumnStats } {
  const { rows, cols, data } = matrix;
  const stats = rowColumnStats(rowMatrixOf(matrix));
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      out[i * cols + j] = (data[i * cols + j] - stats.mean[j]) * stats.scale[j];
    }
  }
  return { matrix: { rows, cols, data: out }, stats };
}
