/**
 * Principal axes of dense data of moderate width (embeddings up to about a thousand dimensions):
 * the eigenvectors of the cols x cols covariance of the standardised rows.
 */
import { addProductTransposed, multiplyTransposed, roundUpTile, transpose } from './dense-kernels';
import type { RowMatrix } from './row-matrix';
import type { Rng } from './random';
import { leadingSubspace } from './randomized-pca';
import { BLOCK_ROWS, standardizeColumnsInto, symmetricOperator } from './standardized-operator';
import type { ColumnStats } from './standardize';
import { symmetricEigen, type Basis, type PrincipalAxes } from './subspace';

/**
 * The covariance C = Z'Z / (m - 1) (cols x cols, row-major) of the m rows of `data`, standardised
 * by `stats`. Accumulated block by block with the tiled kernel on the upper triangle.
 */
export function covarianceMatrix(
  data: RowMatrix,
  stats: ColumnStats,
  signal?: AbortSignal,
): Float64Array {
  const { rows, cols } = data;
  const colsTile = roundUpTile(cols);
  const block = new Float64Array(colsTile * BLOCK_ROWS);
  const upper = new Float64Array(colsTile * colsTile);
  for (let first = 0; first < rows; first += BLOCK_ROWS) {
    signal?.throwIfAborted();
    const count = Math.min(BLOCK_ROWS, rows - first);
    standardizeColumnsInto(data, stats, first, count, BLOCK_ROWS, block);
    addProductTransposed(block, colsTile, block, colsTile, BLOCK_ROWS, upper, colsTile, true);
  }
  const covariance = new Float64Array(cols * cols);
  const divisor = Math.max(1, rows - 1);
  for (let i = 0; i < cols; i++) {
    for (let j = i; j < cols; j++) {
      const v = upper[i * colsTile + j] / divisor;
      covariance[i * cols + j] = v;
      covariance[j * cols + i] = v;
    }
  }
  return covariance;
}

/**
 * Widest covariance eigen-decomposed in full (ml-matrix's symmetric solver: cols^3 work, a fifth
 * of a second at 256). Wider ones are solved for their leading eigenvectors only.
 */
export const FULL_EIGEN_COLS = 256;

/** Passes of subspace iteration on a wide covariance: the sketch converges as (C^2)^passes. */
const COVARIANCE_PASSES = 3;

/**
 * The leading `target` eigenvectors of the covariance of `data` (fewer when the covariance has
 * fewer eigenvalues above `rankTolerance` times its largest). Up to FULL_EIGEN_COLS columns, a
 * full eigen-decomposition; beyond, subspace iteration on the covariance matrix (products cost
 * cols^2 per vector instead of rows * cols) to a basis W, then the exact eigenvectors of C within
 * span(W), from the small matrix W'CW.
 */
export function covarianceAxes(
  data: RowMatrix,
  stats: ColumnStats,
  target: number,
  rankTolerance: number,
  rng: Rng,
  signal?: AbortSignal,
): PrincipalAxes {
  const { cols } = data;
  const covariance = covarianceMatrix(data, stats, signal);
  let basis: Basis | null = null;
  let small = covariance;
  let n = cols;
  if (cols > FULL_EIGEN_COLS) {
    const c = symmetricOperator(covariance, cols);
    basis = leadingSubspace(c, {
      target,
      oversample: 16,
      powerIterations: COVARIANCE_PASSES,
      rankTolerance,
      rng,
      signal,
    });
    n = basis.size;
    const cw = new Float64Array(cols * n);
    c.multiply(basis.q, n, cw);
    small = new Float64Array(n * n);
    multiplyTransposed(transpose(basis.q, cols, n), n, transpose(cw, cols, n), n, cols, small);
  }

  const { values, vectors } = symmetricEigen(small, n);
  let size = 0;
  while (size < target && values[size] > rankTolerance * values[0]) size++;
  if (!basis) return { components: vectors.slice(0, size * cols), size };
  const components = new Float64Array(size * cols);
  multiplyTransposed(vectors, size, basis.q, cols, n, components);
  return { components, size };
}
