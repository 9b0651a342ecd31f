/**
 * The standardised data matrix Z = (X - 1 mean') diag(scale) as a linear operator: PCA reads the
 * data only through products with Z and Z', so Z itself is never formed. Dense rows are
 * standardised a block at a time into a scratch buffer; sparse rows stay sparse (with a transposed
 * copy made on first use, so that both products gather), and the centring is applied to the
 * products instead: Z B = X (D B) - 1 (mean' D B) and
 * Z' Y = D (X' Y - mean (1' Y)), with D = diag(scale).
 */
import { addProductTransposed, multiply, padRows, roundUpTile, transpose } from './dense-kernels';
import type { RowMatrix } from './row-matrix';
import {
  sparseTimesDense,
  sparseTimesSparseSign,
  transposeSparse,
  type SparseMatrix,
  type SparseSign,
} from './sparse-matrix';
import type { ColumnStats } from './standardize';

/** Data PCA accepts: dense rows (embeddings) or sparse rows (hashed n-grams). */
export type DataMatrix = RowMatrix | SparseMatrix;

/** Products with a rows x cols matrix that is never formed. All matrices row-major. */
export interface LinearOperator {
  rows: number;
  cols: number;
  /** out (rows x k) = Z B, for Z this matrix and B cols x k. */
  multiply(b: Float64Array, k: number, out: Float64Array): void;
  /** out (cols x k) = Z' Y, for Y rows x k. */
  multiplyTranspose(y: Float64Array, k: number, out: Float64Array): void;
  /** out (rows x s.width) = Z S, for S a sparse sign matrix. */
  multiplySparseSign(s: SparseSign, out: Float64Array): void;
}

/** Dense rows standardised per block of this many rows. */
export const BLOCK_ROWS = 240;

/** Z for `data` standardised by `stats`. */
export function standardizedOperator(
  data: DataMatrix,
  stats: ColumnStats,
  signal?: AbortSignal,
): LinearOperator {
  return data.kind === 'rows'
    ? denseOperator(data, stats, signal)
    : sparseOperator(data, stats, signal);
}

/**
 * Writes standardised rows first .. first + count - 1 of `data` into `block` (count x cols,
 * row-major); rows count .. roundUpTile(count) - 1 of the block are zeroed.
 */
export function standardizeRowsInto(
  data: RowMatrix,
  stats: ColumnStats,
  first: number,
  count: number,
  block: Float64Array,
): void {
  const { cols } = data;
  const { mean, scale } = stats;
  for (let t = 0; t < count; t++) {
    const row = data.data[first + t];
    const o = t * cols;
    for (let j = 0; j < cols; j++) block[o + j] = (row[j] - mean[j]) * scale[j];
  }
  block.fill(0, count * cols, roundUpTile(count) * cols);
}

/**
 * Writes standardised rows first .. first + count - 1 of `data` transposed into `block`
 * (roundUpTile(cols) x width, row-major: entry (j, t) at j * width + t); the rest is zeroed.
 */
export function standardizeColumnsInto(
  data: RowMatrix,
  stats: ColumnStats,
  first: number,
  count: number,
  width: number,
  block: Float64Array,
): void {
  const { cols } = data;
  const { mean, scale } = stats;
  block.fill(0);
  for (let t = 0; t < count; t++) {
    const row = data.data[first + t];
    for (let j = 0; j < cols; j++) block[j * width + t] = (row[j] - mean[j]) * scale[j];
  }
}

/** The symmetric n x n row-major matrix `c` as an operator. */
export function symmetricOperator(c: Float64Array, n: number): LinearOperator {
  const operator: LinearOperator = {
    rows: n,
    cols: n,
    multiply: (b, k, out) => multiply(c, n, n, b, k, out),
    multiplyTranspose: (y, k, out) => multiply(c, n, n, y, k, out),
    multiplySparseSign: (s, out) => operator.multiply(denseSign(s), s.width, out),
  };
  return operator;
}

/** A sparse sign matrix written out dense (cols x width). */
function denseSign(s: SparseSign): Float64Array {
  const dense = new Float64Array(s.cols * s.width);
  for (let j = 0; j < s.cols; j++) {
    for (let t = 0; t < s.perRow; t++) {
      dense[j * s.width + s.targets[j * s.perRow + t]] += s.values[j * s.perRow + t];
    }
  }
  return dense;
}

function denseOperator(data: RowMatrix, stats: ColumnStats, signal?: AbortSignal): LinearOperator {
  const { rows, cols } = data;
  const colsTile = roundUpTile(cols);
  const operator: LinearOperator = {
    rows,
    cols,
    multiplySparseSign(s, out) {
      operator.multiply(denseSign(s), s.width, out);
    },
    multiply(b, k, out) {
      const kTile = roundUpTile(k);
      const bt = padRows(transpose(b, cols, k), k, cols);
      const block = new Float64Array(BLOCK_ROWS * cols);
      const sums = new Float64Array(BLOCK_ROWS * kTile);
      for (let first = 0; first < rows; first += BLOCK_ROWS) {
        signal?.throwIfAborted();
        const count = Math.min(BLOCK_ROWS, rows - first);
        standardizeRowsInto(data, stats, first, count, block);
        sums.fill(0);
        addProductTransposed(block, roundUpTile(count), bt, kTile, cols, sums, kTile);
        for (let t = 0; t < count; t++) {
          for (let c = 0; c < k; c++) out[(first + t) * k + c] = sums[t * kTile + c];
        }
      }
    },
    multiplyTranspose(y, k, out) {
      const kTile = roundUpTile(k);
      const block = new Float64Array(colsTile * BLOCK_ROWS);
      const yBlock = new Float64Array(kTile * BLOCK_ROWS);
      const sums = new Float64Array(colsTile * kTile);
      for (let first = 0; first < rows; first += BLOCK_ROWS) {
        signal?.throwIfAborted();
        const count = Math.min(BLOCK_ROWS, rows - first);
        standardizeColumnsInto(data, stats, first, count, BLOCK_ROWS, block);
        yBlock.fill(0);
        for (let t = 0; t < count; t++) {
          for (let c = 0; c < k; c++) yBlock[c * BLOCK_ROWS + t] = y[(first + t) * k + c];
        }
        addProductTransposed(block, colsTile, yBlock, kTile, BLOCK_ROWS, sums, kTile);
      }
      for (let j = 0; j < cols; j++) {
        for (let c = 0; c < k; c++) out[j * k + c] = sums[j * kTile + c];
      }
    },
  };
  return operator;
}

function sparseOperator(
  data: SparseMatrix,
  stats: ColumnStats,
  signal?: AbortSignal,
): LinearOperator {
  const { rows, cols } = data;
  const { mean, scale } = stats;
  let transposed: SparseMatrix | undefined;
  return {
    rows,
    cols,
    multiplySparseSign(s, out) {
      const values = new Float64Array(s.values.length);
      const shift = new Float64Array(s.width);
      for (let j = 0; j < cols; j++) {
        for (let t = 0; t < s.perRow; t++) {
          const v = scale[j] * s.values[j * s.perRow + t];
          values[j * s.perRow + t] = v;
          shift[s.targets[j * s.perRow + t]] += mean[j] * v;
        }
      }
      sparseTimesSparseSign(data, { ...s, values }, out);
      for (let i = 0; i < rows; i++) {
        for (let c = 0; c < s.width; c++) out[i * s.width + c] -= shift[c];
      }
    },
    multiply(b, k, out) {
      const scaled = new Float64Array(cols * k);
      const shift = new Float64Array(k);
      for (let j = 0; j < cols; j++) {
        for (let c = 0; c < k; c++) {
          const v = scale[j] * b[j * k + c];
          scaled[j * k + c] = v;
          shift[c] += mean[j] * v;
        }
      }
      sparseTimesDense(data, scaled, k, out, signal);
      for (let i = 0; i < rows; i++) {
        for (let c = 0; c < k; c++) out[i * k + c] -= shift[c];
      }
    },
    multiplyTranspose(y, k, out) {
      const sums = new Float64Array(k);
      for (let i = 0; i < rows; i++) {
        for (let c = 0; c < k; c++) sums[c] += y[i * k + c];
      }
      transposed ??= transposeSparse(data);
      sparseTimesDense(transposed, y, k, out, signal);
      for (let j = 0; j < cols; j++) {
        for (let c = 0; c < k; c++) {
          out[j * k + c] = scale[j] * (out[j * k + c] - mean[j] * sums[c]);
        }
      }
    },
  };
}
