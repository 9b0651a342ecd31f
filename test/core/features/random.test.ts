import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng, gaussian, sampleWithoutReplacement } from '../../../src/core/features/random';

test('a seed reproduces its sequence; other seeds give other sequences', () => {
  const draw = (seed: number) => Array.from({ length: 100 }, createRng(seed));
  assert.deepEqual(draw(7), draw(7));
  assert.notDeepEqual(draw(7), draw(8));
  assert.notDeepEqual(draw(0), draw(2 ** 32));
});

test('uniform draws lie in [0, 1) with the moments of a uniform', () => {
  const rng = createRng(1);
  const n = 50000;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const u = rng();
    assert.ok(u >= 0 && u < 1);
    sum += u;
    squares += u * u;
  }
  assert.ok(Math.abs(sum / n - 0.5) < 0.01);
  assert.ok(Math.abs(squares / n - sum ** 2 / n ** 2 - 1 / 12) < 0.005);
});

test('gaussian draws have mean 0, variance 1 and a normal tail', () => {
  const rng = createRng(3);
  const n = 50000;
  const draws = Array.from({ length: n }, () => gaussian(rng));
  const mean = draws.reduce((s, x) => s + x, 0) / n;
  const variance = draws.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  const beyondTwo = draws.filter((x) => Math.abs(x) > 2).length / n;
  assert.ok(Math.abs(mean) < 0.02);
  assert.ok(Math.abs(variance - 1) < 0.03);
  assert.ok(Math.abs(beyondTwo - 0.0455) < 0.005);
});

test('sampling without replacement gives distinct increasing indices in range', () => {
  const sample = sampleWithoutReplacement(createRng(5), 1000, 100);
  assert.equal(sample.length, 100);
  for (let i = 1; i < sample.length; i++) assert.ok(sample[i] > sample[i - 1]);
  assert.ok(sample[0] >= 0 && sample[99] < 1000);
  assert.deepEqual(sampleWithoutReplacement(createRng(5), 1000, 100), sample);
  assert.deepEqual([...sampleWithoutReplacement(createRng(5), 4, 4)], [0, 1, 2, 3]);
  assert.throws(() => sampleWithoutReplacement(createRng(5), 3, 4), /Cannot sample 4 of 3/);
});
