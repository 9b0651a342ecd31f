import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { pcaProject, type PcaResult } from '../../../src/core/features/pca';
import { rowMatrixOf } from '../../../src/core/features/row-matrix';
import { SparseMatrixBuilder, type SparseMatrix } from '../../../src/core/features/sparse-matrix';
import {
  column,
  covarianceOf,
  lowRank,
  matrixOf,
  maxDifference,
  powerEigen,
  projector,
  referenceCovariance,
  referenceStandardize,
  testRandom,
} from './helpers';
import type { FeatureMatrix } from '../../../src/core/features/feature-matrix';

/** A correlated rows x cols matrix with a decaying spectrum. */
function correlated(rows: number, cols: number, seed: number): FeatureMatrix {
  const random = testRandom(seed);
  const mixing = Array.from({ length: cols }, (_, a) =>
    Array.from({ length: cols }, () => (random() - 0.5) / (1 + a)),
  );
  const latent = Array.from({ length: rows }, () => Array.from({ length: cols }, () => random()));
  return matrixOf(rows, cols, (i, j) => {
    let s = 3 * j;
    for (let a = 0; a < cols; a++) s += latent[i][a] * mixing[a][j] * (j + 1);
    return s;
  });
}

function sparseOf(m: FeatureMatrix): SparseMatrix {
  const builder = new SparseMatrixBuilder(m.cols);
  for (let i = 0; i < m.rows; i++) {
    const row = [...m.data.subarray(i * m.cols, (i + 1) * m.cols)];
    const cols = row.flatMap((v, j) => (v !== 0 ? [j] : []));
    builder.addRow(
      cols,
      cols.map((j) => row[j]),
      cols.length,
    );
  }
  return builder.build();
}

function assertClose(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);
}

function assertUncorrelated(result: PcaResult, tolerance: number): void {
  const { scores, variances } = result;
  for (let a = 0; a < scores.cols; a++) {
    assertClose(covarianceOf(column(scores, a), column(scores, a)), variances[a], 1e-9, 'var');
    for (let b = a + 1; b < scores.cols; b++) {
      const c = covarianceOf(column(scores, a), column(scores, b));
      assert.ok(Math.abs(c) <= tolerance * Math.sqrt(variances[a] * variances[b]), `cov ${a},${b}`);
    }
  }
}

test('two correlated features: the closed form 1 +- rho, axes (1, +-1) / sqrt 2', () => {
  const random = testRandom(2);
  const m = matrixOf(50, 2, () => 0);
  for (let i = 0; i < 50; i++) {
    const u = random();
    m.data[i * 2] = 10 * u + random();
    m.data[i * 2 + 1] = -3 + 0.2 * u + 0.05 * random();
  }
  const rho =
    covarianceOf(column(m, 0), column(m, 1)) /
    Math.sqrt(covarianceOf(column(m, 0), column(m, 0)) * covarianceOf(column(m, 1), column(m, 1)));
  const result = pcaProject(rowMatrixOf(m), { dim: 2 });
  assert.equal(result.method, 'covariance');
  assertClose(result.variances[0], 1 + rho, 1e-12, 'first eigenvalue');
  assertClose(result.variances[1], 1 - rho, 1e-12, 'second eigenvalue');
  assertClose(result.components[0], Math.SQRT1_2, 1e-12, 'axis 1, x');
  assertClose(result.components[1], Math.SQRT1_2, 1e-12, 'axis 1, y');
  assertClose(Math.abs(result.components[2]), Math.SQRT1_2, 1e-12, 'axis 2, x');
  assertClose(result.components[2] + result.components[3], 0, 1e-12, 'axis 2 orthogonal');
  assertClose(result.explainedVariance, 1, 1e-12, 'all variance kept');
});

test('covariance PCA matches power iteration on the standardised covariance', () => {
  const m = correlated(40, 6, 3);
  const z = referenceStandardize(m);
  const reference = powerEigen(referenceCovariance(z), 3);
  const result = pcaProject(rowMatrixOf(m), { dim: 3 });

  assert.equal(result.scores.rows, 40);
  assert.equal(result.scores.cols, 3);
  reference.forEach(({ value, vector }, k) => {
    assertClose(result.variances[k], value, 1e-9 * value, `eigenvalue ${k}`);
    const dot = vector.reduce((s, v, j) => s + v * result.components[k * 6 + j], 0);
    assertClose(Math.abs(dot), 1, 1e-8, `axis ${k}`);
  });
  const kept = reference.reduce((s, p) => s + p.value, 0);
  assertClose(result.explainedVariance, kept / 6, 1e-10, 'explained variance');
  assert.equal(result.totalVariance, 6);
  assertUncorrelated(result, 1e-10);

  // The scores are the standardised rows projected on the axes.
  for (let i = 0; i < 40; i++) {
    for (let k = 0; k < 3; k++) {
      const direct = z[i].reduce((s, v, j) => s + v * result.components[k * 6 + j], 0);
      assertClose(result.scores.data[i * 3 + k], direct, 1e-10, `score ${i},${k}`);
    }
  }
});

test('a covariance too wide to decompose in full gives the same leading axes', () => {
  const m = correlated(400, 300, 14);
  const covariance = referenceCovariance(referenceStandardize(m));
  const evd = new EigenvalueDecomposition(new Matrix(covariance), { assumeSymmetric: true });
  const order = evd.realEigenvalues.map((v, k) => [v, k]).sort((a, b) => b[0] - a[0]);
  const result = pcaProject(rowMatrixOf(m), { dim: 5 });
  assert.equal(result.method, 'covariance');
  for (let k = 0; k < 5; k++) {
    const [value, source] = order[k];
    assertClose(result.variances[k], value, 1e-9 * value, `eigenvalue ${k}`);
    const vector = evd.eigenvectorMatrix.getColumn(source);
    const dot = vector.reduce((s, v, j) => s + v * result.components[k * 300 + j], 0);
    assertClose(Math.abs(dot), 1, 1e-9, `axis ${k}`);
  }
  assertUncorrelated(result, 1e-9);
});

test('the target dimension clamps to the rank and to rows - 1', () => {
  const rank2 = pcaProject(rowMatrixOf(lowRank(30, 5, 2, 4)), { dim: 10 });
  assert.equal(rank2.scores.cols, 2);
  assertClose(rank2.explainedVariance, 1, 1e-9, 'rank 2 data kept whole');

  const fewRows = pcaProject(rowMatrixOf(correlated(4, 10, 5)), { dim: 128 });
  assert.equal(fewRows.scores.cols, 3);

  const constant = pcaProject(rowMatrixOf(matrixOf(5, 3, () => 1)), { dim: 4 });
  assert.equal(constant.scores.cols, 0);
  assert.equal(constant.scores.rows, 5);
  assert.equal(constant.explainedVariance, 0);
});

test('constant columns take no part in the axes', () => {
  const m = correlated(25, 5, 6);
  for (let i = 0; i < 25; i++) m.data[i * 5 + 2] = 7;
  const result = pcaProject(rowMatrixOf(m), { dim: 4 });
  assert.equal(result.totalVariance, 4);
  for (let k = 0; k < result.scores.cols; k++) assert.equal(result.components[k * 5 + 2], 0);
});

test('randomized PCA finds the exact subspace when the sketch spans the data', () => {
  const m = correlated(60, 12, 7);
  const exact = pcaProject(rowMatrixOf(m), { dim: 4, method: 'covariance' });
  const sketched = pcaProject(rowMatrixOf(m), { dim: 4, method: 'randomized' });
  assert.equal(sketched.method, 'randomized');
  for (let k = 0; k < 4; k++) {
    assertClose(sketched.variances[k], exact.variances[k], 1e-9 * exact.variances[0], `var ${k}`);
  }
  assert.ok(
    maxDifference(projector(exact.components, 4, 12), projector(sketched.components, 4, 12)) < 1e-8,
  );
  assertUncorrelated(sketched, 1e-10);
});

test('randomized PCA of sparse rows agrees with covariance PCA of the same rows', () => {
  // Rank 4 in 40 columns, with zeros: the sketch (16 columns) holds the whole range.
  const m = lowRank(80, 40, 4, 8);
  for (let i = 0; i < 80; i++) for (let j = 0; j < 40; j += 3) m.data[i * 40 + j] = 0;
  const exact = pcaProject(rowMatrixOf(m), { dim: 6, method: 'covariance' });
  const sparse = pcaProject(sparseOf(m), { dim: 6 });
  assert.equal(sparse.method, 'randomized');
  assert.equal(exact.scores.cols, sparse.scores.cols);
  const size = exact.scores.cols;
  for (let k = 0; k < size; k++) {
    assertClose(sparse.variances[k], exact.variances[k], 1e-8 * exact.variances[0], `var ${k}`);
  }
  assert.ok(
    maxDifference(projector(exact.components, size, 40), projector(sparse.components, size, 40)) <
      1e-8,
  );
  // The same axes up to sign, hence the same scores up to sign, column by column.
  for (let k = 0; k < size; k++) {
    const a = column(exact.scores, k);
    const b = column(sparse.scores, k);
    const sign = Math.sign(a.reduce((s, v, i) => s + v * b[i], 0));
    a.forEach((v, i) => assertClose(v, sign * b[i], 1e-7, `score ${i},${k}`));
  }
});

test('randomized PCA with a wide sketch is close to the exact axes on full-rank data', () => {
  const m = correlated(120, 30, 9);
  const exact = pcaProject(rowMatrixOf(m), { dim: 3, method: 'covariance' });
  const sketched = pcaProject(sparseOf(m), { dim: 3, powerIterations: 3 });
  for (let k = 0; k < 3; k++) {
    assertClose(sketched.variances[k], exact.variances[k], 1e-4 * exact.variances[0], `var ${k}`);
  }
  assert.ok(
    maxDifference(projector(exact.components, 3, 30), projector(sketched.components, 3, 30)) < 1e-3,
  );
});

test('same seed, same bytes; another seed, the same subspace of low-rank data', () => {
  const m = lowRank(70, 50, 5, 10);
  const a = pcaProject(sparseOf(m), { dim: 8, seed: 1 });
  const b = pcaProject(sparseOf(m), { dim: 8, seed: 1 });
  const c = pcaProject(sparseOf(m), { dim: 8, seed: 2 });
  assert.deepEqual(Buffer.from(a.scores.data.buffer), Buffer.from(b.scores.data.buffer));
  assert.deepEqual(Buffer.from(a.components.buffer), Buffer.from(b.components.buffer));
  assert.equal(a.scores.cols, 5);
  assert.equal(c.scores.cols, 5);
  assert.ok(maxDifference(projector(a.components, 5, 50), projector(c.components, 5, 50)) < 1e-9);
  for (let k = 0; k < 5; k++) {
    assertClose(a.variances[k], c.variances[k], 1e-9 * a.variances[0], `var ${k}`);
  }
});

test('axes found from a row sample still project every row', () => {
  const m = lowRank(200, 12, 3, 12);
  const full = pcaProject(rowMatrixOf(m), { dim: 3 });
  for (const method of ['covariance', 'randomized'] as const) {
    const sampled = pcaProject(rowMatrixOf(m), { dim: 3, method, maxBasisRows: 40 });
    assert.equal(sampled.basisRows, 40);
    assert.equal(sampled.scores.rows, 200);
    assert.ok(
      maxDifference(projector(full.components, 3, 12), projector(sampled.components, 3, 12)) < 1e-9,
      method,
    );
    assertClose(sampled.explainedVariance, 1, 1e-9, `${method} explained variance`);
  }
});

test('rejects a bad dimension and stops when aborted', () => {
  const m = rowMatrixOf(correlated(10, 3, 13));
  assert.throws(() => pcaProject(m, { dim: 0 }), /dim must be a positive integer/);
  assert.throws(() => pcaProject(m, { signal: AbortSignal.abort() }), { name: 'AbortError' });
  assert.throws(
    () => pcaProject(sparseOf(correlated(10, 3, 13)), { method: 'covariance' }),
    /needs dense rows/,
  );
});
