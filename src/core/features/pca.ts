/**
 * Standardise, then project onto the leading principal axes: the last step of every featurizer.
 *
 * Two ways to find the axes. Dense data up to MAX_COVARIANCE_COLS wide: the eigenvectors of the
 * cols x cols covariance. Wider or sparse data: randomized subspace iteration on the data itself.
 * Either way the axes are found from at most a work budget's worth of rows (a seeded sample
 * beyond it, so that 160,000 embeddings cost little more than their projection), and every row
 * is then projected.
 *
 * The scores are not rescaled: column m has variance lambda_m, the m-th eigenvalue of the
 * standardised covariance, and the columns are uncorrelated (exactly when the axes come from all
 * rows, nearly when from a sample).
 */
import { covarianceAxes } from './covariance-pca';
import { transpose } from './dense-kernels';
import type { FeatureMatrix } from './feature-matrix';
import { createRng, sampleWithoutReplacement } from './random';
import { randomizedAxes } from './randomized-pca';
import { selectRows } from './row-matrix';
import { selectSparseRows } from './sparse-matrix';
import {
  standardizedOperator,
  type DataMatrix,
  type LinearOperator,
} from './standardized-operator';
import { rowColumnStats, sparseColumnStats, type ColumnStats } from './standardize';
import type { PrincipalAxes } from './subspace';

export type PcaMethod = 'covariance' | 'randomized';

export interface PcaOptions {
  /** Target dimension r (default 128; fewer when the data has fewer). */
  dim?: number;
  /** Seed of the row sample and of the randomized sketch (default 0). */
  seed?: number;
  /** Default: `covariance` for dense data up to MAX_COVARIANCE_COLS wide, else `randomized`. */
  method?: PcaMethod;
  /**
   * Extra passes of randomized subspace iteration, each two products with the data. Default: as
   * many as fit PASS_BUDGET, at most MAX_AUTO_PASSES (none for a pool of thousands of long texts).
   */
  powerIterations?: number;
  /** Extra columns of the randomized sketch (default 10). */
  oversample?: number;
  /** Most rows the axes are found from (default: set by a work budget); the rest are sampled. */
  maxBasisRows?: number;
  signal?: AbortSignal;
}

export interface PcaResult {
  /** rows x r: the scores of every row on the axes, columns in decreasing order of variance. */
  scores: FeatureMatrix;
  /** r x cols row-major: the unit axes in standardised feature space. */
  components: Float64Array;
  /** Length r: the variance of each score column. */
  variances: Float64Array;
  /** Total variance of the standardised data: the number of columns that vary. */
  totalVariance: number;
  /** Share of the total variance the scores keep, in [0, 1]. */
  explainedVariance: number;
  /** The standardisation applied before projecting. */
  stats: ColumnStats;
  method: PcaMethod;
  /** Rows the axes were found from. */
  basisRows: number;
}

/** Widest dense data whose covariance is eigen-decomposed exactly (cols^3 work). */
export const MAX_COVARIANCE_COLS = 1024;

/** Multiply-adds allowed for one pass over the basis rows (about a second in this runtime). */
const BASIS_BUDGET = 2 ** 31;

/** Multiply-adds the default extra passes of subspace iteration may cost together. */
const PASS_BUDGET = 2 ** 29;

/** Most extra passes taken by default. */
const MAX_AUTO_PASSES = 2;

/** Fewest rows a sampled basis is found from. */
const MIN_BASIS_ROWS = 2000;

/** Eigenvalues below this share of the largest count as zero: the data has lower rank. */
const RANK_TOLERANCE = 1e-10;

/**
 * Standardises `data` (rows x cols, dense rows or sparse) column by column and projects it onto
 * its r = min(dim, rank, rows - 1) leading principal axes. Returns rows x r scores.
 */
export function pcaProject(data: DataMatrix, options: PcaOptions = {}): PcaResult {
  const dim = options.dim ?? 128;
  if (!Number.isInteger(dim) || dim < 1) {
    throw new RangeError(`dim must be a positive integer, got ${dim}`);
  }
  const method = options.method ?? defaultMethod(data);
  if (method === 'covariance' && data.kind === 'sparse') {
    throw new Error('Covariance PCA needs dense rows; use the randomized method');
  }

  const stats = data.kind === 'rows' ? rowColumnStats(data) : sparseColumnStats(data);
  const rng = createRng(options.seed ?? 0);
  const oversample = options.oversample ?? 10;
  const maxBasisRows = options.maxBasisRows ?? basisRowLimit(data, method, dim + oversample);
  const sample =
    data.rows > maxBasisRows ? sampleWithoutReplacement(rng, data.rows, maxBasisRows) : null;
  const basisData = sample ? selectData(data, sample) : data;
  const target = Math.min(dim, stats.varying, basisData.rows - 1);

  let axes: PrincipalAxes = { components: new Float64Array(0), size: 0 };
  let basisScores: Float64Array | null = null;
  if (target > 0 && method === 'covariance' && basisData.kind === 'rows') {
    axes = covarianceAxes(basisData, stats, target, RANK_TOLERANCE, rng, options.signal);
  } else if (target > 0) {
    const found = randomizedAxes(standardizedOperator(basisData, stats, options.signal), {
      target,
      oversample,
      powerIterations: options.powerIterations ?? autoPasses(basisData, dim + oversample),
      rankTolerance: RANK_TOLERANCE,
      rng,
      signal: options.signal,
    });
    axes = found;
    basisScores = sample ? null : found.scores;
  }

  const z = standardizedOperator(data, stats, options.signal);
  const scores = basisScores ?? projectRows(z, axes);
  return finish(data, stats, axes, scores, method, basisData.rows);
}

function defaultMethod(data: DataMatrix): PcaMethod {
  return data.kind === 'rows' && data.cols <= MAX_COVARIANCE_COLS ? 'covariance' : 'randomized';
}

/** Rows whose pass through the basis step costs about BASIS_BUDGET multiply-adds. */
function basisRowLimit(data: DataMatrix, method: PcaMethod, width: number): number {
  const perRow =
    method === 'covariance'
      ? (data.cols * (data.cols + 1)) / 2
      : width * (data.kind === 'rows' ? data.cols : data.indices.length / Math.max(1, data.rows));
  return Math.max(MIN_BASIS_ROWS, Math.floor(BASIS_BUDGET / Math.max(1, perRow)));
}

/** Extra subspace-iteration passes that fit PASS_BUDGET (one pass: two products of this width). */
function autoPasses(data: DataMatrix, width: number): number {
  const perProduct = width * (data.kind === 'rows' ? data.rows * data.cols : data.indices.length);
  return Math.min(MAX_AUTO_PASSES, Math.floor(PASS_BUDGET / Math.max(1, 2 * perProduct)));
}

function selectData(data: DataMatrix, rows: Int32Array): DataMatrix {
  return data.kind === 'rows' ? selectRows(data, rows) : selectSparseRows(data, rows);
}

/** Scores Z V' (rows x size) of every row on the axes V (size x cols). */
function projectRows(z: LinearOperator, axes: PrincipalAxes): Float64Array {
  const scores = new Float64Array(z.rows * axes.size);
  if (axes.size > 0) z.multiply(transpose(axes.components, axes.size, z.cols), axes.size, scores);
  return scores;
}

/**
 * Fixes each axis' sign (its largest entry positive, so that results do not flip with rounding),
 * clears the rounding noise the decompositions leave on constant columns (which hold no data),
 * centres the score columns exactly, and measures their variances.
 */
function finish(
  data: DataMatrix,
  stats: ColumnStats,
  axes: PrincipalAxes,
  scores: Float64Array,
  method: PcaMethod,
  basisRows: number,
): PcaResult {
  const { rows, cols } = data;
  const { components, size } = axes;
  const signs = new Float64Array(size);
  for (let m = 0; m < size; m++) {
    let largest = 0;
    for (let j = 1; j < cols; j++) {
      if (Math.abs(components[m * cols + j]) > Math.abs(components[m * cols + largest])) {
        largest = j;
      }
    }
    const sign = components[m * cols + largest] < 0 ? -1 : 1;
    signs[m] = sign;
    for (let j = 0; j < cols; j++) {
      components[m * cols + j] = stats.scale[j] === 0 ? 0 : sign * components[m * cols + j];
    }
  }

  const means = new Float64Array(size);
  for (let i = 0; i < rows; i++) {
    for (let m = 0; m < size; m++) means[m] += scores[i * size + m];
  }
  for (let m = 0; m < size; m++) means[m] /= rows;
  const variances = new Float64Array(size);
  for (let i = 0; i < rows; i++) {
    for (let m = 0; m < size; m++) {
      const v = signs[m] * (scores[i * size + m] - means[m]);
      scores[i * size + m] = v;
      variances[m] += v * v;
    }
  }
  for (let m = 0; m < size; m++) variances[m] = rows > 1 ? variances[m] / (rows - 1) : 0;

  let kept = 0;
  for (const v of variances) kept += v;
  const totalVariance = stats.varying;
  return {
    scores: { rows, cols: size, data: scores },
    components,
    variances,
    totalVariance,
    explainedVariance: totalVariance > 0 ? Math.min(1, kept / totalVariance) : 0,
    stats,
    method,
    basisRows,
  };
}
