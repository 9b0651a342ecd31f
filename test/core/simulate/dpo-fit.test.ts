import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomInt, seededRandom } from '../../../src/core/design/seeded-random';
import { fitDpo } from '../../../src/core/simulate/dpo-fit';
import { drawLabels, labelDraws } from '../../../src/core/simulate/labels';
import { createWorld, DEFAULT_WORLD_SETTINGS } from '../../../src/core/simulate/world';

test('the DPO fit recovers theta* from many labels', () => {
  // 20,000 labels of random pairs (with repeats) of a world with d = 4. The fit's error is
  // about normal with covariance H^-1 (H the Hessian at the fit), so the standardised error
  // (theta_hat - delta)' H (theta_hat - delta) is about chi-squared with 4 degrees of freedom:
  // the test asks for less than 18.5 (its 0.999 quantile), and every coordinate within 10 %
  // of the largest coordinate of delta.
  const world = createWorld({ ...DEFAULT_WORLD_SETTINGS, prompts: 50, completions: 6, dim: 4 }, 11);
  const { d, features, offsets } = world;
  const beta = world.settings.beta;
  const x = features.map((v) => beta * v);
  const random = seededRandom(5);
  const pairA: number[] = [];
  const pairB: number[] = [];
  for (let l = 0; l < 20000; l++) {
    const prompt = randomInt(random, world.settings.prompts);
    const a = randomInt(random, 6);
    const b = (a + 1 + randomInt(random, 5)) % 6;
    pairA.push(offsets[prompt] + a);
    pairB.push(offsets[prompt] + b);
  }
  const index = { pairA: Int32Array.from(pairA), pairB: Int32Array.from(pairB) };
  const order = pairA.map((_, l) => l);
  const labels = drawLabels(order, index, world.reward, labelDraws(order.length, random));
  const ridge = 1e-3;
  const fit = fitDpo(x, d, labels, ridge);
  assert.ok(fit.converged, 'Newton converged');
  assert.ok(fit.gradientNorm < 1e-8, `gradient ${fit.gradientNorm}`);

  const error = fit.theta.map((v, k) => v - world.delta[k]);
  const hessian = new Float64Array(d * d);
  for (let l = 0; l < order.length; l++) {
    const g = new Float64Array(d);
    let u = 0;
    for (let k = 0; k < d; k++) {
      g[k] = x[labels.winners[l] * d + k] - x[labels.losers[l] * d + k];
      u += fit.theta[k] * g[k];
    }
    const s = 1 / (1 + Math.exp(-u));
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++) hessian[a * d + b] += s * (1 - s) * g[a] * g[b];
  }
  let standardised = 0;
  for (let a = 0; a < d; a++)
    for (let b = 0; b < d; b++) standardised += error[a] * hessian[a * d + b] * error[b];
  assert.ok(standardised < 18.5, `standardised error ${standardised}`);
  const scale = Math.max(...world.delta.map(Math.abs));
  for (let k = 0; k < d; k++) {
    assert.ok(
      Math.abs(error[k]) < 0.1 * scale,
      `coordinate ${k}: ${fit.theta[k]} vs ${world.delta[k]}`,
    );
  }
});

test('the fit solves the penalised score equation, even on separable labels', () => {
  // Three labels that a line separates: without the ridge the maximum likelihood would diverge.
  const x = Float64Array.from([0, 0, 1, 0, 0, 1, 1, 1]);
  const labels = { winners: Int32Array.from([1, 3, 3]), losers: Int32Array.from([0, 0, 2]) };
  const ridge = 0.01;
  const fit = fitDpo(x, 2, labels, ridge);
  assert.ok(fit.converged);
  // Gradient: ridge * theta - sum_l (1 - p_l) g_l = 0.
  const gradient = [ridge * fit.theta[0], ridge * fit.theta[1]];
  for (let l = 0; l < 3; l++) {
    const g = [0, 1].map((k) => x[labels.winners[l] * 2 + k] - x[labels.losers[l] * 2 + k]);
    const p = 1 / (1 + Math.exp(-(fit.theta[0] * g[0] + fit.theta[1] * g[1])));
    gradient[0] -= (1 - p) * g[0];
    gradient[1] -= (1 - p) * g[1];
  }
  assert.ok(Math.abs(gradient[0]) < 1e-10 && Math.abs(gradient[1]) < 1e-10, `${gradient}`);
  assert.ok(fit.theta[0] > 0 && fit.theta[1] > 0);
});
