import { CholeskyDecomposition, EigenvalueDecomposition, Matrix } from 'ml-matrix';

/**
 * Small dense r x r helpers on flat row-major `Float64Array`s. Decompositions go through
 * ml-matrix; the products that run once per solver step are plain loops.
 */

/** Copies a flat r x r array into an ml-matrix `Matrix`. */
export function toMatrix(a: Float64Array, r: number): Matrix {
  const m = new Matrix(r, r);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < r; j++) m.set(i, j, a[i * r + j]);
  }
  return m;
}

/** Copies an ml-matrix `Matrix` (r x c) into a flat row-major array. */
export function fromMatrix(m: Matrix): Float64Array {
  const rows = m.rows;
  const cols = m.columns;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[i * cols + j] = m.get(i, j);
  }
  return out;
}

/** The r x r identity scaled by `scale`. */
export function scaledIdentity(r: number, scale: number): Float64Array {
  const out = new Float64Array(r * r);
  for (let i = 0; i < r; i++) out[i * r + i] = scale;
  return out;
}

/** Symmetrises `a` (r x r) in place: (a + a') / 2, to stop round-off drift. */
export function symmetrize(a: Float64Array, r: number): void {
  for (let i = 0; i < r; i++) {
    for (let j = i + 1; j < r; j++) {
      const v = 0.5 * (a[i * r + j] + a[j * r + i]);
      a[i * r + j] = v;
      a[j * r + i] = v;
    }
  }
}

/** Inverse and log-determinant of a symmetric positive definite r x r matrix, by Cholesky. */
export function spdInverse(a: Float64Array, r: number): { inverse: Float64Array; logDet: number } {
  const symmetric = a.slice();
  symmetrize(symmetric, r);
  const chol = new CholeskyDecomposition(toMatrix(symmetric, r));
  if (!chol.isPositiveDefinite()) {
    throw new Error('Information matrix is not positive definite');
  }
  const lower = chol.lowerTriangularMatrix;
  let logDet = 0;
  for (let i = 0; i < r; i++) logDet += 2 * Math.log(lower.get(i, i));
  const inverse = fromMatrix(chol.solve(Matrix.eye(r, r)));
  symmetrize(inverse, r);
  return { inverse, logDet };
}

/** Symmetric square root of a positive semi-definite r x r matrix (negative round-off clipped). */
export function psdSqrt(a: Float64Array, r: number): Float64Array {
  const eig = new EigenvalueDecomposition(toMatrix(a, r), { assumeSymmetric: true });
  const values = eig.realEigenvalues;
  const vectors = eig.eigenvectorMatrix;
  const out = new Float64Array(r * r);
  for (let k = 0; k < r; k++) {
    const root = Math.sqrt(Math.max(values[k], 0));
    if (root === 0) continue;
    for (let i = 0; i < r; i++) {
      const vi = vectors.get(i, k) * root;
      for (let j = 0; j < r; j++) out[i * r + j] += vi * vectors.get(j, k);
    }
  }
  symmetrize(out, r);
  return out;
}

/** out = a b for r x r matrices. */
export function multiply(a: Float64Array, b: Float64Array, r: number): Float64Array {
  const out = new Float64Array(r * r);
  for (let i = 0; i < r; i++) {
    for (let k = 0; k < r; k++) {
      const aik = a[i * r + k];
      if (aik === 0) continue;
      const bRow = k * r;
      const oRow = i * r;
      for (let j = 0; j < r; j++) out[oRow + j] += aik * b[bRow + j];
    }
  }
  return out;
}

/** out = a x for an r x r matrix `a` and a vector `x` of length r. */
export function multiplyVector(a: Float64Array, x: Float64Array, r: number, out?: Float64Array) {
  const y = out ?? new Float64Array(r);
  for (let i = 0; i < r; i++) {
    let sum = 0;
    const row = i * r;
    for (let j = 0; j < r; j++) sum += a[row + j] * x[j];
    y[i] = sum;
  }
  return y;
}

/** tr(a b) for r x r matrices, `b` symmetric. */
export function traceProduct(a: Float64Array, b: Float64Array, r: number): number {
  let sum = 0;
  for (let i = 0; i < r * r; i++) sum += a[i] * b[i];
  return sum;
}

/** Dot product of two vectors of length r. */
export function dot(x: Float64Array, y: Float64Array, r: number): number {
  let sum = 0;
  for (let i = 0; i < r; i++) sum += x[i] * y[i];
  return sum;
}

/** a += scale * x x' for an r x r matrix `a`. */
export function addOuter(a: Float64Array, x: Float64Array, scale: number, r: number): void {
  for (let i = 0; i < r; i++) {
    const xi = scale * x[i];
    if (xi === 0) continue;
    const row = i * r;
    for (let j = 0; j < r; j++) a[row + j] += xi * x[j];
  }
}

/**
 * out[c] = rows[c] . v for every row of the rows x r matrix `rows` (row-major), restricted to
 * the given row indices when `only` is set.
 */
export function projectRows(
  rows: Float64Array,
  r: number,
  v: Float64Array,
  out: Float64Array,
  only?: Int32Array,
): void {
  if (only) {
    for (let idx = 0; idx < only.length; idx++) {
      const c = only[idx];
      out[c] = dotAt(rows, v, c * r, 0, r);
    }
    return;
  }
  const count = out.length;
  for (let c = 0; c < count; c++) out[c] = dotAt(rows, v, c * r, 0, r);
}

/**
 * Two projections in one pass over the rows (each row is read once): outV[c] = rows[c] . v and
 * outU[c] = rows[c] . u for the rows x r matrix `rows`.
 */
export function projectRowsTwice(
  rows: Float64Array,
  r: number,
  v: Float64Array,
  u: Float64Array,
  outV: Float64Array,
  outU: Float64Array,
): void {
  const count = outV.length;
  for (let c = 0; c < count; c++) {
    const offset = c * r;
    let sv0 = 0;
    let sv1 = 0;
    let su0 = 0;
    let su1 = 0;
    let j = 0;
    for (; j + 1 < r; j += 2) {
      const x0 = rows[offset + j];
      const x1 = rows[offset + j + 1];
      sv0 += x0 * v[j];
      sv1 += x1 * v[j + 1];
      su0 += x0 * u[j];
      su1 += x1 * u[j + 1];
    }
    if (j < r) {
      sv0 += rows[offset + j] * v[j];
      su0 += rows[offset + j] * u[j];
    }
    outV[c] = sv0 + sv1;
    outU[c] = su0 + su1;
  }
}

/** rows[offset .. offset + r] . v[vOffset .. vOffset + r]. */
export function dotAt(
  rows: Float64Array,
  v: Float64Array,
  offset: number,
  vOffset: number,
  r: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < r; j += 4) {
    s0 += rows[offset + j] * v[vOffset + j];
    s1 += rows[offset + j + 1] * v[vOffset + j + 1];
    s2 += rows[offset + j + 2] * v[vOffset + j + 2];
    s3 += rows[offset + j + 3] * v[vOffset + j + 3];
  }
  for (; j < r; j++) s0 += rows[offset + j] * v[vOffset + j];
  return s0 + s1 + s2 + s3;
}

/**
 * Applies the r x r matrix `a` to every row: out[c] = a rows[c], rows x r in and out. This is
 * the n r^2 step of a full recomputation.
 */
export function transformRows(rows: Float64Array, r: number, a: Float64Array): Float64Array {
  const n = rows.length / r;
  const out = new Float64Array(rows.length);
  for (let c = 0; c < n; c++) {
    const offset = c * r;
    for (let i = 0; i < r; i++) out[offset + i] = dotAt(rows, a, offset, i * r, r);
  }
  return out;
}
