import assert from 'node:assert/strict';
import { test } from 'node:test';
import { featurize } from '../../../src/core/features/featurize';
import type { Features } from '../../../src/core/features/feature-matrix';
import { makePool, matrixOf, referenceStandardize, testRandom } from './helpers';

const TEXTS = [
  [
    'The capital of France is Paris.',
    'Paris is the capital city of France.',
    'I think it is Lyon.',
  ],
  ['def add(a, b):\n    return a + b', 'add = lambda a, b: a + b'],
  [
    'Water boils at 100 degrees Celsius at sea level.',
    'It boils at 212 F.',
    'Depends on pressure.',
  ],
];

function textPool(embeddingLength?: (prompt: number, index: number) => number | undefined) {
  const random = testRandom(21);
  return makePool(
    TEXTS.map((completions, i) =>
      completions.map((text, j) => {
        const length = embeddingLength?.(i, j);
        const embedding =
          length === undefined ? undefined : Array.from({ length }, () => random() - 0.5);
        return { text, embedding };
      }),
    ),
  );
}

function row(features: Features, r: number): number[] {
  const { cols, data } = features.matrix;
  return [...data.subarray(r * cols, (r + 1) * cols)];
}

function distance(a: number[], b: number[]): number {
  return Math.hypot(...a.map((v, i) => v - b[i]));
}

test('rows follow the pool order and offsets mark each prompt', () => {
  const features = featurize(textPool());
  assert.deepEqual([...features.offsets], [0, 3, 5, 8]);
  assert.equal(features.matrix.rows, 8);
  assert.equal(features.matrix.data.length, 8 * features.matrix.cols);
  assert.equal(features.info.featurizer, 'ngram');
  assert.equal(features.info.inputDim, 4096);
  assert.equal(features.info.dim, features.matrix.cols);
  assert.ok(features.info.dim <= 7, 'at most rows - 1 dimensions');
  assert.ok(features.info.explainedVariance > 0.999 && features.info.explainedVariance <= 1);
});

test('auto uses the embeddings only when every completion has one of the same length', () => {
  const all = featurize(textPool(() => 5));
  assert.equal(all.info.featurizer, 'embedding');
  assert.equal(all.info.inputDim, 5);
  assert.equal(all.info.pca, 'covariance');

  const oneMissing = featurize(textPool((i, j) => (i === 1 && j === 0 ? undefined : 5)));
  assert.equal(oneMissing.info.featurizer, 'ngram');

  const mixedLengths = featurize(textPool((i) => (i === 2 ? 6 : 5)));
  assert.equal(mixedLengths.info.featurizer, 'ngram');

  const forcedText = featurize(
    textPool(() => 5),
    { featurizer: 'ngram', hashDim: 256 },
  );
  assert.equal(forcedText.info.featurizer, 'ngram');
  assert.equal(forcedText.info.inputDim, 256);
});

test('a forced embedding featurizer names how many completions lack one', () => {
  const pool = textPool((_, j) => (j === 0 ? undefined : 4));
  assert.throws(
    () => featurize(pool, { featurizer: 'embedding' }),
    /3 of 8 completions have no embedding/,
  );
  assert.throws(
    () =>
      featurize(
        textPool((i) => (i === 0 ? 3 : 4)),
        { featurizer: 'embedding' },
      ),
    /found lengths 3, 4/,
  );
});

test('embedding features are the standardised embeddings, rotated', () => {
  // Six dimensions and eight completions: nothing is dropped, so the projection keeps every
  // distance between standardised rows.
  const pool = textPool(() => 6);
  const embeddings = pool.prompts.flatMap((p) => p.completions.map((c) => [...c.embedding!]));
  const z = referenceStandardize(matrixOf(8, 6, (i, j) => embeddings[i][j]));
  const features = featurize(pool, { dim: 32 });
  assert.equal(features.info.dim, 6);
  assert.ok(Math.abs(features.info.explainedVariance - 1) < 1e-12);
  for (let a = 0; a < 8; a++) {
    for (let b = a + 1; b < 8; b++) {
      const expected = distance(z[a], z[b]);
      assert.ok(Math.abs(distance(row(features, a), row(features, b)) - expected) < 1e-9);
    }
  }
});

test('wide embeddings take the randomized path and keep a small pool whole', () => {
  const pool = textPool(() => 1100);
  const embeddings = pool.prompts.flatMap((p) => p.completions.map((c) => [...c.embedding!]));
  const z = referenceStandardize(matrixOf(8, 1100, (i, j) => embeddings[i][j]));
  const features = featurize(pool);
  assert.equal(features.info.pca, 'randomized');
  assert.equal(features.info.dim, 7);
  for (let a = 0; a < 8; a++) {
    for (let b = a + 1; b < 8; b++) {
      const expected = distance(z[a], z[b]);
      assert.ok(Math.abs(distance(row(features, a), row(features, b)) - expected) < 1e-8);
    }
  }
});

test('identical texts get identical features; the same seed the same bytes', () => {
  const pool = makePool([
    [{ text: 'Same answer.' }, { text: 'A different answer entirely.' }],
    [{ text: 'Same answer.' }, { text: 'same   ANSWER.' }, { text: 'Another one here.' }],
  ]);
  const features = featurize(pool);
  assert.deepEqual(row(features, 0), row(features, 2));
  assert.deepEqual(row(features, 0), row(features, 3));
  assert.notDeepEqual(row(features, 0), row(features, 1));

  const again = featurize(pool);
  assert.deepEqual(Buffer.from(again.matrix.data.buffer), Buffer.from(features.matrix.data.buffer));
});

test('n-gram features repeat by seed; another seed explains as much variance', () => {
  const random = testRandom(33);
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota'];
  const say = () => Array.from({ length: 12 }, () => words[Math.floor(random() * 9)]).join(' ');
  const pool = makePool(Array.from({ length: 30 }, () => [{ text: say() }, { text: say() }]));
  const a = featurize(pool, { seed: 1, hashDim: 512, dim: 8 });
  const b = featurize(pool, { seed: 1, hashDim: 512, dim: 8 });
  const c = featurize(pool, { seed: 2, hashDim: 512, dim: 8 });
  assert.deepEqual(Buffer.from(a.matrix.data.buffer), Buffer.from(b.matrix.data.buffer));
  assert.equal(a.info.dim, 8);
  assert.ok(Math.abs(a.info.explainedVariance - c.info.explainedVariance) < 0.05);
});

test('stops when aborted and rejects bad options', () => {
  assert.throws(() => featurize(textPool(), { signal: AbortSignal.abort() }), {
    name: 'AbortError',
  });
  assert.throws(() => featurize(textPool(), { dim: -1 }), /dim must be a positive integer/);
  assert.throws(() => featurize(textPool(), { hashDim: 0 }), /hashDim must be an integer/);
});

test('an empty pool gives an empty matrix', () => {
  for (const featurizer of ['auto', 'embedding', 'ngram'] as const) {
    const features = featurize(makePool([]), { featurizer });
    assert.deepEqual([...features.offsets], [0]);
    assert.equal(features.matrix.rows, 0);
    assert.equal(features.matrix.cols, 0);
  }
});
