import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rowMatrixOf } from '../../../src/core/features/row-matrix';
import { SparseMatrixBuilder } from '../../../src/core/features/sparse-matrix';
import {
  rowColumnStats,
  sparseColumnStats,
  standardize,
} from '../../../src/core/features/standardize';
import { matrixOf, testRandom } from './helpers';

test('columns are centred and scaled to unit sample variance', () => {
  const m = matrixOf(
    4,
    3,
    (i, j) =>
      [
        [1, 5, 2],
        [2, 5, 0],
        [3, 5, 2],
        [4, 5, 0],
      ][i][j],
  );
  const { matrix, stats } = standardize(m);
  assert.deepEqual([...stats.mean], [2.5, 5, 1]);
  assert.ok(Math.abs(stats.scale[0] - 1 / Math.sqrt(5 / 3)) < 1e-15);
  assert.equal(stats.scale[1], 0);
  assert.ok(Math.abs(stats.scale[2] - 1 / Math.sqrt(4 / 3)) < 1e-15);
  assert.equal(stats.varying, 2);
  for (const j of [0, 2]) {
    const col = [0, 1, 2, 3].map((i) => matrix.data[i * 3 + j]);
    const mean = col.reduce((s, v) => s + v, 0) / 4;
    const variance = col.reduce((s, v) => s + (v - mean) ** 2, 0) / 3;
    assert.ok(Math.abs(mean) < 1e-15);
    assert.ok(Math.abs(variance - 1) < 1e-14);
  }
  assert.deepEqual(
    [0, 1, 2, 3].map((i) => matrix.data[i * 3 + 1]),
    [0, 0, 0, 0],
  );
});

test('a constant column that is not exactly representable still counts as constant', () => {
  const m = matrixOf(7, 2, (i, j) => (j === 0 ? 0.1 : i));
  const stats = rowColumnStats(rowMatrixOf(m));
  assert.equal(stats.scale[0], 0);
  assert.equal(stats.varying, 1);
});

test('a large common offset costs no precision', () => {
  const m = matrixOf(50, 1, (i) => 1e9 + ((i * 37) % 11) - 5);
  const values = [...m.data];
  const mean = values.reduce((s, v) => s + (v - 1e9), 0) / 50 + 1e9;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / 49;
  const stats = rowColumnStats(rowMatrixOf(m));
  assert.ok(Math.abs(stats.mean[0] - mean) < 1e-6);
  assert.ok(Math.abs(1 / stats.scale[0] ** 2 - variance) < 1e-9 * variance);
});

test('a single row has no variance', () => {
  assert.equal(rowColumnStats(rowMatrixOf(matrixOf(1, 3, () => 2))).varying, 0);
});

test('sparse statistics equal dense statistics of the same matrix', () => {
  const random = testRandom(11);
  const dense = matrixOf(30, 8, (_, j) => (random() < 0.3 || j === 7 ? 0 : random() * 4 - 1));
  const builder = new SparseMatrixBuilder(8);
  for (let i = 0; i < 30; i++) {
    const row = [...dense.data.subarray(i * 8, (i + 1) * 8)];
    const cols = row.flatMap((v, j) => (v !== 0 ? [j] : []));
    builder.addRow(
      cols,
      cols.map((j) => row[j]),
      cols.length,
    );
  }
  const a = rowColumnStats(rowMatrixOf(dense));
  const b = sparseColumnStats(builder.build());
  assert.equal(a.varying, 7);
  assert.equal(b.varying, 7);
  for (let j = 0; j < 8; j++) {
    assert.ok(Math.abs(a.mean[j] - b.mean[j]) < 1e-15);
    assert.ok(Math.abs(a.scale[j] - b.scale[j]) < 1e-12 * Math.max(1, a.scale[j]));
  }
});
