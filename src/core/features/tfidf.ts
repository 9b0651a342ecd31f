/**
 * TF-IDF weighting of hashed n-gram counts, over the completions of one pool.
 */
import type { SparseMatrix } from './sparse-matrix';

/**
 * Inverse document frequency of each column of a rows x cols count matrix:
 * idf_j = log((1 + n) / (1 + df_j)) + 1, with df_j the number of rows whose column j is non-zero.
 * Returns a Float64Array of length cols.
 */
export function inverseDocumentFrequency(counts: SparseMatrix): Float64Array {
  const { rows, cols, indices, values } = counts;
  const df = new Float64Array(cols);
  for (let q = 0; q < indices.length; q++) if (values[q] !== 0) df[indices[q]] += 1;
  const idf = new Float64Array(cols);
  for (let j = 0; j < cols; j++) idf[j] = Math.log((1 + rows) / (1 + df[j])) + 1;
  return idf;
}

/** Counts below this take their logarithm from a table: most counts are small integers. */
const LOG_TABLE = 256;

/**
 * TF-IDF rows from signed hashed counts c (rows x cols, sparse): each entry becomes
 * sign(c) * (1 + log |c|) * idf_j (sublinear term frequency), then each row is scaled to unit
 * Euclidean norm (an empty row stays empty). Returns a new matrix with the same sparsity pattern.
 */
export function tfidf(counts: SparseMatrix): SparseMatrix {
  const { rows, rowStart, indices, values } = counts;
  const idf = inverseDocumentFrequency(counts);
  const logs = new Float64Array(LOG_TABLE);
  for (let c = 1; c < LOG_TABLE; c++) logs[c] = Math.log(c);
  const weights = new Float64Array(values.length);
  for (let i = 0; i < rows; i++) {
    const start = rowStart[i];
    const end = rowStart[i + 1];
    let squares = 0;
    for (let q = start; q < end; q++) {
      const c = values[q];
      if (c === 0) continue;
      const magnitude = Math.abs(c);
      const whole = magnitude | 0;
      const small = whole === magnitude && whole < LOG_TABLE;
      const tf = 1 + (small ? logs[whole] : Math.log(magnitude));
      const w = (c > 0 ? tf : -tf) * idf[indices[q]];
      weights[q] = w;
      squares += w * w;
    }
    if (squares === 0) continue;
    const inverseNorm = 1 / Math.sqrt(squares);
    for (let q = start; q < end; q++) weights[q] *= inverseNorm;
  }
  return { ...counts, values: weights };
}
