import assert from 'node:assert/strict';
import { test } from 'node:test';
import { criterionValue, designInformation } from '../../../src/core/design/criterion';
import { InformationState } from '../../../src/core/design/information-state';
import { pairTotal } from '../../../src/core/design/problem';
import { seededRandom } from '../../../src/core/design/seeded-random';
import { evaluateSequence } from '../../../src/core/design/sequence';
import { labellingOrder } from '../../../src/core/design/labelling-order';
import { randomProblem } from './random-problem';

function close(actual: number, expected: number, relative: number, what: string): void {
  const scale = Math.max(1e-12, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= relative * scale, `${what}: ${actual} vs ${expected}`);
}

for (const criterion of ['dpo', 'a', 'd'] as const) {
  test(`every rank-one update agrees with a direct recomputation (${criterion})`, () => {
    const problem = randomProblem(7, [4, 3, 5, 2], 4, criterion, true);
    const random = seededRandom(3);
    // recomputeEvery is huge so that only the rank-one formulas are exercised.
    const state = new InformationState(problem, problem.base, 1e9);
    const mass = new Float64Array(pairTotal(problem));
    for (let step = 0; step < 40; step++) {
      const e = Math.floor(random() * mass.length);
      const delta = mass[e] > 0.5 && random() < 0.4 ? -0.5 * mass[e] : 0.3 + random();
      state.update(e, delta);
      mass[e] += delta;

      const direct = new InformationState(problem, designInformation(problem, indices(mass), mass));
      close(state.value, direct.value, 1e-9, `criterion after step ${step}`);
      close(state.value, criterionValue(problem, direct.sigma), 1e-9, 'criterion from scratch');
      for (let p = 0; p < mass.length; p++) {
        close(state.q[p], direct.q[p], 1e-7, `q of pair ${p}`);
        if (criterion !== 'd') close(state.t[p], direct.t[p], 1e-7, `t of pair ${p}`);
      }
    }
  });
}

test('gains equal the criterion recomputed with and without the pair', () => {
  for (const criterion of ['dpo', 'a', 'd'] as const) {
    const problem = randomProblem(11, [3, 4, 2], 3, criterion, true);
    const start = [0, 4, 7];
    const sigma = designInformation(problem, start);
    const state = new InformationState(problem, sigma);
    const before = criterionValue(problem, sigma);
    for (let e = 0; e < pairTotal(problem); e++) {
      const after = criterionValue(problem, designInformation(problem, [...start, e]));
      close(state.gain(e), before - after, 1e-9, `${criterion} gain of pair ${e}`);
    }
  }
});

test("a labelling sequence reports each label's exact marginal gain and prefix values", () => {
  const problem = randomProblem(5, [4, 4, 3], 3);
  const order = [2, 9, 2, 14, 0, 5];
  const walked = evaluateSequence(problem, problem.base, order, [0, 3, 6]);
  let previous = criterionValue(problem, problem.base);
  order.forEach((_, i) => {
    const now = criterionValue(problem, designInformation(problem, order.slice(0, i + 1)));
    close(walked.gains[i], previous - now, 1e-9, `gain ${i}`);
    previous = now;
  });
  close(walked.values[0], criterionValue(problem, problem.base), 1e-12, 'empty prefix');
  close(walked.values[2], previous, 1e-9, 'full prefix');
});

function indices(mass: Float64Array): number[] {
  return Array.from(mass.keys());
}

test('the labelling order takes, at each step, the label of largest exact gain', () => {
  for (const criterion of ['dpo', 'd'] as const) {
    const problem = randomProblem(17, [4, 4, 3], 3, criterion, true);
    const chosen = [3, 0, 11, 7, 2, 14, 9];
    const order = labellingOrder(problem, problem.base, chosen);
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      [...chosen].sort((a, b) => a - b),
    );
    const left = [...chosen];
    const taken: number[] = [];
    for (const next of order) {
      const value = (e: number) =>
        criterionValue(problem, designInformation(problem, [...taken, e]));
      const best = Math.min(...left.map(value));
      close(value(next), best, 1e-9, `${criterion}: step ${taken.length}`);
      left.splice(left.indexOf(next), 1);
      taken.push(next);
    }
  }
});
