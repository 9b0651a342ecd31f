import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SparseMatrixBuilder } from '../../../src/core/features/sparse-matrix';
import { inverseDocumentFrequency, tfidf } from '../../../src/core/features/tfidf';

function counts(rows: [number, number][][], cols: number) {
  const builder = new SparseMatrixBuilder(cols);
  for (const row of rows) {
    builder.addRow(
      row.map(([j]) => j),
      row.map(([, c]) => c),
      row.length,
    );
  }
  return builder.build();
}

test('idf is log((1 + n) / (1 + df)) + 1', () => {
  const m = counts(
    [
      [
        [0, 2],
        [1, 1],
      ],
      [[1, 1]],
      [[2, -3]],
      [],
    ],
    4,
  );
  const idf = inverseDocumentFrequency(m);
  const expected = [1, 2, 1, 0].map((df) => Math.log(5 / (1 + df)) + 1);
  idf.forEach((v, j) => assert.ok(Math.abs(v - expected[j]) < 1e-15));
});

test('weights are sublinear tf times idf, signed, rows of unit length', () => {
  const m = counts(
    [
      [
        [0, 2],
        [1, 1],
      ],
      [[1, 1]],
      [[2, -3]],
      [],
    ],
    4,
  );
  const w = tfidf(m);
  const idf0 = Math.log(5 / 2) + 1;
  const idf1 = Math.log(5 / 3) + 1;
  const raw = [(1 + Math.log(2)) * idf0, idf1];
  const norm = Math.hypot(...raw);
  assert.ok(Math.abs(w.values[0] - raw[0] / norm) < 1e-15);
  assert.ok(Math.abs(w.values[1] - raw[1] / norm) < 1e-15);
  assert.equal(w.values[2], 1);
  assert.equal(w.values[3], -1);
  assert.deepEqual(w.rowStart, m.rowStart);
  assert.deepEqual(w.indices, m.indices);
});

test('large and fractional counts follow the same formula', () => {
  const m = counts(
    [
      [
        [0, 300],
        [1, 2.5],
      ],
      [[0, 1]],
    ],
    2,
  );
  const w = tfidf(m);
  const idf = inverseDocumentFrequency(m);
  const raw = [(1 + Math.log(300)) * idf[0], (1 + Math.log(2.5)) * idf[1]];
  const norm = Math.hypot(...raw);
  assert.ok(Math.abs(w.values[0] - raw[0] / norm) < 1e-15);
  assert.ok(Math.abs(w.values[1] - raw[1] / norm) < 1e-15);
});
