import assert from 'node:assert/strict';
import { test } from 'node:test';
import { certify } from '../../../src/core/design/certificate';
import { solveContinuous } from '../../../src/core/design/continuous';
import { criterionValue, uniformInformation } from '../../../src/core/design/criterion';
import { greedyDesign } from '../../../src/core/design/greedy';
import { InformationState } from '../../../src/core/design/information-state';
import { policyMatrix } from '../../../src/core/design/policy';
import { pairIndex, pairRef } from '../../../src/core/design/problem';
import { loadTinyFixture, tinyProblem } from './fixture';

const fixture = loadTinyFixture();
const problem = tinyProblem(fixture);
const names = Object.keys(fixture.pool);

function close(actual: number, expected: number, relative = 1e-9): void {
  const scale = Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= relative * scale, `${actual} is not ${expected}`);
}

test('the policy matrix I matches the fixture', () => {
  const features = Float64Array.from(names.flatMap((n) => fixture.pool[n]).flat());
  const pi0 = Float64Array.from(names.flatMap((n) => fixture.pi0[n]));
  const computed = policyMatrix(features, 3, problem.offsets, pi0);
  fixture.I.flat().forEach((value, i) => close(computed[i], value, 1e-9));
});

test('pairs are enumerated in the fixture order', () => {
  fixture.pairs.forEach(([name, a, b], e) => {
    const prompt = names.indexOf(name);
    assert.deepEqual(pairRef(problem, e), { prompt, a, b });
    assert.equal(pairIndex(problem, prompt, a, b), e);
  });
});

test('uniform design: criterion, scores and directional derivatives', () => {
  const sigma = uniformInformation(problem, 1);
  close(criterionValue(problem, sigma), fixture.uniform_design.criterion);
  const state = new InformationState(problem, sigma);
  fixture.uniform_design.score.forEach((score, e) => close(state.gain(e), score));
  fixture.uniform_design.directional_derivative_d.forEach((d, e) => close(state.derivative(e), d));
});

test('continuous optimum: criterion, weights and the optimality constant', async () => {
  const design = await solveContinuous(problem, {
    mass: 1,
    cap: Infinity,
    targetEfficiency: 1 - 1e-10,
    maxIterations: 10000,
  });
  const optimum = fixture.continuous_optimum;
  close(design.value, optimum.criterion, 1e-8);
  optimum.weights.forEach((w, e) => assert.ok(Math.abs(design.weights[e] - w) < 1e-6));
  const d = optimum.weights.map((_, e) => design.state.derivative(e));
  optimum.weights.forEach((w, e) => {
    if (w > 0) close(d[e], optimum.c, 1e-6);
    else assert.ok(d[e] <= optimum.c * (1 + 1e-6));
  });
  assert.ok(design.lowerBound <= optimum.criterion * (1 + 1e-9));
  assert.ok(design.efficiency > 1 - 1e-8);
});

test('the certificate at the uniform design bounds the optimum from below', () => {
  const sigma = uniformInformation(problem, 1);
  const state = new InformationState(problem, sigma);
  const uniform = new Float64Array(10).fill(0.1);
  const certificate = certify(state, uniform, 1, Infinity);
  assert.ok(certificate.lowerBound <= fixture.continuous_optimum.criterion);
  assert.ok(certificate.lowerBound > 0);
  assert.ok(certificate.gap > 0);
  close(certificate.efficiency, certificate.lowerBound / fixture.uniform_design.criterion);
});

for (const budget of ['1', '2', '3', '4']) {
  test(`greedy with exchanges finds the best subset of ${budget} pairs`, async () => {
    const best = fixture.exact_best_subsets_unit_weights[budget];
    const design = await greedyDesign(problem, problem.base, {
      budget: Number(budget),
      allowRepeats: false,
      maxPerPrompt: 0,
      cover: [],
    });
    close(design.value, best.criterion, 1e-9);
    const expected = best.pairs.map(([n, a, b]) => pairIndex(problem, names.indexOf(n), a, b));
    assert.deepEqual([...design.order].sort(), expected.sort());
  });
}
