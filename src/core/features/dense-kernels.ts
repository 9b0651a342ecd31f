/**
 * Dense products on flat row-major Float64Arrays, all built on one register-tiled kernel: a 3 x 4
 * tile of dot products whose 12 sums stay in registers while both operands stream contiguously.
 * This is where PCA spends its time (160,000 x 768 embeddings projected to 128 dimensions is
 * 1.6e10 multiply-adds), so the kernel is written for the JIT, not for brevity.
 */

/**
 * Rounds up to a multiple of 12: operands of the kernel are padded with zero rows to this, which
 * suits both of its tile sides (3 rows of A, 4 rows of B).
 */
export function roundUpTile(n: number): number {
  return Math.ceil(n / 12) * 12;
}

/**
 * out += A * B' on 3 x 4 tiles: out[i * outStride + j] += sum_t a[i * len + t] * b[j * len + t]
 * for i < aRows, j < bRows. A is aRows x len, B is bRows x len, both row-major; aRows must be a
 * multiple of 3 and bRows of 4 (pad with zero rows). With `upper`, tiles wholly below the
 * diagonal are skipped: for A = B, every entry of the upper triangle of A A' is computed.
 * Twelve sums and seven operands fit the sixteen floating-point registers of x86-64.
 */
export function addProductTransposed(
  a: Float64Array,
  aRows: number,
  b: Float64Array,
  bRows: number,
  len: number,
  out: Float64Array,
  outStride: number,
  upper = false,
): void {
  for (let i = 0; i < aRows; i += 3) {
    const a0 = i * len;
    const a1 = a0 + len;
    const a2 = a1 + len;
    for (let j = upper ? i & ~3 : 0; j < bRows; j += 4) {
      const b0 = j * len;
      const b1 = b0 + len;
      const b2 = b1 + len;
      const b3 = b2 + len;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      let s20 = 0;
      let s21 = 0;
      let s22 = 0;
      let s23 = 0;
      for (let t = 0; t < len; t++) {
        const y0 = b[b0 + t];
        const y1 = b[b1 + t];
        const y2 = b[b2 + t];
        const y3 = b[b3 + t];
        const x0 = a[a0 + t];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        const x1 = a[a1 + t];
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
        const x2 = a[a2 + t];
        s20 += x2 * y0;
        s21 += x2 * y1;
        s22 += x2 * y2;
        s23 += x2 * y3;
      }
      let o = i * outStride + j;
      out[o] += s00;
      out[o + 1] += s01;
      out[o + 2] += s02;
      out[o + 3] += s03;
      o += outStride;
      out[o] += s10;
      out[o + 1] += s11;
      out[o + 2] += s12;
      out[o + 3] += s13;
      o += outStride;
      out[o] += s20;
      out[o + 1] += s21;
      out[o + 2] += s22;
      out[o + 3] += s23;
    }
  }
}

/** A copy of the rows x cols matrix `m` with zero rows appended up to a multiple of 12. */
export function padRows(m: Float64Array, rows: number, cols: number): Float64Array {
  const padded = new Float64Array(roundUpTile(rows) * cols);
  padded.set(m.subarray(0, rows * cols));
  return padded;
}

/** The transpose (cols x rows, row-major) of the rows x cols row-major matrix `m`. */
export function transpose(m: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) t[j * rows + i] = m[i * cols + j];
  }
  return t;
}

/** Rows of A handled per call of the kernel by `multiplyTransposed`. */
const BLOCK_ROWS = 240;

/**
 * out = A * B' for A aRows x len and B bRows x len (row-major, any sizes); out is aRows x bRows.
 */
export function multiplyTransposed(
  a: Float64Array,
  aRows: number,
  b: Float64Array,
  bRows: number,
  len: number,
  out: Float64Array,
): void {
  const bPadded = padRows(b, bRows, len);
  const bRows12 = roundUpTile(bRows);
  const block = new Float64Array(BLOCK_ROWS * len);
  const sums = new Float64Array(BLOCK_ROWS * bRows12);
  for (let first = 0; first < aRows; first += BLOCK_ROWS) {
    const count = Math.min(BLOCK_ROWS, aRows - first);
    block.fill(0);
    block.set(a.subarray(first * len, (first + count) * len));
    sums.fill(0);
    addProductTransposed(block, roundUpTile(count), bPadded, bRows12, len, sums, bRows12);
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < bRows; j++) out[(first + i) * bRows + j] = sums[i * bRows12 + j];
    }
  }
}

/** out = A * M for A rows x k and M k x m (row-major); out is rows x m. */
export function multiply(
  a: Float64Array,
  rows: number,
  k: number,
  m: Float64Array,
  cols: number,
  out: Float64Array,
): void {
  multiplyTransposed(a, rows, transpose(m, k, cols), cols, k, out);
}

/** The Gram matrix Y' Y (k x k, full and exactly symmetric) of a rows x k row-major Y. */
export function gram(y: Float64Array, rows: number, k: number): Float64Array {
  const k12 = roundUpTile(k);
  const columns = padRows(transpose(y, rows, k), k, rows);
  const upper = new Float64Array(k12 * k12);
  addProductTransposed(columns, k12, columns, k12, rows, upper, k12, true);
  const g = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const v = upper[i * k12 + j];
      g[i * k + j] = v;
      g[j * k + i] = v;
    }
  }
  return g;
}
