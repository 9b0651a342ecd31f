/**
 * Small dense decompositions for PCA: the eigen-decomposition of a symmetric matrix (through
 * ml-matrix) and an orthonormal basis for the columns of a tall matrix.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

import { gram, multiply } from './dense-kernels';

/** Principal axes: unit vectors in standardised feature space. */
export interface PrincipalAxes {
  /** size x cols row-major: row m is the m-th axis, in decreasing order of variance. */
  components: Float64Array;
  size: number;
}

/** Eigenvalues (decreasing) and unit eigenvectors of a symmetric matrix. */
export interface SymmetricEigen {
  /** Length n, decreasing. */
  values: Float64Array;
  /** n x n row-major: row k is the eigenvector of values[k]. */
  vectors: Float64Array;
}

/**
 * Eigen-decomposition of the symmetric n x n row-major matrix `a` (its upper triangle is read,
 * so rounding asymmetry is ignored).
 */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      m.set(i, j, a[i * n + j]);
      m.set(j, i, a[i * n + j]);
    }
  }
  const evd = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const raw = evd.realEigenvalues;
  const order = Array.from(raw, (_, k) => k).sort((x, y) => raw[y] - raw[x] || x - y);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  const v = evd.eigenvectorMatrix;
  order.forEach((source, k) => {
    values[k] = raw[source];
    for (let j = 0; j < n; j++) vectors[k * n + j] = v.get(j, source);
  });
  return { values, vectors };
}

/**
 * Directions of a tall matrix whose squared singular value is below this share of the largest
 * are dropped when orthonormalising: they carry rounding noise, not data.
 */
const DROP_TOLERANCE = 1e-14;

/**
 * A pass loses orthogonality in proportion to the spread of the kept eigenvalues of Y'Y (the
 * squared condition number of Y); beyond this spread a second pass restores it.
 */
const REPEAT_SPREAD = 1e6;

/** An orthonormal basis of a column space: Q is rows x size, row-major. */
export interface Basis {
  q: Float64Array;
  size: number;
}

/**
 * An orthonormal basis Q (rows x size, row-major) of the column space of Y (rows x k): from the
 * eigen-decomposition Y'Y = U L U', Q = Y U L^(-1/2), repeated when Y is ill-conditioned to restore
 * the orthogonality the first pass loses to rounding. Rank-deficient Y gives `size < k`.
 */
export function orthonormalizeColumns(y: Float64Array, rows: number, k: number): Basis {
  const first = orthonormalizeOnce(y, rows, k);
  return first.spread > REPEAT_SPREAD ? orthonormalizeOnce(first.q, rows, first.size) : first;
}

function orthonormalizeOnce(y: Float64Array, rows: number, k: number): Basis & { spread: number } {
  if (k === 0) return { q: new Float64Array(0), size: 0, spread: 1 };
  const { values, vectors } = symmetricEigen(gram(y, rows, k), k);
  let size = 0;
  while (size < k && values[size] > DROP_TOLERANCE * values[0]) size++;
  const m = new Float64Array(k * size);
  for (let c = 0; c < size; c++) {
    const inverseRoot = 1 / Math.sqrt(values[c]);
    for (let j = 0; j < k; j++) m[j * size + c] = vectors[c * k + j] * inverseRoot;
  }
  const q = new Float64Array(rows * size);
  multiply(y, rows, k, m, size, q);
  return { q, size, spread: size > 0 ? values[0] / values[size - 1] : 1 };
}
