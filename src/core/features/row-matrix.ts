/**
 * Dense features held row by row: the file's embeddings are used where they lie (one
 * Float64Array per completion), so a pool of 160,000 x 768 embeddings is not copied again.
 */
import type { FeatureMatrix } from './feature-matrix';

/** A rows x cols dense matrix: `data[i]` is row `i`, a Float64Array of length cols. */
export interface RowMatrix {
  kind: 'rows';
  rows: number;
  cols: number;
  data: readonly Float64Array[];
}

/** Row views (no copy) of a flat rows x cols row-major matrix. */
export function rowMatrixOf(matrix: FeatureMatrix): RowMatrix {
  const { rows, cols, data } = matrix;
  const views: Float64Array[] = [];
  for (let i = 0; i < rows; i++) views.push(data.subarray(i * cols, (i + 1) * cols));
  return { kind: 'rows', rows, cols, data: views };
}

/** The rows of `matrix` listed in `rows`, sharing their storage. */
export function selectRows(matrix: RowMatrix, rows: Int32Array): RowMatrix {
  return { ...matrix, rows: rows.length, data: Array.from(rows, (i) => matrix.data[i]) };
}
