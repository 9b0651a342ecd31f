import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRealPool, DEFAULT_REAL_POOL_SETTINGS } from '../../../src/core/simulate/real-pool';
import { expectedScore, heldOutAccuracy } from '../../../src/core/simulate/real-pool-metrics';
import type { ScoredPool } from '../../../src/core/simulate/scored-pool';
import { createWorld, DEFAULT_WORLD_SETTINGS } from '../../../src/core/simulate/world';

test('held-out accuracy leaves out labelled pairs and ties of the score', () => {
  // One prompt of three completions: pairs (0,1), (0,2), (1,2).
  const index = { pairA: Int32Array.from([0, 0, 1]), pairB: Int32Array.from([1, 2, 2]) };
  const scores = Float64Array.from([3, 1, 1]);
  const fitted = Float64Array.from([0, 1, 5]);
  // Pair (1,2) is a tie of the score; (0,1) and (0,2) are both ordered wrongly.
  assert.equal(heldOutAccuracy(index, fitted, scores, []), 0);
  assert.equal(heldOutAccuracy(index, Float64Array.from([9, 1, 5]), scores, []), 1);
  // Labelling pair (0,1) leaves only (0,2); a tie of the fitted reward counts one half.
  assert.equal(heldOutAccuracy(index, Float64Array.from([5, 0, 5]), scores, [0]), 0.5);
});

test('the expected score of the reference is the mean score under pi_0', () => {
  const offsets = Int32Array.from([0, 2, 5]);
  const pi0 = Float64Array.from([0.5, 0.5, 0.2, 0.3, 0.5]);
  const scores = Float64Array.from([1, 3, 10, 0, 2]);
  const none = new Float64Array(5);
  // (0.5 + 1.5 + 2 + 0 + 1) / 2 prompts
  assert.ok(Math.abs(expectedScore(pi0, none, 0.1, offsets, scores) - 2.5) < 1e-12);
  // A fitted reward that knows the scores, at a small beta: near the best of each prompt.
  const sharp = expectedScore(pi0, scores, 0.01, offsets, scores);
  assert.ok(Math.abs(sharp - 6.5) < 1e-6);
});

test('the real-pool check runs on a scored pool and is reproducible', async () => {
  const world = createWorld({ ...DEFAULT_WORLD_SETTINGS, prompts: 15, completions: 5, dim: 3 }, 1);
  const scored: ScoredPool = {
    features: world.features,
    r: 3,
    offsets: world.offsets,
    scores: world.score.map((s) => Math.round(4 * s)),
    pi0: new Float64Array(world.n).fill(0.2),
    referencePolicy: 'uniform',
    promptIds: Array.from({ length: 15 }, (_, i) => `p${i}`),
    droppedCompletions: 0,
    droppedPrompts: 0,
  };
  const settings = { ...DEFAULT_REAL_POOL_SETTINGS, budgets: [10, 20], seeds: 2 };
  const first = await checkRealPool(scored, settings);
  const second = await checkRealPool(scored, settings);
  assert.deepEqual(first.curves, second.curves);
  assert.equal(first.pool.pairs, 150);
  for (const curve of Object.values(first.curves)) {
    for (const e of curve.accuracy) assert.ok(e.mean >= 0 && e.mean <= 1 && e.count === 2);
  }
  const { references } = first;
  assert.ok(references.referenceScore <= references.optimalScore);
  assert.ok(references.optimalScore <= references.bestScore + 1e-12);
  await assert.rejects(checkRealPool(scored, { ...settings, budgets: [151] }), /Budget exceeds/);
});
