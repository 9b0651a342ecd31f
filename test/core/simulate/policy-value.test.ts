import assert from 'node:assert/strict';
import { test } from 'node:test';
import { policyValue, suboptimality, tiltedPolicy } from '../../../src/core/simulate/policy-value';
import { createWorld, DEFAULT_WORLD_SETTINGS, project } from '../../../src/core/simulate/world';

function close(actual: number, expected: number, tolerance: number, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what} ${actual} is not ${expected}`);
}

test('the gap of a two-completion pool matches the closed form', () => {
  // One prompt, pi_0 = (1/2, 1/2), r* = (1, 0), beta = 1, so pi* = (e, 1) / (e + 1) and
  // J(pi*) = beta log Z = log((e + 1) / 2) = 0.6201145069582775. The fitted reward (0, 0)
  // gives pi_hat = pi_0, whose value is E r* - 0 = 1/2: the gap is 0.1201145069582775.
  const offsets = Int32Array.from([0, 2]);
  const pi0 = Float64Array.from([0.5, 0.5]);
  const reward = Float64Array.from([1, 0]);
  const best = tiltedPolicy(pi0, reward, 1, offsets);
  close(best[0], Math.E / (Math.E + 1), 1e-15);
  close(policyValue(best, pi0, reward, 1, offsets), 0.6201145069582775, 1e-15, 'J(pi*)');
  close(policyValue(pi0, pi0, reward, 1, offsets), 0.5, 1e-15, 'J(pi_0)');
  const gap = suboptimality(pi0, reward, Float64Array.from([0, 0]), 1, offsets);
  close(gap, 0.1201145069582775, 1e-15, 'gap');
});

test('the gap of a skewed two-completion pool at beta 0.5 matches the closed form', () => {
  // pi_0 = (0.8, 0.2), r* = (0, 1), beta = 1/2: pi* ∝ (0.8, 0.2 e^2), J(pi*) = 0.5 log Z with
  // Z = 0.8 + 0.2 e^2. A fitted reward (0, 0.5) gives pi_hat ∝ (0.8, 0.2 e) = (q, 1 - q), with
  // J(pi_hat) = (1 - q) - 0.5 [q log(q / 0.8) + (1 - q) log((1 - q) / 0.2)].
  const offsets = Int32Array.from([0, 2]);
  const pi0 = Float64Array.from([0.8, 0.2]);
  const reward = Float64Array.from([0, 1]);
  const z = 0.8 + 0.2 * Math.exp(2);
  const q = 0.8 / (0.8 + 0.2 * Math.E);
  const fittedValue = 1 - q - 0.5 * (q * Math.log(q / 0.8) + (1 - q) * Math.log((1 - q) / 0.2));
  const expected = 0.5 * Math.log(z) - fittedValue;
  const gap = suboptimality(pi0, reward, Float64Array.from([0, 0.5]), 0.5, offsets);
  close(gap, expected, 1e-14, 'gap');
  // By hand: Z = 2.277811, J(pi*) = 0.411607; q = 0.595390, J(pi_hat) = 0.350002; gap 0.061605.
  close(gap, 0.061605, 5e-6, 'gap by hand');
});

test('the gap is zero at the true reward and positive away from it', () => {
  const world = createWorld({ ...DEFAULT_WORLD_SETTINGS, prompts: 20, completions: 5, dim: 4 }, 3);
  const { pi0, reward, offsets, features, d } = world;
  const beta = world.settings.beta;
  close(suboptimality(pi0, reward, reward, beta, offsets), 0, 1e-12, 'gap at the truth');

  // A reward that differs by a constant within each prompt is the same policy: gap zero.
  const shifted = reward.map((v, c) => v + Math.floor(c / 5) * 0.37);
  close(suboptimality(pi0, reward, shifted, beta, offsets), 0, 1e-12, 'gap of a shifted reward');

  for (let k = 0; k < d; k++) {
    for (const step of [-1, -0.1, 0.1, 1]) {
      const theta = world.delta.slice();
      theta[k] += step;
      const fitted = project(features, d, theta).map((v) => beta * v);
      const gap = suboptimality(pi0, reward, fitted, beta, offsets);
      assert.ok(gap > 0, `coordinate ${k}, step ${step}: gap ${gap}`);

      // The identity gap = beta * mean_i KL(pi_hat || pi*).
      const best = tiltedPolicy(pi0, reward, beta, offsets);
      const pi = tiltedPolicy(pi0, fitted, beta, offsets);
      let kl = 0;
      for (let c = 0; c < pi.length; c++) if (pi[c] > 0) kl += pi[c] * Math.log(pi[c] / best[c]);
      close(gap, (beta * kl) / world.settings.prompts, 1e-9 * Math.max(1, gap), 'KL identity');
    }
  }
});

test('pi* = pi_0 exp(r* / beta) / Z maximises J', () => {
  const world = createWorld({ ...DEFAULT_WORLD_SETTINGS, prompts: 6, completions: 4, dim: 3 }, 8);
  const { pi0, reward, offsets } = world;
  const beta = 0.7;
  const best = tiltedPolicy(pi0, reward, beta, offsets);
  const top = policyValue(best, pi0, reward, beta, offsets);
  for (let c = 0; c < best.length; c++) {
    // Move a little mass to completion c from the others of its prompt.
    const prompt = Math.floor(c / 4);
    const moved = best.slice();
    for (let o = prompt * 4; o < prompt * 4 + 4; o++) moved[o] *= 0.99;
    moved[c] += 0.01;
    assert.ok(policyValue(moved, pi0, reward, beta, offsets) < top, `completion ${c}`);
  }
});
