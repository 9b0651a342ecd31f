import assert from 'node:assert/strict';
import { test } from 'node:test';
import { solveContinuous } from '../../../src/core/design/continuous';
import { greedyDesign } from '../../../src/core/design/greedy';
import { efficiencyOf, rankBound } from '../../../src/core/design/certificate';
import { roundDesign } from '../../../src/core/design/rounding';
import { designInformation } from '../../../src/core/design/criterion';
import type { DesignProblem } from '../../../src/core/design/problem';
import { bruteForceBest, randomProblem } from './random-problem';

for (const criterion of ['dpo', 'a', 'd'] as const) {
  test(`greedy + exchange reaches the best subset of every size (${criterion})`, async () => {
    // Budgets of at least twice the dimension: below that, directions no label reaches are
    // held by the ridge alone and one-swap exchanges can stall in a poor local optimum (seen
    // up to 18 % above the best on these pools); the certificate still bounds them.
    let cases = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const r = 2 + (seed % 2);
      const problem = randomProblem(seed, [4, 3, 3], r, criterion);
      for (const budget of [2 * r, 2 * r + 1, 2 * r + 2]) {
        const constraints = { budget, allowRepeats: false, maxPerPrompt: 0, cover: [] };
        const best = bruteForceBest(problem, budget);
        const continuous = await relaxation(problem, budget);
        const fromGreedy = await greedyDesign(problem, problem.base, constraints);
        const fromRounding = await greedyDesign(problem, problem.base, constraints, {
          start: roundDesign(problem, continuous.weights, constraints),
        });
        const value = Math.min(fromGreedy.value, fromRounding.value);
        const excess = criterion === 'd' ? value - best.value : (value - best.value) / best.value;
        assert.ok(excess <= 0.02, `seed ${seed}, budget ${budget}: ${value} vs ${best.value}`);
        assert.ok(excess >= -1e-9, 'no design beats the best subset');

        // The certificate is a lower bound on every exact design of this budget.
        assert.ok(continuous.lowerBound <= best.value + 1e-9 * Math.abs(best.value));
        assert.ok(continuous.value <= best.value + 1e-9 * Math.abs(best.value));
        const efficiency = efficiencyOf(problem.kind, value, continuous.lowerBound, r);
        assert.ok(efficiency > 0 && efficiency <= 1);
        cases++;
      }
    }
    assert.equal(cases, 36);
  });

  test(`the certificate bounds small budgets too (${criterion})`, async () => {
    for (let seed = 1; seed <= 8; seed++) {
      const problem = randomProblem(seed, [2, 3, 4], 4, criterion, true);
      for (const budget of [1, 2, 3]) {
        const best = bruteForceBest(problem, budget);
        const continuous = await relaxation(problem, budget);
        assert.ok(continuous.lowerBound <= best.value + 1e-9 * Math.abs(best.value));
      }
    }
  });
}

test('without caps the continuous design reaches its certificate target', async () => {
  const problem = randomProblem(9, [5, 4, 6], 4);
  const design = await solveContinuous(problem, {
    mass: 10,
    cap: Infinity,
    targetEfficiency: 0.999,
    maxIterations: 20000,
  });
  assert.ok(design.converged, `efficiency ${design.efficiency}`);
  const total = design.weights.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(total - 10) < 1e-9);
});

test('the rank bound holds below the dimension and is zero at or above it', () => {
  for (const criterion of ['dpo', 'a'] as const) {
    for (let seed = 1; seed <= 6; seed++) {
      const problem = randomProblem(seed, [4, 4, 3], 4, criterion);
      for (const budget of [1, 2, 3]) {
        const best = bruteForceBest(problem, budget);
        const bound = rankBound(problem, budget, 1e-3);
        assert.ok(bound > 0 && bound <= best.value * (1 + 1e-9), `${bound} vs ${best.value}`);
      }
      assert.equal(rankBound(problem, 4, 1e-3), 0);
    }
  }
  // For the a criterion (T = Id) the bound is (r - labels) / ridge exactly.
  assert.equal(rankBound(randomProblem(1, [3, 3], 4, 'a'), 1, 1e-3), 3 / 1e-3);
});

test('with prior labels in the base, the certificate still bounds every subset', async () => {
  for (const criterion of ['dpo', 'a', 'd'] as const) {
    const problem = randomProblem(21, [4, 3, 3], 3, criterion);
    // Three labels already bought, counted in the base as the engine does with prior labels.
    const base = designInformation(problem, [0, 7, 8]);
    for (const budget of [1, 2, 3, 4]) {
      const best = bruteForceBest(problem, budget, base).value;
      const continuous = await relaxation(problem, budget, base);
      assert.ok(
        continuous.lowerBound <= best + 1e-9 * Math.abs(best),
        `${continuous.lowerBound} > ${best}`,
      );
      assert.ok(continuous.value <= best + 1e-9 * Math.abs(best));
    }
  }
});

/** The continuous relaxation of `budget` labels, each pair at most once, solved closely. */
function relaxation(problem: DesignProblem, budget: number, base: Float64Array = problem.base) {
  return solveContinuous(
    problem,
    { mass: budget, cap: 1, targetEfficiency: 0.9999, maxIterations: 5000 },
    base,
  );
}
