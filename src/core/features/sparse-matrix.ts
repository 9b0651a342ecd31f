/**
 * Sparse rows (compressed sparse row storage) for the hashed n-gram features, and the products
 * the randomized PCA needs. The hashed matrix is never made dense: a pool of long texts has
 * thousands of non-zero buckets per completion, and tens of thousands of completions.
 */

/** A sparse vector of dimension `dim`: `values[t]` sits at `indices[t]`, indices increasing. */
export interface SparseVector {
  dim: number;
  indices: Int32Array;
  values: Float64Array;
}

/**
 * A rows x cols sparse matrix, row by row: the entries of row `i` are at positions
 * `rowStart[i] .. rowStart[i + 1] - 1` of `indices` (column, increasing) and `values`.
 */
export interface SparseMatrix {
  kind: 'sparse';
  rows: number;
  cols: number;
  /** Length rows + 1. */
  rowStart: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/** Columns of the right-hand factor handled per pass of the products: one cache line of doubles. */
const PANEL = 8;

/** Entries per storage chunk of the builder: 2^CHUNK_BITS. */
const CHUNK_BITS = 20;
const CHUNK = 1 << CHUNK_BITS;

/**
 * Appends sparse rows one at a time into fixed-size chunks (no regrowth copies), and joins them
 * once at the end.
 */
export class SparseMatrixBuilder {
  private readonly indexChunks: Int32Array[] = [];
  private readonly valueChunks: Float64Array[] = [];
  private readonly rowStart: number[] = [0];
  private size = 0;

  constructor(readonly cols: number) {}

  /** Appends a row from the first `count` entries of `indices` (increasing) and `values`. */
  addRow(indices: ArrayLike<number>, values: ArrayLike<number>, count: number): void {
    for (let t = 0; t < count; t++) {
      const at = this.size + t;
      const chunk = at >>> CHUNK_BITS;
      if (chunk === this.indexChunks.length) {
        this.indexChunks.push(new Int32Array(CHUNK));
        this.valueChunks.push(new Float64Array(CHUNK));
      }
      this.indexChunks[chunk][at & (CHUNK - 1)] = indices[t];
      this.valueChunks[chunk][at & (CHUNK - 1)] = values[t];
    }
    this.size += count;
    this.rowStart.push(this.size);
  }

  build(): SparseMatrix {
    const indices = new Int32Array(this.size);
    const values = new Float64Array(this.size);
    for (let c = 0; c < this.indexChunks.length; c++) {
      const length = Math.min(CHUNK, this.size - c * CHUNK);
      indices.set(this.indexChunks[c].subarray(0, length), c * CHUNK);
      values.set(this.valueChunks[c].subarray(0, length), c * CHUNK);
    }
    return {
      kind: 'sparse',
      rows: this.rowStart.length - 1,
      cols: this.cols,
      rowStart: Int32Array.from(this.rowStart),
      indices,
      values,
    };
  }
}

/** The rows of `matrix` listed in `rows` (increasing), as a new matrix. */
export function selectSparseRows(matrix: SparseMatrix, rows: Int32Array): SparseMatrix {
  const builder = new SparseMatrixBuilder(matrix.cols);
  for (const i of rows) {
    const start = matrix.rowStart[i];
    const end = matrix.rowStart[i + 1];
    builder.addRow(
      matrix.indices.subarray(start, end),
      matrix.values.subarray(start, end),
      end - start,
    );
  }
  return builder.build();
}

/**
 * out = X * B, with X the sparse rows x cols matrix, B cols x k and out rows x k (both row-major,
 * stride k). Works one panel of 8 columns of B at a time, so that the panel (cols x 8, packed
 * contiguously) stays in cache and each row's 8 sums stay in registers.
 */
export function sparseTimesDense(
  x: SparseMatrix,
  b: Float64Array,
  k: number,
  out: Float64Array,
  signal?: AbortSignal,
): void {
  const { rows, cols, rowStart, indices, values } = x;
  const panel = new Float64Array(cols * PANEL);
  for (let c0 = 0; c0 < k; c0 += PANEL) {
    signal?.throwIfAborted();
    const width = Math.min(PANEL, k - c0);
    packPanel(b, cols, k, c0, width, panel);
    for (let i = 0; i < rows; i++) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let s4 = 0;
      let s5 = 0;
      let s6 = 0;
      let s7 = 0;
      const end = rowStart[i + 1];
      for (let q = rowStart[i]; q < end; q++) {
        const v = values[q];
        const p = indices[q] * PANEL;
        s0 += v * panel[p];
        s1 += v * panel[p + 1];
        s2 += v * panel[p + 2];
        s3 += v * panel[p + 3];
        s4 += v * panel[p + 4];
        s5 += v * panel[p + 5];
        s6 += v * panel[p + 6];
        s7 += v * panel[p + 7];
      }
      const o = i * k + c0;
      if (width === PANEL) {
        out[o] = s0;
        out[o + 1] = s1;
        out[o + 2] = s2;
        out[o + 3] = s3;
        out[o + 4] = s4;
        out[o + 5] = s5;
        out[o + 6] = s6;
        out[o + 7] = s7;
      } else {
        const sums = [s0, s1, s2, s3, s4, s5, s6, s7];
        for (let m = 0; m < width; m++) out[o + m] = sums[m];
      }
    }
  }
}

/** The transpose (cols x rows) of a sparse matrix, built by one counting pass. */
export function transposeSparse(x: SparseMatrix): SparseMatrix {
  const { rows, cols, rowStart, indices, values } = x;
  const start = new Int32Array(cols + 1);
  for (let q = 0; q < indices.length; q++) start[indices[q] + 1]++;
  for (let j = 0; j < cols; j++) start[j + 1] += start[j];
  const next = start.slice(0, cols);
  const tIndices = new Int32Array(indices.length);
  const tValues = new Float64Array(indices.length);
  for (let i = 0; i < rows; i++) {
    for (let q = rowStart[i]; q < rowStart[i + 1]; q++) {
      const at = next[indices[q]]++;
      tIndices[at] = i;
      tValues[at] = values[q];
    }
  }
  return {
    kind: 'sparse',
    rows: cols,
    cols: rows,
    rowStart: start,
    indices: tIndices,
    values: tValues,
  };
}

/**
 * A cols x width random sign matrix with `perRow` non-zeros in each row, each +-1/sqrt(perRow):
 * a sketching matrix that, like a Gaussian one, preserves a subspace's geometry, but costs only
 * `perRow` multiply-adds per non-zero of the data it multiplies.
 */
export interface SparseSign {
  cols: number;
  width: number;
  perRow: number;
  /** cols x perRow: the columns of row j's non-zeros. */
  targets: Int32Array;
  /** cols x perRow: their values. */
  values: Float64Array;
}

/**
 * out = X * S for X sparse rows x cols and S a sparse sign matrix (cols x width); out is
 * rows x width, row-major.
 */
export function sparseTimesSparseSign(x: SparseMatrix, s: SparseSign, out: Float64Array): void {
  const { rows, rowStart, indices, values } = x;
  const { width, perRow, targets } = s;
  const signs = s.values;
  out.fill(0);
  for (let i = 0; i < rows; i++) {
    const o = i * width;
    const end = rowStart[i + 1];
    for (let q = rowStart[i]; q < end; q++) {
      const v = values[q];
      const p = indices[q] * perRow;
      for (let t = 0; t < perRow; t++) out[o + targets[p + t]] += v * signs[p + t];
    }
  }
}

/** Copies columns c0 .. c0 + width - 1 of B (cols x k) into a cols x 8 panel, zero-padded. */
function packPanel(
  b: Float64Array,
  cols: number,
  k: number,
  c0: number,
  width: number,
  panel: Float64Array,
): void {
  panel.fill(0);
  for (let j = 0; j < cols; j++) {
    for (let m = 0; m < width; m++) panel[j * PANEL + m] = b[j * k + c0 + m];
  }
}
