import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { featurize } from '../../../src/core/features/featurize';
import { createUseEmbedder, embedPool, USE_DIMENSION } from '../../../src/core/features/semantic';
import { makePool } from './helpers';

const SENTENCES = [
  'How do I bake bread at home?',
  'What is the way to make a loaf of bread in my kitchen?',
  'The stock market fell sharply after the announcement.',
  'Quantum entanglement links the states of two particles.',
];

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

test('the sentence encoder gives 512 unit vectors that place paraphrases together', async () => {
  const embedder = await createUseEmbedder();
  const vectors = await embedder.embed(SENTENCES, { batch: 1, batches: 1 });
  assert.equal(vectors.length, SENTENCES.length);
  for (const vector of vectors) {
    assert.equal(vector.length, USE_DIMENSION);
    assert.ok(vector.every(Number.isFinite));
    assert.ok(Math.abs(Math.hypot(...vector) - 1) < 1e-3, 'unit norm');
  }

  const paraphrase = cosine(vectors[0], vectors[1]);
  for (const other of [2, 3]) {
    assert.ok(
      paraphrase > cosine(vectors[0], vectors[other]) + 0.2,
      `paraphrases ${paraphrase.toFixed(3)} vs unrelated ${cosine(vectors[0], vectors[other])}`,
    );
  }

  const again = await embedder.embed(SENTENCES, { batch: 1, batches: 1 });
  assert.deepEqual(again, vectors, 'the same batch gives the same vectors, bit for bit');

  const regrouped = await embedder.embed([SENTENCES[2], SENTENCES[0]], { batch: 1, batches: 1 });
  for (const [k, original] of [
    [0, 2],
    [1, 0],
  ]) {
    const drift = Math.max(...regrouped[k].map((x, j) => Math.abs(x - vectors[original][j])));
    assert.ok(drift < 1e-6, `another batch changes a vector by float32 rounding only: ${drift}`);
  }
});

test('embedPool with use: a second run hits the cache, same features, pool untouched', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pair-curator-use-'));
  const pool = makePool([
    [{ text: SENTENCES[0] }, { text: SENTENCES[1] }, { text: SENTENCES[2] }],
    [{ text: SENTENCES[3] }, { text: '   ' }, { text: SENTENCES[0] }],
  ]);
  pool.file = join(dir, 'tiny.pool.jsonl');
  writeFileSync(pool.file, 'not read: the pool is built in memory\n');
  const before = { text: readFileSync(pool.file, 'utf8'), mtime: statSync(pool.file).mtimeMs };

  const progress: [number, number][] = [];
  const first = await embedPool(pool, {
    featurizer: 'use',
    use: { batchSize: 2 },
    progress: (done, total) => progress.push([done, total]),
  });
  assert.deepEqual(progress, [
    [0, 4],
    [2, 4],
    [4, 4],
  ]);
  assert.equal(first.embedded, 4, 'the repeated text is embedded once');
  assert.equal(first.empty, 1);
  assert.deepEqual(first.rows[4], new Float64Array(USE_DIMENSION), 'blank text: zero vector');
  assert.deepEqual({ hits: first.cache.hits, misses: first.cache.misses }, { hits: 0, misses: 5 });
  assert.equal(dirname(first.cache.file!), join(dir, '.pair-curator-cache'));

  const second = await embedPool(pool, { featurizer: 'use' });
  assert.equal(second.embedded, 0);
  assert.deepEqual(
    { hits: second.cache.hits, misses: second.cache.misses },
    { hits: 5, misses: 0 },
  );
  assert.deepEqual(second.rows, first.rows);

  const a = featurize(pool, { featurizer: 'use', embeddings: first, dim: 4 });
  const b = featurize(pool, { featurizer: 'use', embeddings: second, dim: 4 });
  assert.deepEqual(a.matrix, b.matrix);
  assert.equal(a.info.featurizer, 'use');
  assert.equal(a.info.inputDim, USE_DIMENSION);
  assert.match(a.info.model!, /universal-sentence-encoder/);
  assert.deepEqual(b.info.cache, second.cache);

  assert.equal(readFileSync(pool.file, 'utf8'), before.text);
  assert.equal(statSync(pool.file).mtimeMs, before.mtime);
});

test('use cuts texts longer than its limit and keys them as cut', async () => {
  const long = 'A long answer about bread. '.repeat(40);
  const pool = makePool([[{ text: long }, { text: long.slice(0, 100) }]]);
  const run = await embedPool(pool, { featurizer: 'use', use: { maxChars: 100 }, cache: false });
  assert.equal(run.truncated, 1);
  assert.equal(run.embedded, 1, 'the cut text equals the short one');
  assert.deepEqual(run.rows[0], run.rows[1]);
  assert.equal(run.cache.file, undefined);
});
