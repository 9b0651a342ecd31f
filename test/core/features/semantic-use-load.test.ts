/**
 * The sentence encoder's load when several runs ask for it at once. In a file of its own: the
 * model must not be loaded yet when the test starts, and WebAssembly is slowed for it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { embedPool, USE_DIMENSION } from '../../../src/core/features/semantic';
import { makePool } from './helpers';

test('runs started at once share one load, which waits for the backend', async () => {
  // A slow start of TensorFlow's WebAssembly backend, as on a busy machine: the weights are read
  // before it is ready, and turning them into tensors then fails unless the load waits for it.
  const instantiate = WebAssembly.instantiate;
  const slowed = async (...args: Parameters<typeof instantiate>) => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    return instantiate(...args);
  };
  WebAssembly.instantiate = slowed as typeof instantiate;
  const pool = makePool([[{ text: 'Bake the bread.' }, { text: 'The market fell.' }]]);
  const options = { featurizer: 'use' as const, cache: false };
  try {
    const runs = await Promise.all([embedPool(pool, options), embedPool(pool, options)]);
    for (const run of runs) {
      assert.equal(run.dim, USE_DIMENSION);
      assert.equal(run.embedded, 2);
    }
    assert.deepEqual(runs[1].rows, runs[0].rows);
  } finally {
    WebAssembly.instantiate = instantiate;
  }

  const later = await embedPool(pool, options);
  assert.deepEqual(later.rows, (await embedPool(pool, options)).rows);
  assert.equal(later.dim, USE_DIMENSION);
});
