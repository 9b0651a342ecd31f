/**
 * Pools, matrices and reference linear algebra for the featurizer tests. The reference routines
 * are deliberately naive (nested loops, power iteration) so that they share no code with the
 * featurizers they check.
 */
import type { FeatureMatrix } from '../../../src/core/features/feature-matrix';
import type { Completion, Pool } from '../../../src/core/pool/pool';

/** A pool from prompts given as lists of completions (text, optional embedding). */
export function makePool(prompts: { text: string; embedding?: number[] }[][]): Pool {
  let line = 0;
  return {
    file: 'test.jsonl',
    format: 'jsonl',
    shape: 'long',
    mapping: {},
    prompts: prompts.map((completions, i) => ({
      id: `p${i}`,
      text: `prompt ${i}`,
      line: line + 1,
      completions: completions.map((c, j): Completion => {
        line++;
        const completion: Completion = { id: `c${j}`, text: c.text, line };
        if (c.embedding) completion.embedding = Float64Array.from(c.embedding);
        return completion;
      }),
    })),
    labels: [],
    problems: [],
    records: line,
  };
}

/** A deterministic pseudo-random source for building test data (a linear congruential one). */
export function testRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** A rows x cols matrix with entries from `entry(i, j)`. */
export function matrixOf(
  rows: number,
  cols: number,
  entry: (i: number, j: number) => number,
): FeatureMatrix {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = entry(i, j);
  return { rows, cols, data };
}

/** A rows x cols matrix of rank `rank`: random factors rows x rank times rank x cols. */
export function lowRank(rows: number, cols: number, rank: number, seed: number): FeatureMatrix {
  const random = testRandom(seed);
  const left = Array.from({ length: rows }, () =>
    Array.from({ length: rank }, () => random() - 0.5),
  );
  const right = Array.from({ length: rank }, () =>
    Array.from({ length: cols }, () => random() - 0.5),
  );
  return matrixOf(rows, cols, (i, j) => {
    let s = 0;
    for (let m = 0; m < rank; m++) s += left[i][m] * right[m][j];
    return s;
  });
}

/** Column-standardised copy as nested rows: (x - mean) / sd, sd with n - 1; constant columns 0. */
export function referenceStandardize(m: FeatureMatrix): number[][] {
  const { rows, cols, data } = m;
  const out = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  for (let j = 0; j < cols; j++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += data[i * cols + j] / rows;
    let ss = 0;
    for (let i = 0; i < rows; i++) ss += (data[i * cols + j] - mean) ** 2;
    const sd = Math.sqrt(ss / (rows - 1));
    if (sd < 1e-12 * (Math.abs(mean) + 1e-300)) continue;
    for (let i = 0; i < rows; i++) out[i][j] = (data[i * cols + j] - mean) / sd;
  }
  return out;
}

/** Sample covariance (n - 1) of centred nested rows. */
export function referenceCovariance(z: number[][]): number[][] {
  const cols = z[0].length;
  const c = Array.from({ length: cols }, () => new Array<number>(cols).fill(0));
  for (const row of z) {
    for (let a = 0; a < cols; a++) for (let b = 0; b < cols; b++) c[a][b] += row[a] * row[b];
  }
  return c.map((row) => row.map((v) => v / (z.length - 1)));
}

/**
 * The `count` leading eigenpairs of a symmetric positive semi-definite matrix by power iteration
 * with deflation: slow, simple, and independent of any decomposition library.
 */
export function powerEigen(a: number[][], count: number): { value: number; vector: number[] }[] {
  const n = a.length;
  const work = a.map((row) => [...row]);
  const pairs: { value: number; vector: number[] }[] = [];
  for (let k = 0; k < count; k++) {
    let v = Array.from({ length: n }, (_, j) => 1 + ((j * 7 + k * 3) % 5) / 10);
    let value = 0;
    for (let iteration = 0; iteration < 20000; iteration++) {
      const w = work.map((row) => row.reduce((s, x, j) => s + x * v[j], 0));
      const norm = Math.hypot(...w);
      if (norm === 0) break;
      const next = w.map((x) => x / norm);
      const change = Math.hypot(...next.map((x, j) => x - v[j]));
      v = next;
      value = norm;
      if (change < 1e-14) break;
    }
    pairs.push({ value, vector: v });
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) work[i][j] -= value * v[i] * v[j];
  }
  return pairs;
}

/** Column `m` of a rows x cols row-major matrix. */
export function column(m: FeatureMatrix, c: number): number[] {
  return Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + c]);
}

/** Sample covariance of two equal-length vectors. */
export function covarianceOf(x: number[], y: number[]): number {
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  return x.reduce((s, v, i) => s + (v - mx) * (y[i] - my), 0) / (x.length - 1);
}

/**
 * The orthogonal projector V'V (cols x cols) onto the span of the rows of V (size x cols): two
 * sets of axes span the same subspace exactly when their projectors agree, whatever the signs.
 */
export function projector(components: Float64Array, size: number, cols: number): number[][] {
  const p = Array.from({ length: cols }, () => new Array<number>(cols).fill(0));
  for (let m = 0; m < size; m++) {
    for (let a = 0; a < cols; a++) {
      for (let b = 0; b < cols; b++) p[a][b] += components[m * cols + a] * components[m * cols + b];
    }
  }
  return p;
}

/** Largest absolute entry of the difference of two nested matrices. */
export function maxDifference(a: number[][], b: number[][]): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < a[i].length; j++) worst = Math.max(worst, Math.abs(a[i][j] - b[i][j]));
  }
  return worst;
}
