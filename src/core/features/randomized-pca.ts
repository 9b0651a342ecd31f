/**
 * Principal axes of wide or sparse data by randomized subspace iteration (Halko, Martinsson and
 * Tropp's range finder, run in feature space): a random sketch of the leading axes, sharpened by
 * passes through Z'Z, then Rayleigh-Ritz. Reads Z only through products, so the 4096-wide hashed
 * n-grams are never centred or made dense.
 *
 * The first sketch uses a sparse random sign matrix rather than a Gaussian one: it spans the
 * leading axes as well, and multiplies the data at 4 operations per non-zero instead of l.
 */
import { gram, multiply, multiplyTransposed, transpose } from './dense-kernels';
import type { Rng } from './random';
import type { SparseSign } from './sparse-matrix';
import type { LinearOperator } from './standardized-operator';
import { orthonormalizeColumns, symmetricEigen, type Basis, type PrincipalAxes } from './subspace';

export interface RandomizedOptions {
  /** Axes wanted. */
  target: number;
  /** Extra sketch columns beyond `target` (rounded up to a multiple of 8). */
  oversample: number;
  /** Passes through Z'Z after the first sketch. */
  powerIterations: number;
  /** Eigenvalues below this share of the largest are rounding noise. */
  rankTolerance: number;
  rng: Rng;
  signal?: AbortSignal;
}

/** Axes, with the scores of the rows of Z on them (rows x size, row-major). */
export interface RandomizedAxes extends PrincipalAxes {
  scores: Float64Array;
}

/**
 * An orthonormal basis W (cols x size) for the leading principal axes of Z (rows x cols), by
 * subspace iteration in feature space: W = orth(Z' Z S) for a random sparse sign S (cols x l),
 * then `powerIterations` times W = orth(Z' Z W). Costs 2 powerIterations + 1 products with Z
 * of width l, plus one with S.
 */
export function leadingSubspace(z: LinearOperator, options: RandomizedOptions): Basis {
  const { rows, cols } = z;
  const width = Math.min(roundUp8(options.target + options.oversample), cols, rows);
  const sketch = new Float64Array(rows * width);
  z.multiplySparseSign(sparseSign(options.rng, cols, width), sketch);
  let basis = coRange(z, sketch, width);
  for (let pass = 0; pass < options.powerIterations; pass++) {
    options.signal?.throwIfAborted();
    const y = new Float64Array(rows * basis.size);
    z.multiply(basis.q, basis.size, y);
    basis = coRange(z, y, basis.size);
  }
  return basis;
}

/**
 * Leading principal axes of Z (rows x cols): the `leadingSubspace` W, then Rayleigh-Ritz, the
 * exact PCA of Z restricted to span(W). With (Z W)'(Z W) = U L U', the axes are the columns of
 * W U and the scores Z W U, uncorrelated with variances L / (rows - 1).
 */
export function randomizedAxes(z: LinearOperator, options: RandomizedOptions): RandomizedAxes {
  const { rows, cols } = z;
  const basis = leadingSubspace(z, options);
  const l = basis.size;
  const projected = new Float64Array(rows * l);
  z.multiply(basis.q, l, projected);
  const { values, vectors } = symmetricEigen(gram(projected, rows, l), l);
  let size = 0;
  while (size < options.target && values[size] > options.rankTolerance * values[0]) size++;

  const rotation = transpose(vectors.subarray(0, size * l), size, l);
  const scores = new Float64Array(rows * size);
  multiply(projected, rows, l, rotation, size, scores);
  const components = new Float64Array(size * cols);
  multiplyTransposed(vectors, size, basis.q, cols, l, components);
  return { components, size, scores };
}

/**
 * An orthonormal basis (cols x size) of the range of Z' Y, for Y rows x k. Y needs no
 * orthonormalising first: Z' Y and Z' orth(Y) have the same range.
 */
function coRange(z: LinearOperator, y: Float64Array, k: number): Basis {
  const back = new Float64Array(z.cols * k);
  z.multiplyTranspose(y, k, back);
  return orthonormalizeColumns(back, z.cols, k);
}

/** A cols x width sparse sign matrix with min(4, width) non-zeros per row. */
function sparseSign(rng: Rng, cols: number, width: number): SparseSign {
  const perRow = Math.min(SIGNS_PER_ROW, width);
  const targets = new Int32Array(cols * perRow);
  const values = new Float64Array(cols * perRow);
  const magnitude = 1 / Math.sqrt(perRow);
  const taken = new Uint8Array(width);
  for (let j = 0; j < cols; j++) {
    for (let t = 0; t < perRow; t++) {
      let c = Math.floor(rng() * width);
      while (taken[c] === 1) c = Math.floor(rng() * width);
      taken[c] = 1;
      targets[j * perRow + t] = c;
      values[j * perRow + t] = rng() < 0.5 ? magnitude : -magnitude;
    }
    for (let t = 0; t < perRow; t++) taken[targets[j * perRow + t]] = 0;
  }
  return { cols, width, perRow, targets, values };
}

/** Non-zeros per row of the first sketching matrix. */
const SIGNS_PER_ROW = 4;

function roundUp8(n: number): number {
  return (n + 7) & ~7;
}
